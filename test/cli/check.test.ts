/**
 * `govaudit check` on DAOs imported from CSV: exit 0 when the thresholds hold, 1 when one
 * is breached (with by how much), "not assessed" (exit 0) without an assessable proposal,
 * and exit 2 with the database byte-identical for bad thresholds. Expected numbers come
 * from the CSV rows by brute force (test/cli/brute.ts) or from `nakamoto`/`decisive` runs.
 */
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { addr, cli, cliAll, inFormats, json, parseCsv, removeTmpDirs, sha256, tmpDir, writeCsv, type CliRun } from './harness.js'
import { BRAVO, bruteDecisive, bruteNakamoto, bruteOutcome, votersOf } from './brute.js'
import { makeFixture, sum, type Fixture } from './fixture.js'

afterAll(removeTmpDirs)

let f: Fixture
/** The holders' Nakamoto coefficient, by brute force. */
let k: number
/** A quorum some proposals meet: the mean `for` total. */
let quorum: bigint
/** Bravo, whales 1: whale-decided and decided counts over the fixture's proposals. */
let whale: { decided: number; whaleDecided: number; ids: string[] }

beforeAll(async () => {
  f = await makeFixture(23)
  k = bruteNakamoto(
    f.holders.map((h) => h.weight),
    sum(f.holders),
  )!
  const rowsOf = (id: string) => f.votes.filter((v) => v.proposalId === id)
  const fors = f.proposals.map((id) => votersOf(rowsOf(id)).reduce((a, v) => a + v.for, 0n))
  quorum = fors.reduce((a, b) => a + b, 0n) / BigInt(fors.length)
  const per = f.proposals.map((id) => {
    const voters = votersOf(rowsOf(id))
    const outcome = bruteOutcome(voters, quorum, BRAVO)
    const d = outcome === 'quorum-failed' ? null : bruteDecisive(voters, quorum, BRAVO)
    return { id, decided: outcome !== 'quorum-failed', whale: d !== null && d <= 1 }
  })
  whale = { decided: per.filter((p) => p.decided).length, whaleDecided: per.filter((p) => p.whale).length, ids: per.filter((p) => p.whale).map((p) => p.id) }
})

const base = () => ['check', f.dao, '--db', f.db]
const checkOf = (out: any, name: string) => out.checks.find((c: any) => c.name === name)

describe('check --min-nakamoto', () => {
  test('holds at k (exit 0), breached at k + 1 (exit 1, short by 1); same k as `nakamoto`', async () => {
    expect(k).toBeGreaterThan(1)
    const [ok, breached, tableOk, tableBreached, nak] = await cliAll([
      [...base(), '--min-nakamoto', String(k), '--format', 'json'],
      [...base(), '--min-nakamoto', String(k + 1), '--format', 'json'],
      [...base(), '--min-nakamoto', String(k)],
      [...base(), '--min-nakamoto', String(k + 1)],
      ['nakamoto', f.dao, '--db', f.db, '--format', 'json'],
    ])
    expect(ok).toMatchObject({ code: 0, stderr: '' })
    expect(json(ok!)).toMatchObject({ dao: f.dao, ok: true, breached: [], checks: [{ name: 'min-nakamoto', status: 'ok', required: k, actual: k, shortBy: 0 }] })
    expect(breached).toMatchObject({ code: 1, stderr: '' })
    const b = json(breached!)
    expect(b).toMatchObject({ ok: false, breached: ['min-nakamoto'] })
    expect(checkOf(b, 'min-nakamoto')).toMatchObject({
      status: 'breached', required: k + 1, actual: k, shortBy: 1, basis: 'imported', denominator: 'total-imported', thresholdRatio: '1/2',
    })
    // The same composition as `govaudit nakamoto`: the same k, total and top holders.
    const n = json(nak!)
    expect(checkOf(b, 'min-nakamoto')).toMatchObject({ actual: n.nakamoto, total: n.total, population: n.population, top: n.top.map((t: any) => t.address) })

    expect(tableOk!.code).toBe(0)
    expect(tableOk!.stdout).toContain(`Check of ${f.dao}: ok — 1 holds`)
    expect(tableBreached!.code).toBe(1)
    expect(tableBreached!.stdout).toContain(`Check of ${f.dao}: BREACHED (min-nakamoto)`)
    expect(tableBreached!.stdout).toContain(`Nakamoto coefficient ${k} is below the required ${k + 1} (short by 1)`)
  })

  test('--labels and --threshold are those of `nakamoto`', async () => {
    const [check, nak] = await cliAll([
      [...base(), '--min-nakamoto', '1', '--labels', f.labelsFile, '--threshold', '2/3', '--format', 'json'],
      ['nakamoto', f.dao, '--db', f.db, '--labels', f.labelsFile, '--threshold', '2/3', '--format', 'json'],
    ])
    const c = checkOf(json(check!), 'min-nakamoto')
    const n = json(nak!)
    expect(c).toMatchObject({ status: 'ok', actual: n.nakamoto, thresholdRatio: '2/3', total: n.total })
    expect(c.labels.excluded.map((e: any) => e.address)).toEqual([addr(2)])
    expect(c.labels.merged.map((m: any) => m.entity)).toEqual(['cex'])
  })
})

