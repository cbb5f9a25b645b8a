/**
 * `govaudit import`: CSV files into an imported DAO in one transaction; every bad row
 * reported by line number and the database byte-identical afterwards.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { addr, cli, cliAll, json, removeTmpDirs, sha256, tmpDir, writeCsv } from './harness.js'

const good = (n: number) => Array.from({ length: n }, (_, i) => ['1', addr(i), i % 3, 100 + i] as const)

afterAll(removeTmpDirs)

describe('import', () => {
  let dir: string
  let db: string
  beforeAll(async () => {
    dir = tmpDir()
    db = path.join(dir, 'gov.db')
    const votes = writeCsv(path.join(dir, 'votes.csv'), 'proposal_id,voter,support,weight', good(5))
    const run = await cli(['import', 'Alpha', '--votes', votes, '--db', db])
    expect(run, run.stderr).toMatchObject({ code: 0, stdout: '' })
    expect(run.stderr).toContain('alpha: created (imported DAO)')
    expect(run.stderr).toContain('votes from')
    expect(run.stderr).toContain('5 rows on 1 proposal; integer weights')
  })

  test('creates an imported DAO (chain 0, token "import") that list shows', async () => {
    const out = json(await cli(['list', '--db', db, '--format', 'json']))
    expect(out.daos).toEqual([expect.objectContaining({ name: 'alpha', chainId: 0, token: 'import', indexedTo: null })])
  })

  test('bad rows: every one listed by line, nothing imported, database byte-identical', async () => {
    const before = sha256(db)
    const file = path.join(dir, 'bad.csv')
    const lines = [
      'proposal_id,voter,support,weight', // 1
      `2,${addr(1)},for,10`, // 2 ok
      `2,${addr(2)},yes,10`, // 3 bad support
      '', // 4 blank: skipped
      `2,0x1234,for,10`, // 5 bad voter
      `# a comment`, // 6 skipped
      `2,${addr(3)},for,-5`, // 7 bad weight
      `2,${addr(4)},for,1e3`, // 8 bad weight
      `2,${addr(1)},for,3`, // 9 duplicate of line 2
      `2,${addr(5)},against`, // 10 missing field
      `2,0xAbCdEf0000000000000000000000000000000001,for,1`, // 11 bad checksum
      `2,${addr(6)},abstain,7`, // 12 ok
    ]
    fs.writeFileSync(file, lines.join('\n'))
    const run = await cli(['import', 'alpha', '--votes', file, '--db', db])
    expect(run.code).toBe(2)
    expect(run.stdout).toBe('')
    const reported = [...run.stderr.matchAll(/^ {2}line (\d+):/gm)].map((m) => Number(m[1]))
    expect(reported).toEqual([3, 5, 7, 8, 9, 10, 11])
    expect(run.stderr).toContain(`${file} has 7 bad rows; nothing was imported`)
    expect(run.stderr).toContain('line 9: 0x00000000000000000000000000000000000a0001 already voted for on proposal 2 on line 2')
    expect(run.stderr).toContain('invalid EIP-55 checksum')
    expect(sha256(db)).toBe(before)
    // And the DAO still has only proposal 1.
    const out = json(await cli(['decisive', 'alpha', '--db', db, '--format', 'json']))
    expect(out.proposals.map((p: any) => p.id)).toEqual(['1'])
  })

  test('more bad rows than the cap: the first 50 listed, the rest counted', async () => {
    const file = writeCsv(path.join(dir, 'many.csv'), 'address,weight', Array.from({ length: 60 }, (_, i) => [addr(i), 'x']))
    const before = sha256(db)
    const run = await cli(['import', 'beta', '--holders', file, '--db', db])
    expect(run.code).toBe(2)
    expect([...run.stderr.matchAll(/^ {2}line \d+:/gm)]).toHaveLength(50)
    expect(run.stderr).toContain('line 2: weight must be a non-negative number')
    expect(run.stderr).toContain('line 51:')
    expect(run.stderr).not.toContain('line 52:')
    expect(run.stderr).toContain('... and 10 more')
    expect(sha256(db)).toBe(before)
  })

  test('a bad file never creates the database; missing files and flags are usage errors', async () => {
    const fresh = path.join(dir, 'fresh.db')
    const bad = writeCsv(path.join(dir, 'bad2.csv'), 'address,weight', [[addr(1), '1.2.3']])
    const [a, b, c, d, e] = await cliAll([
      ['import', 'gamma', '--holders', bad, '--db', fresh],
      ['import', 'gamma', '--holders', path.join(dir, 'absent.csv'), '--db', fresh],
      ['import', 'gamma', '--db', fresh],
      ['import', 'bad name!', '--votes', bad, '--db', fresh],
      ['import', 'gamma', '--votes', writeCsv(path.join(dir, 'empty.csv'), 'proposal_id,voter,support,weight', []), '--db', fresh],
    ])
    for (const run of [a, b, c, d, e]) expect(run).toMatchObject({ code: 2, stdout: '' })
    expect(a!.stderr).toContain('line 2: weight must be a non-negative number')
    expect(b!.stderr).toContain(`Cannot read --holders file ${path.join(dir, 'absent.csv')}: it does not exist.`)
    expect(c!.stderr).toContain('Nothing to import')
    expect(d!.stderr).toContain('DAO name must be')
    expect(e!.stderr).toContain('has no vote rows')
    expect(fs.existsSync(fresh)).toBe(false)
  })

  test('re-importing replaces: a proposal\'s votes and the holder list, never appends', async () => {
    const d = tmpDir()
    const file = path.join(d, 'r.db')
    const v1 = writeCsv(path.join(d, 'v1.csv'), 'proposal_id,voter,support,weight', [['1', addr(1), 'for', 10], ['2', addr(2), 'for', 20]])
    const v2 = writeCsv(path.join(d, 'v2.csv'), 'voter,weight,support,proposal_id', [[addr(3), 5, 'against', '01']]) // header in another order; "01" is proposal 1
    const h1 = writeCsv(path.join(d, 'h1.csv'), 'address,weight', [[addr(1), 1], [addr(2), 2]])
    const h2 = writeCsv(path.join(d, 'h2.csv'), 'address,weight', [[addr(9), 9]])
    for (const args of [['--votes', v1, '--holders', h1], ['--votes', v1], ['--votes', v2, '--holders', h2]]) {
      const run = await cli(['import', 'r', ...args, '--db', file])
      expect(run.code, run.stderr).toBe(0)
    }
    const [dec, nak] = await cliAll([
      ['decisive', 'r', '--db', file, '--format', 'json'],
      ['nakamoto', 'r', '--db', file, '--format', 'json'],
    ])
    const ps = json(dec!).proposals
    expect(ps.map((p: any) => [p.id, p.for, p.against, p.voters])).toEqual([['1', '0', '5', 1], ['2', '20', '0', 1]])
    expect(json(nak!)).toMatchObject({ total: '9', population: 1, top: [{ address: addr(9) }] })
  })

  test('a corrupt database is exit 4 and stays byte-identical', async () => {
    const d = tmpDir()
    const corrupt = path.join(d, 'c.db')
    fs.writeFileSync(corrupt, 'not a database\n'.repeat(300))
    const before = sha256(corrupt)
    const run = await cli(['import', 'x', '--holders', writeCsv(path.join(d, 'h.csv'), 'address,weight', [[addr(1), 1]]), '--db', corrupt])
    expect(run).toMatchObject({ code: 4, stdout: '' })
    expect(run.stderr).toMatch(/^govaudit: The file .* is not a usable SQLite database/)
    expect(sha256(corrupt)).toBe(before)
  })
})
