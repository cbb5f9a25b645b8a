/**
 * `govaudit demo` end to end, as a new user runs it: a child process that starts anvil,
 * plays the DAO, indexes it through JSON-RPC and prints the report. The printed
 * coefficients must follow from the database it leaves, recomputed here by brute force.
 */
import path from 'node:path'
import Database from 'better-sqlite3'
import { expect, test } from 'vitest'
import { cli, json, tmpDir } from '../cli/harness.js'

/** Smallest k whose k largest weights sum to strictly more than half of `total`. */
function bruteNakamoto(weights: bigint[], total: bigint): number {
  const sorted = [...weights].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))
  let sum = 0n
  for (let k = 1; k <= sorted.length; k++) if ((sum += sorted[k - 1]!) * 2n > total) return k
  return -1
}

test('demo runs offline, prints the report on stdout and leaves an explorable database', async () => {
  const db = path.join(tmpDir('govaudit-demo-'), 'demo.db')
  const run = await cli(['demo', '--db', db, '--format', 'json'])
  expect(run.code, run.stderr).toBe(0)
  expect(run.stderr).toMatch(/indexed \d+ token events/)
  // The demo ends with `govaudit report`: its parts are the `nakamoto`, `concentration` and `decisive` shapes.
  const report = json<any>(run)
  const [vp, balance] = report.bases.map((b: any) => b.nakamoto)
  const conc = report.bases[0].concentration
  const decided = report.proposals.sources.find((s: any) => s.source === 'governor')

  const sqlite = new Database(db, { readonly: true })
  const words = (table: string, col: string) =>
    (sqlite.prepare(`SELECT hex(${col}) FROM ${table}`).pluck().all() as string[]).map((w) => BigInt(`0x${w}`))
  const votes = words('voting_power', 'votes')
  const treasury = vp.labels.excluded.length === 0 ? balance.labels.excluded[0].address : null
  const balances = (sqlite.prepare(`SELECT '0x' || lower(hex(holder)) AS holder, hex(balance) AS balance FROM balance`).all() as { holder: string; balance: string }[])
    .filter((r) => r.holder !== treasury)
    .map((r) => BigInt(`0x${r.balance}`))
  sqlite.close()

  const totalVotes = votes.reduce((a, b) => a + b, 0n)
  expect(vp.basis).toBe('voting-power')
  expect(vp.total).toBe(totalVotes.toString())
  expect(vp.nakamoto).toBe(bruteNakamoto(votes, totalVotes))
  expect(vp.population).toBe(votes.length)

  // The treasury is labelled "exclude": out of the balance basis and its denominator.
  expect(treasury).toMatch(/^0x[0-9a-f]{40}$/)
  const totalBalances = balances.reduce((a, b) => a + b, 0n)
  expect(balance.basis).toBe('balance')
  expect(balance.total).toBe(totalBalances.toString())
  expect(balance.nakamoto).toBe(bruteNakamoto(balances, totalBalances))

  expect(conc.population).toBe(votes.length)
  expect(conc.gini).toBeGreaterThan(0.5) // a whale-heavy DAO by construction

  // Governance: a dozen proposals, some carried or sunk by a single whale, one without quorum.
  expect(decided.proposals.length).toBe(12)
  expect(decided.proposals.filter((p: any) => p.outcome === 'quorum-failed').length).toBeGreaterThanOrEqual(1)
  expect(decided.proposals.some((p: any) => p.whaleDecided)).toBe(true)
  expect(decided.proposals.some((p: any) => p.decisive !== null && !p.whaleDecided)).toBe(true)
  expect(decided.whaleDecided).toBe(decided.proposals.filter((p: any) => p.whaleDecided).length)
  expect(report.proposals.sources.find((s: any) => s.source === 'snapshot')).toMatchObject({ status: 'none', stored: 0 })
  expect(run.stderr).toMatch(/governor events/)

  // On screen, the proposal table shows titles and shortened ids; the full ids are in JSON.
  const screen = await cli(['report', 'demo', '--db', db])
  expect(screen.code, screen.stderr).toBe(0)
  for (const p of decided.proposals) {
    expect(p.id).toMatch(/^\d{30,}$/)
    expect(screen.stdout).toContain(p.title)
    expect(screen.stdout).not.toContain(p.id)
    expect(screen.stdout).toContain(`${p.id.slice(0, 6)}…${p.id.slice(-4)}`)
  }

  // The database it leaves answers the other commands.
  const again = await cli(['nakamoto', 'demo', '--db', db, '--format', 'json'])
  expect(again.code, again.stderr).toBe(0)
  expect(json(again).nakamoto).toBe(vp.nakamoto)

  // `list` shows what is indexed and up to which block, in every format.
  const listed = await cli(['list', '--db', db, '--format', 'json'])
  expect(listed.code, listed.stderr).toBe(0)
  const [entry] = json<{ daos: any[] }>(listed).daos
  expect(entry).toMatchObject({ name: 'demo', chainId: 31337, tokenStandard: 'erc20' })
  expect(entry.indexedTo).toBe(vp.block)
  expect(entry.counts.holders).toBe(balances.length + 1) // + the excluded treasury
  for (const format of ['table', 'csv', 'markdown']) {
    const out = await cli(['list', '--db', db, '--format', format])
    expect(out.code).toBe(0)
    expect(out.stdout).toContain('demo')
    expect(out.stdout).toContain(String(vp.block))
  }

  // A second demo refuses to overwrite it.
  const refused = await cli(['demo', '--db', db])
  expect(refused.code).toBe(2)
  expect(refused.stderr).toMatch(/already exists/)

  // `rebuild`: its derived tables follow from its raw rows; damage is found (exit 1 with
  // --check, which writes nothing) and repaired.
  const rebuild = (...args: string[]) => cli(['rebuild', 'demo', '--db', db, '--format', 'json', ...args])
  const clean = await rebuild('--check')
  expect(clean.code, clean.stderr).toBe(0)
  expect(json(clean)).toMatchObject({ dao: 'demo', identical: true, replaced: false })
  expect(json<any>(clean).events).toBe(entry.counts.transfers + entry.counts.delegateChanges + entry.counts.voteChanges)
  const damage = new Database(db)
  damage.exec(`UPDATE voting_power SET votes = zeroblob(32) WHERE delegate = (SELECT min(delegate) FROM voting_power)`)
  damage.close()
  const found = await rebuild('--check')
  expect(found.code).toBe(1)
  expect(json(found)).toMatchObject({ identical: false, replaced: false })
  expect(found.stderr).toMatch(/^govaudit: warning: Rows differ in voting_power \(2\) .*nothing was changed \(--check\)/m)
  expect((await rebuild('--check')).code, '--check changed nothing').toBe(1)
  const repaired = await rebuild()
  expect(repaired.code, repaired.stderr).toBe(0)
  expect(json(repaired)).toMatchObject({ identical: false, replaced: true })
  expect(repaired.stderr).toMatch(/^govaudit: warning: Rows differed in voting_power \(2\) .*were replaced/m)
  expect(json(await rebuild('--check'))).toMatchObject({ identical: true })
  expect(json<any>(await cli(['nakamoto', 'demo', '--db', db, '--format', 'json'])).nakamoto).toBe(vp.nakamoto)
})