describe('check --max-whale-decided', () => {
  test('with --rule: breached above the measured share (exit 1, by the exact excess), holds at it (exit 0)', async () => {
    expect(whale.decided).toBeGreaterThan(0)
    expect(whale.whaleDecided).toBeGreaterThan(0)
    const ratio = `${whale.whaleDecided}/${whale.decided}`
    const below = `${whale.whaleDecided - 1}/${whale.decided}` // one proposal fewer allowed
    const args = ['--rule', 'bravo', '--quorum', quorum.toString(), '--format', 'json']
    const [atRun, belowRun, decisiveRun] = await cliAll([
      [...base(), '--max-whale-decided', ratio, ...args],
      [...base(), '--max-whale-decided', below, ...args],
      ['decisive', f.dao, '--db', f.db, '--rule', 'bravo', '--quorum', quorum.toString(), '--format', 'json'],
    ])
    const d = json(decisiveRun!)
    expect(atRun!.code, atRun!.stderr).toBe(0)
    expect(checkOf(json(atRun!), 'max-whale-decided')).toMatchObject({
      status: 'ok', decided: whale.decided, whaleDecided: whale.whaleDecided, actualRatio: ratio, excess: 0, whaleDecidedProposals: whale.ids,
      proposals: 5, inScope: 5, assessed: 5, unassessed: 0,
    })
    // The same numbers `decisive` reports.
    expect(d).toMatchObject({ decided: whale.decided, whaleDecided: whale.whaleDecided })
    expect(belowRun!.code).toBe(1)
    const b = json(belowRun!)
    expect(b.breached).toEqual(['max-whale-decided'])
    expect(checkOf(b, 'max-whale-decided')).toMatchObject({ status: 'breached', excessRatio: `1/${whale.decided}`, reason: null })
    expect(checkOf(b, 'max-whale-decided').excess).toBeCloseTo(1 / whale.decided, 12)
  })

  test('--whales widens "whale-decided"; --proposal narrows the scope to one proposal', async () => {
    const [wide, one] = await cliAll([
      [...base(), '--max-whale-decided', '1', '--whales', '20', '--rule', 'bravo', '--quorum', quorum.toString(), '--format', 'json'],
      [...base(), '--max-whale-decided', '0', '--proposal', whale.ids[0]!, '--rule', 'bravo', '--quorum', quorum.toString(), '--format', 'json'],
    ])
    expect(checkOf(json(wide!), 'max-whale-decided')).toMatchObject({ status: 'ok', whales: 20, whaleDecided: whale.decided, actualRatio: `${whale.decided}/${whale.decided}` })
    expect(one!.code).toBe(1)
    expect(checkOf(json(one!), 'max-whale-decided')).toMatchObject({ status: 'breached', proposal: whale.ids[0], inScope: 1, decided: 1, whaleDecided: 1 })
  })

  test('no assessable proposal: reported as not assessed with the reason, exit 0', async () => {
    const dir = tmpDir()
    const holdersOnly = path.join(dir, 'h.db')
    const holders = writeCsv(path.join(dir, 'h.csv'), 'address,weight', [[addr(1), 5], [addr(2), 7]])
    expect((await cli(['import', 'plain', '--holders', holders, '--db', holdersOnly])).code).toBe(0)
    const [noRule, since, none, table] = await cliAll([
      [...base(), '--max-whale-decided', '0', '--format', 'json'],
      [...base(), '--max-whale-decided', '0', '--rule', 'bravo', '--since', '2024-01-01', '--format', 'json'],
      ['check', 'plain', '--db', holdersOnly, '--max-whale-decided', '0', '--min-nakamoto', '1', '--format', 'json'],
      [...base(), '--max-whale-decided', '0'],
    ])
    for (const run of [noRule, since, none, table]) expect(run!.code, run!.stderr).toBe(0)
    expect(json(noRule!)).toMatchObject({ ok: true, breached: [] })
    expect(checkOf(json(noRule!), 'max-whale-decided')).toMatchObject({ status: 'not-assessed', reason: 'no-rule', actual: null, inScope: 5, assessed: 0, unassessed: 5 })
    expect(checkOf(json(since!), 'max-whale-decided')).toMatchObject({ status: 'not-assessed', reason: 'none-in-range', since: '2024-01-01', undated: 5, inScope: 0 })
    expect(checkOf(json(none!), 'max-whale-decided')).toMatchObject({ status: 'not-assessed', reason: 'no-proposals', proposals: 0 })
    expect(checkOf(json(none!), 'min-nakamoto')).toMatchObject({ status: 'ok', actual: 1 })
    expect(table!.stdout).toContain('not assessed')
    expect(table!.stdout).toContain('no assessable proposal: none of the 5 proposal(s) in scope has a known counting rule')
  })

  test('both thresholds, table / markdown / csv: which is breached and by how much', async () => {
    const args = [...base(), '--min-nakamoto', String(k + 2), '--max-whale-decided', '1', '--rule', 'bravo', '--quorum', quorum.toString()]
    const runs = await inFormats(args, ['table', 'markdown', 'csv'])
    for (const run of Object.values(runs)) expect(run).toMatchObject({ code: 1, stderr: '' })
    expect(runs.table.stdout).toContain(`BREACHED (min-nakamoto) — 1 holds, 1 breached`)
    expect(runs.markdown.stdout).toContain(`### Check of ${f.dao}: BREACHED (min-nakamoto)`)
    const rows = parseCsv(runs.csv.stdout)
    expect(rows.map((r) => [r.check, r.status, r.by])).toEqual([
      ['min-nakamoto', 'BREACHED', '2'],
      ['max-whale-decided', 'ok', ''],
    ])
  })
})

