/**
 * `govaudit nakamoto` on an imported DAO, every format, checked against subset enumeration
 * over the CSV rows (test/cli/brute.ts), never against numbers typed in.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { addr, cli, cliAll, inFormats, json, parseCsv, removeTmpDirs, sha256, tmpDir, writeCsv } from './harness.js'
import { bruteNakamoto, labelled, type W } from './brute.js'
import { castWeights, makeFixture, sum, type Fixture } from './fixture.js'

afterAll(removeTmpDirs)

let f: Fixture
beforeAll(async () => {
  f = await makeFixture(7)
})

const desc = (ws: readonly W[]) => [...ws].filter((w) => w.weight > 0n).sort((a, b) => (a.weight > b.weight ? -1 : a.weight < b.weight ? 1 : a.address < b.address ? -1 : 1))

describe('nakamoto on imported holders', () => {
  test('json: k, total, population and the top-k equal brute force (basis "imported")', async () => {
    const run = await cli(['nakamoto', f.dao, '--db', f.db, '--format', 'json'])
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('')
    const out = json(run)
    const total = sum(f.holders)
    const k = bruteNakamoto(f.holders.map((h) => h.weight), total)
    expect(k).not.toBeNull()
    expect(out).toMatchObject({
      dao: f.dao,
      basis: 'imported',
      block: null,
      proposal: null,
      threshold: 0.5,
      thresholdRatio: '1/2',
      denominator: 'total-imported',
      total: total.toString(),
      population: 11, // 12 rows, one with weight 0
      nakamoto: k,
      scale: 0,
      labels: { file: null, merged: [], excluded: [], excludedWeight: '0' },
    })
    const top = desc(f.holders).slice(0, k!)
    expect(out.top).toEqual(top.map((h) => ({ address: h.address, label: null, weight: h.weight.toString(), share: expect.any(Number) })))
    for (const [i, t] of out.top.entries()) expect(t.share).toBeCloseTo(Number(top[i]!.weight) / Number(total), 12)
  })

  test('--threshold as a decimal, a fraction or a percentage agrees with brute force; bad ones exit 2', async () => {
    const good = [['2/3', 2n, 3n], ['90%', 9n, 10n]] as const
    const bad = ['1.5', 'abc']
    const runs = await cliAll([...good, ...bad.map((b) => [b])].map(([t]) => ['nakamoto', f.dao, '--db', f.db, '--format', 'json', '--threshold', t!]))
    for (const [i, [text, num, den]] of good.entries()) {
      const out = json(runs[i]!)
      expect(out.nakamoto, text).toBe(bruteNakamoto(f.holders.map((h) => h.weight), sum(f.holders), num, den))
      expect(out.thresholdRatio).toBe(`${num}/${den}`)
      expect(out.threshold).toBe(Number(num) / Number(den))
    }
    for (const run of runs.slice(good.length)) {
      expect(run.code).toBe(2)
      expect(run.stdout).toBe('')
      expect(run.stderr).toMatch(/^govaudit: --threshold must be/)
    }
  })

  test('table, markdown and csv state basis, denominator, threshold, population and the top-k', async () => {
    const total = sum(f.holders)
    const k = bruteNakamoto(f.holders.map((h) => h.weight), total)!
    const top = desc(f.holders).slice(0, k)
    const { table, markdown: md, csv } = await inFormats(['nakamoto', f.dao, '--db', f.db], ['table', 'markdown', 'csv'])
    for (const run of [table, md]) {
      expect(run.code).toBe(0)
      expect(run.stderr).toBe('')
      expect(run.stdout).toContain(`Nakamoto coefficient of ${f.dao}: ${k}`)
      // Terminal: "  basis:       …"; Markdown: "- **basis:** …".
      expect(run.stdout).toMatch(/basis:(\*\*)? +imported holder weights/)
      expect(run.stdout).toMatch(new RegExp(`denominator:(\\*\\*)? +total of the imported holder weights = ${total}`))
      expect(run.stdout).toMatch(/threshold:(\*\*)? +more than 1\/2 \(50\.00%\)/)
      expect(run.stdout).toMatch(/population:(\*\*)? +11 imported holders with weight > 0/)
      for (const h of top) expect(run.stdout).toContain(h.address), expect(run.stdout).toContain(h.weight.toString())
    }
    expect(md.stdout).toMatch(/\| # \| address \| label \| weight \| share \| cumulative \|/)
    expect(md.stdout).toContain('- **basis:** imported holder weights')
    const rows = parseCsv(csv.stdout)
    expect(rows[0]).toMatchObject({ kind: 'summary', dao: f.dao, basis: 'imported', denominator: 'total-imported', total: total.toString(), population: '11', nakamoto: String(k), threshold: '0.5', thresholdRatio: '1/2', block: '', proposal: '' })
    expect(rows.filter((r) => r.kind === 'top').map((r) => [r.rank, r.address, r.weight])).toEqual(top.map((h, i) => [String(i + 1), h.address, h.weight.toString()]))
  })

  test('labels: entity merged, treasury excluded from population and denominator, in every format', async () => {
    const merged = labelled(f.holders, f.labels)
    const total = sum(merged)
    const k = bruteNakamoto(merged.map((w) => w.weight), total)
    const { json: j, table, markdown: md, csv } = await inFormats(
      ['nakamoto', f.dao, '--db', f.db, '--labels', f.labelsFile],
      ['json', 'table', 'markdown', 'csv'],
    )
    const out = json(j)
    const cex = f.holders.filter((h) => f.labels.get(h.address)?.entity === 'cex')
    const treasury = f.holders.find((h) => f.labels.get(h.address)?.exclude)!
    expect(out.total).toBe(total.toString()) // = all weights − the treasury's
    expect(total).toBe(sum(f.holders) - treasury.weight)
    expect(out.population).toBe(merged.filter((w) => w.weight > 0n).length) // 11 − 1 excluded − 1 (two cex wallets are one)
    expect(out.population).toBe(9)
    expect(out.nakamoto).toBe(k)
    expect(out.labels).toEqual({
      file: f.labelsFile,
      merged: [{ entity: 'cex', address: 'entity:cex', addresses: cex.map((h) => h.address).sort(), weight: sum(cex).toString() }],
      excluded: [{ address: treasury.address, label: 'treasury', weight: treasury.weight.toString() }],
      excludedWeight: treasury.weight.toString(),
    })
    const top = desc(merged).slice(0, k!)
    expect(out.top.map((t: any) => t.address)).toEqual(top.map((w) => w.address))
    const names = new Map([['entity:cex', 'cex'], [addr(3), 'alice']])
    for (const t of out.top) expect(t.label).toBe(names.get(t.address) ?? null)
    for (const run of [table, md]) {
      expect(run.stdout).toContain(`Labels from ${f.labelsFile}: merged entities: cex = ${cex.map((h) => h.address).sort().join(' + ')} (weight ${sum(cex)})`)
      expect(run.stdout).toContain(`Excluded: ${treasury.address} (treasury, weight ${treasury.weight})`)
    }
    const rows = parseCsv(csv.stdout)
    expect(rows.find((r) => r.kind === 'merged')).toMatchObject({ address: 'entity:cex', label: 'cex', weight: sum(cex).toString(), members: cex.map((h) => h.address).sort().join(';') })
    expect(rows.find((r) => r.kind === 'excluded')).toMatchObject({ address: treasury.address, label: 'treasury', weight: treasury.weight.toString() })
  })

  test('an unreadable or bad labels file is exit 2 naming the file', async () => {
    const missing = path.join(f.dir, 'nope.csv')
    const bad = path.join(f.dir, 'bad-labels.csv')
    fs.writeFileSync(bad, `address,label\n0x1234,short\n`)
    const [a, b] = await Promise.all([
      cli(['nakamoto', f.dao, '--db', f.db, '--labels', missing]),
      cli(['nakamoto', f.dao, '--db', f.db, '--labels', bad]),
    ])
    expect(a).toMatchObject({ code: 2, stdout: '' })
    expect(a.stderr).toContain(`Cannot read --labels file ${missing}: it does not exist`)
    expect(b).toMatchObject({ code: 2, stdout: '' })
    expect(b.stderr).toContain(`${bad} line 2: address must be 0x followed by 40 hex digits`)
  })
})

describe('nakamoto over votes cast', () => {
  test('--proposal implies basis votes; denominator votes-cast; every voter\'s rows summed', async () => {
    for (const id of ['1', '12']) {
      const out = json(await cli(['nakamoto', f.dao, '--db', f.db, '--proposal', id, '--format', 'json']))
      const cast = castWeights(f.votes, id)
      expect(out).toMatchObject({ basis: 'votes', proposal: id, source: 'import', denominator: 'votes-cast', block: null, total: sum(cast).toString() })
      expect(out.nakamoto).toBe(bruteNakamoto(cast.map((w) => w.weight), sum(cast)))
      expect(out.population).toBe(cast.length)
    }
  })

  test('--denominator total-imported divides the votes cast by all imported holder weight', async () => {
    const cast = castWeights(f.votes, '2')
    const out = json(await cli(['nakamoto', f.dao, '--db', f.db, '--proposal', '2', '--denominator', 'total-imported', '--format', 'json']))
    expect(out.total).toBe(sum(f.holders).toString())
    expect(out.nakamoto).toBe(bruteNakamoto(cast.map((w) => w.weight), sum(f.holders))) // votes are tiny next to holdings: null
  })

  test('impossible combinations are usage errors naming the fix (exit 2, nothing on stdout)', async () => {
    const cases: [string[], RegExp][] = [
      [['--basis', 'votes'], /--basis votes needs --proposal/],
      [['--proposal', '99'], /No proposal "99" for DAO "csvdao"; known: 1, 2, 3, 7, 12\./],
      [['--block', '5'], /is imported: its holder weights have no block/],
      [['--basis', 'stake'], /--basis must be one of voting-power, balance, votes/],
      [['--format', 'yaml'], /--format must be one of/],
    ]
    const runs = await cliAll(cases.map(([args]) => ['nakamoto', f.dao, '--db', f.db, ...args]))
    for (const [i, run] of runs.entries()) {
      expect(run.code, cases[i]![0].join(' ')).toBe(2)
      expect(run.stdout).toBe('')
      expect(run.stderr).toMatch(cases[i]![1])
    }
  })
})

describe('nakamoto errors and exit codes', () => {
  test('unknown DAO -> 2 listing the known ones; missing db -> 2; corrupt db -> 4, untouched', async () => {
    const dir = tmpDir()
    const corrupt = path.join(dir, 'corrupt.db')
    fs.writeFileSync(corrupt, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096, 0xab)]))
    const before = sha256(corrupt)
    const [unknown, missing, broken] = await Promise.all([
      cli(['nakamoto', 'nosuch', '--db', f.db]),
      cli(['nakamoto', f.dao, '--db', path.join(dir, 'absent.db')]),
      cli(['nakamoto', f.dao, '--db', corrupt]),
    ])
    expect(unknown).toMatchObject({ code: 2, stdout: '' })
    expect(unknown.stderr).toContain(`No DAO named "nosuch" in this database; known: ${f.dao}.`)
    expect(missing).toMatchObject({ code: 2, stdout: '' })
    expect(fs.existsSync(path.join(dir, 'absent.db'))).toBe(false)
    expect(broken).toMatchObject({ code: 4, stdout: '' })
    expect(sha256(corrupt)).toBe(before)
  })

  test('decimal weights: stored × 10^scale, exact, and the scale is stated', async () => {
    const dir = tmpDir()
    const db = path.join(dir, 'dec.db')
    // 12.5, 0.25 and 3 -> scale 2 -> 1250, 25, 300 (total 1575); 1250·2 = 2500 > 1575, so k = 1.
    const file = writeCsv(path.join(dir, 'h.csv'), 'address,weight', [[addr(1), '12.5'], [addr(2), '0.25'], [addr(3), '3']])
    expect((await cli(['import', 'dec', '--holders', file, '--db', db])).code).toBe(0)
    const [j, table] = await Promise.all([cli(['nakamoto', 'dec', '--db', db, '--format', 'json']), cli(['nakamoto', 'dec', '--db', db])])
    const out = json(j)
    expect(out).toMatchObject({ scale: 2, total: String(1250 + 25 + 300), nakamoto: 1, top: [{ address: addr(1), weight: '1250' }] })
    expect(out.top[0].share).toBeCloseTo(1250 / 1575, 12)
    expect(table.stdout).toContain('× 10^2 (the file had up to 2 decimal places)')
  })
})