describe('check: bad thresholds', () => {
  const cases: [string, string[], RegExp][] = [
    ['no threshold', [], /Nothing to check: pass --min-nakamoto N and\/or --max-whale-decided RATIO/],
    ['--min-nakamoto 0', ['--min-nakamoto', '0'], /--min-nakamoto must be between 1 and/],
    ['--min-nakamoto -1', ['--min-nakamoto', '-1'], /--min-nakamoto must be a whole number >= 0; got "-1"/],
    ['--min-nakamoto 2.5', ['--min-nakamoto', '2.5'], /--min-nakamoto must be a whole number/],
    ['--max-whale-decided 1.5', ['--max-whale-decided', '1.5'], /--max-whale-decided must be in \[0, 1\]; got 1.5/],
    ['--max-whale-decided -0.1', ['--max-whale-decided', '-0.1'], /--max-whale-decided must be a number in \[0, 1\]/],
    ['--max-whale-decided half', ['--max-whale-decided', 'half'], /--max-whale-decided must be a number in \[0, 1\]/],
    ['--threshold 1', ['--min-nakamoto', '2', '--threshold', '1'], /--threshold must be in \(0, 1\)/],
    ['--basis votes', ['--min-nakamoto', '2', '--basis', 'votes'], /--basis of check must be voting-power or balance/],
    ['--whales -1', ['--max-whale-decided', '0.5', '--whales', '-1'], /--whales must be a whole number/],
    ['--since 2024-13-01', ['--max-whale-decided', '0.5', '--since', '2024-13-01'], /--since must be a date such as 2024-01-31/],
    ['--since yesterday', ['--max-whale-decided', '0.5', '--since', 'yesterday'], /--since must be a date/],
    ['--whales without --max-whale-decided', ['--min-nakamoto', '2', '--whales', '2'], /--whales applies to --max-whale-decided; pass --max-whale-decided RATIO too/],
    ['--threshold without --min-nakamoto', ['--max-whale-decided', '0.5', '--threshold', '0.6'], /--threshold applies to --min-nakamoto/],
    ['--since with --proposal', ['--max-whale-decided', '0.5', '--since', '2024-01-01', '--proposal', '1'], /--since and --proposal both choose proposals/],
    ['--quorum without --rule', ['--max-whale-decided', '0.5', '--quorum', '10'], /--quorum needs --rule/],
    ['--rule nonsense', ['--max-whale-decided', '0.5', '--rule', 'nonsense'], /--rule must be bravo, oz-simple/],
    ['unknown proposal', ['--max-whale-decided', '0.5', '--proposal', '999'], /No proposal "999" for DAO/],
    ['--source snapshot, none stored', ['--max-whale-decided', '0.5', '--source', 'snapshot'], /has no stored proposals from snapshot/],
    ['unreadable labels', ['--min-nakamoto', '2', '--labels', '/nonexistent/labels.csv'], /Cannot read --labels file/],
    ['--format xml', ['--min-nakamoto', '2', '--format', 'xml'], /--format must be one of/],
  ]

  const oneSentence = (run: CliRun) => {
    expect(run.stdout).toBe('')
    expect(run.stderr.trim().split('\n')[0]).toMatch(/^govaudit: \S.*[.?)]$/)
    expect(run.stderr).not.toMatch(/\n\s+at /)
  }

  test(`${cases.length} cases: exit 2, one sentence, database unchanged`, async () => {
    const before = sha256(f.db)
    const runs = await cliAll(cases.map(([, args]) => [...base(), ...args]))
    for (const [i, [name, , pattern]] of cases.entries()) {
      const run = runs[i]!
      expect(run.code, `${name}: ${run.stderr}`).toBe(2)
      oneSentence(run)
      expect(run.stderr, name).toMatch(pattern)
    }
    expect(sha256(f.db)).toBe(before)
  })

  test('unknown DAO and missing database: exit 2, nothing created', async () => {
    const missing = path.join(tmpDir(), 'none.db')
    const [dao, db] = await cliAll([
      ['check', 'nosuchdao', '--db', f.db, '--min-nakamoto', '2'],
      ['check', f.dao, '--db', missing, '--min-nakamoto', '2'],
    ])
    expect(dao!.code).toBe(2)
    expect(dao!.stderr).toMatch(/No DAO named "nosuchdao" in this database; known: csvdao/)
    expect(db!.code).toBe(2)
    expect(db!.stderr).toMatch(/No database at .*none\.db/)
  })
})
