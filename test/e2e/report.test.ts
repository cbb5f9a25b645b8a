/**
 * `govaudit report` through the built CLI on a real anvil DAO (OZ Governor scenario plus
 * a Snapshot space on the loopback hub). Nakamoto coefficients, delegation flows and the
 * largest delegates are checked against the token's own views (balanceOf, delegates,
 * getPastVotes, getPastTotalSupply) at two blocks; the proposal side against `decisive`
 * on the same proposals and the scenario's creation order. Every format, and exit codes.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ZeroAddress } from 'ethers'
import { readTokenTruth, type TokenTruth } from '../../src/devchain/tokenTruth.js'
import { addr, cli, inFormats, json, removeTmpDirs, tmpDir, writeCsv } from '../cli/harness.js'
import { HOSTILE_TITLE, setUpReportDao, type ReportDao } from './reportDao.js'

/** Smallest k whose k largest weights sum to strictly more than half of `total`; null when none. */
function bruteNakamoto(weights: bigint[], total: bigint): number | null {
  const sorted = weights.filter((w) => w > 0n).sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))
  let sum = 0n
  for (let k = 1; k <= sorted.length; k++) if ((sum += sorted[k - 1]!) * 2n > total) return k
  return null
}

const sum = (xs: Iterable<bigint>) => [...xs].reduce((a, b) => a + b, 0n)

let dao: ReportDao
let truth: TokenTruth
let midBlock: number

beforeAll(async () => {
  dao = await setUpReportDao('report')
  const sqlite = new Database(dao.db, { readonly: true })
  const seen = sqlite
    .prepare(
      `SELECT '0x' || lower(hex(a)) FROM (SELECT holder AS a FROM balance UNION SELECT delegate FROM voting_power UNION SELECT delegator FROM delegate_changed UNION SELECT to_address FROM transfer)`,
    )
    .pluck()
    .all() as string[]
  sqlite.close()
  const s = dao.scenario
  midBlock = s.proposals[3]!.createdBlock
  truth = await readTokenTruth({
    url: dao.anvil.url,
    kind: 'erc20votes',
    token: s.token,
    accounts: [...new Set([...seen, s.owner, ...s.voters, ...s.others])].filter((a) => a !== ZeroAddress),
    blocks: [midBlock, s.lastBlock],
  })
}, 120_000)
afterAll(async () => {
  await dao?.stop()
  removeTmpDirs()
})

describe('report on an indexed DAO with a Governor and a Snapshot space', () => {
  test.each(['last', 'mid'] as const)('holder bases and delegation flows equal the token views (%s block)', async (which) => {
    const block = which === 'last' ? dao.scenario.lastBlock : midBlock
    const run = await cli(['report', 'dao', '--db', dao.db, '--format', 'json', ...(which === 'mid' ? ['--block', String(block)] : [])])
    expect(run.code, run.stderr).toBe(0)
    const r = json(run)
    const balances = truth.balances.get(block)!
    const votes = truth.votes.get(block)!
    const delegates = truth.delegates.get(block)!
    // Every holder is among the accounts read: their balances add up to the contract's supply.
    expect(sum(balances.values())).toBe(truth.pastTotalSupply!.get(block)!)
    expect(r.block).toBe(block)

    const [vp, bal] = r.bases
    expect(vp).toMatchObject({ basis: 'voting-power', available: true })
    expect(vp.nakamoto).toMatchObject({ basis: 'voting-power', block, denominator: 'total-voting-power', total: sum(votes.values()).toString() })
    expect(vp.nakamoto.nakamoto).toBe(bruteNakamoto([...votes.values()], sum(votes.values())))
    expect(vp.nakamoto.population).toBe([...votes.values()].filter((v) => v > 0n).length)
    expect(bal.nakamoto).toMatchObject({ basis: 'balance', block, denominator: 'total-supply', total: truth.pastTotalSupply!.get(block)!.toString() })
    expect(bal.nakamoto.nakamoto).toBe(bruteNakamoto([...balances.values()], truth.pastTotalSupply!.get(block)!))
    expect(bal.concentration.population).toBe([...balances.values()].filter((v) => v > 0n).length)
    // The largest holders and the Lorenz curve behind the charts.
    const largest = [...votes.values()].filter((v) => v > 0n).sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))
    expect(vp.topHolders.map((h: any) => h.weight)).toEqual(largest.slice(0, 10).map(String))
    expect(vp.lorenz.points).toHaveLength(101)
    expect(vp.lorenz.points.at(-1)).toEqual({ x: 1, y: 1 })

    // Where the supply's votes go, from balanceOf and delegates().
    const part = (test: (holder: string, delegate: string) => boolean) => {
      const holders = [...balances].filter(([a, b]) => b > 0n && test(a, delegates.get(a)!))
      return { weight: sum(holders.map(([, b]) => b)).toString(), holders: holders.length }
    }
    const d = r.delegation
    expect(d).toMatchObject({ available: true, block, denominator: 'total-supply', totalSupply: truth.pastTotalSupply!.get(block)!.toString() })
    expect(d.selfDelegated).toMatchObject(part((a, to) => to === a))
    expect(d.delegatedToOthers).toMatchObject(part((a, to) => to !== a && to !== ZeroAddress))
    expect(d.undelegated).toMatchObject(part((_, to) => to === ZeroAddress))
    expect(d.undelegated.holders).toBeGreaterThan(0) // the scenario keeps one holder undelegated
    expect(d.topDelegates.length).toBeGreaterThan(0)
    for (const t of d.topDelegates) {
      expect(t.votingPower).toBe(votes.get(t.address)!.toString())
      const pointing = [...balances].filter(([a, b]) => b > 0n && a !== t.address && delegates.get(a) === t.address)
      expect(t.delegators).toBe(pointing.length)
      expect(t.selfDelegated).toBe(delegates.get(t.address) === t.address)
      // ERC20Votes: voting power is the balance delegated to it.
      expect(t.delegatedBalance).toBe(t.votingPower)
    }
    // By the end, holders who delegate to another are among the largest delegates' delegators.
    if (which === 'last') expect(d.topDelegates.some((t: any) => t.delegators > 0)).toBe(true)
  })

  test('the most recent proposals of each source, newest first, side by side, as `decisive` assesses them', async () => {
    const run = await cli(['report', 'dao', '--db', dao.db, '--format', 'json', '--proposals', '4'])
    expect(run.code, run.stderr).toBe(0)
    const { proposals } = json(run)
    expect(proposals).toMatchObject({ recent: 4, whales: 1 })
    expect(proposals.sources.map((s: any) => s.source)).toEqual(['governor', 'snapshot'])
    const [governor, snapshot] = proposals.sources
    // Newest first: by creation block, then (several in one block) by the order they were sent.
    const newest = [...dao.scenario.proposals].reverse().sort((a, b) => b.createdBlock - a.createdBlock).slice(0, 4)
    expect(governor).toMatchObject({ source: 'governor', status: 'computed', stored: dao.scenario.proposals.length, shown: 4 })
    expect(governor.proposals.map((p: any) => p.id)).toEqual(newest.map((p) => p.id.toString()))
    expect(snapshot).toMatchObject({ source: 'snapshot', status: 'computed', stored: 2, shown: 2 })
    expect(snapshot.proposals.map((p: any) => p.id)).toEqual([...dao.snapshotIds].reverse())
    expect(snapshot.proposals[0]).toMatchObject({ title: HOSTILE_TITLE, type: 'basic', outcome: 'passed', assessed: true })

    for (const [source, shown] of [['governor', governor], ['snapshot', snapshot]] as const) {
      const assessed = await Promise.all(
        shown.proposals.map(async (p: any) => json(await cli(['decisive', 'dao', '--db', dao.db, '--source', source, '--proposal', p.id, '--format', 'json'])).proposals[0]),
      )
      expect(shown.proposals).toEqual(assessed)
      const decided = assessed.filter((p) => ['passed', 'defeated', 'won'].includes(p.outcome))
      expect(shown.decided, source).toBe(decided.length)
      expect(shown.whaleDecided, source).toBe(decided.filter((p) => p.whaleDecided).length)
      expect(shown.whaleDecidedRatio).toBe(`${shown.whaleDecided}/${shown.decided}`)
    }
    expect(snapshot.decided).toBe(2)
  })

  test('table and markdown state basis, block and denominator, and that Snapshot numbers are floats', async () => {
    const { table, markdown } = await inFormats(['report', 'dao', '--db', dao.db], ['table', 'markdown'] as const)
    const block = dao.scenario.lastBlock
    for (const run of [table, markdown]) {
      expect(run.code, run.stderr).toBe(0)
      expect(run.stdout).toContain(`voting power at block ${block}`)
      expect(run.stdout).toContain(`token balance at block ${block}`)
      expect(run.stdout).toContain(`total voting power at block ${block} = ${sum(truth.votes.get(block)!.values())}`)
      expect(run.stdout).toContain(`total supply (sum of balances) at block ${block} = ${truth.pastTotalSupply!.get(block)}`)
      expect(run.stdout).toMatch(/Delegation flows: token balance at block \d+; share of the total supply/)
      expect(run.stdout).toMatch(/Snapshot numbers are off-chain floats/)
      expect(run.stdout).toMatch(/Snapshot .* passed/)
      // Long ids are shortened on screen; titles are shown.
      expect(run.stdout).toContain('0xcdcd…cdcd')
      expect(run.stdout).not.toContain(dao.snapshotIds[1])
      for (const p of dao.scenario.proposals) expect(run.stdout).not.toContain(p.id.toString())
    }
    // A hostile title stays text: whole in the terminal, as entities in Markdown (forums render inline HTML).
    expect(table.stdout).toContain(HOSTILE_TITLE.slice(0, 39))
    expect(markdown.stdout).toContain(`&lt;/script&gt;&lt;img src=x onerror="document.t…`)
    expect(markdown.stdout).not.toContain('<img')
    expect(markdown.stdout).toMatch(/^### Governance report for dao$/m)
    expect(markdown.stdout).toContain('| basis | nakamoto |')
    expect(table.stdout).toMatch(/^Governance report for dao$/m)
    expect(table.stdout).toContain('┌')
  })

  test('--labels: an excluded holder leaves the population and the denominator', async () => {
    const block = dao.scenario.lastBlock
    const balances = truth.balances.get(block)!
    const [whale] = [...balances].sort((a, b) => (a[1] > b[1] ? -1 : 1))[0]!
    const labels = writeCsv(path.join(tmpDir(), 'labels.csv'), 'address,label,entity,exclude', [[whale, 'Treasury', '', 'yes']])
    const r = json(await cli(['report', 'dao', '--db', dao.db, '--format', 'json', '--labels', labels]))
    const rest = [...balances].filter(([a]) => a !== whale).map(([, b]) => b)
    expect(r.labelsFile).toBe(labels)
    expect(r.bases[1].nakamoto.total).toBe(sum(rest).toString())
    expect(r.bases[1].nakamoto.nakamoto).toBe(bruteNakamoto(rest, sum(rest)))
    expect(r.bases[1].topHolders.map((h: any) => h.address)).not.toContain(whale)
  })

  test('exit codes: unknown DAO, bad flags, a block past the index are usage errors (2)', async () => {
    const runs = await Promise.all([
      cli(['report', 'nope', '--db', dao.db]),
      cli(['report', 'dao', '--db', dao.db, '--format', 'csv']),
      cli(['report', 'dao', '--db', dao.db, '--proposals', '0']),
      cli(['report', 'dao', '--db', dao.db, '--block', String(dao.scenario.lastBlock + 1000)]),
      cli(['report', 'dao', '--db', dao.db, '--html', path.join(tmpDir(), 'no-such-dir', 'r.html')]),
    ])
    const [unknown, csv, zero, late, unwritable] = runs
    for (const run of runs) {
      expect(run.code, run.stderr).toBe(2)
      expect(run.stdout).toBe('')
      expect(run.stderr.trimEnd().split('\n')[0]).toMatch(/^govaudit: /)
    }
    expect(unknown!.stderr).toMatch(/No DAO named "nope" in this database; known: dao\./)
    expect(csv!.stderr).toMatch(/--format of report must be one of table, markdown, json; got "csv"/)
    expect(zero!.stderr).toMatch(/--proposals/)
    expect(late!.stderr).toMatch(/after the last indexed block/)
    expect(unwritable!.stderr).toMatch(/Cannot write the HTML report/)
  })
})

test('an imported DAO: voting power and balance unavailable, the imported holders measured, no delegations', async () => {
  const dir = tmpDir()
  const db = path.join(dir, 'imported.db')
  const weights = [500n, 300n, 100n, 50n, 50n]
  const holders = writeCsv(path.join(dir, 'holders.csv'), 'address,weight', weights.map((w, i) => [addr(i), w]))
  const votes = writeCsv(path.join(dir, 'votes.csv'), 'proposal_id,voter,support,weight', [[7, addr(0), 1, 500], [7, addr(1), 0, 300]])
  const imported = await cli(['import', 'imp', '--holders', holders, '--votes', votes, '--db', db])
  expect(imported.code, imported.stderr).toBe(0)
  const run = await cli(['report', 'imp', '--db', db, '--format', 'json'])
  expect(run.code, run.stderr).toBe(0)
  const r = json(run)
  expect(r.block).toBeNull()
  expect(r.bases.map((b: any) => [b.basis, b.available])).toEqual([['voting-power', false], ['balance', false], ['imported', true]])
  expect(r.bases[0].reason).toMatch(/imported/)
  expect(r.bases[2].nakamoto).toMatchObject({ basis: 'imported', denominator: 'total-imported', total: '1000', nakamoto: bruteNakamoto(weights, 1000n) })
  expect(r.delegation).toMatchObject({ available: false })
  expect(r.proposals.sources.map((s: any) => [s.source, s.status, s.stored])).toEqual([['governor', 'none', 0], ['snapshot', 'none', 0], ['import', 'computed', 1]])
  // Imported votes carry no counting rule: shown, not assessed, out of the share.
  expect(r.proposals.sources[2]).toMatchObject({ shown: 1, decided: 0, unassessed: 1 })
  expect(r.proposals.sources[2].proposals[0]).toMatchObject({ id: '7', assessed: false, decisive: null, for: '500', against: '300' })
  const block = await cli(['report', 'imp', '--db', db, '--block', '1'])
  expect(block.code).toBe(2)
  expect(block.stderr).toMatch(/is imported: its holder weights have no block; drop --block/)
  const table = await cli(['report', 'imp', '--db', db])
  expect(table.code, table.stderr).toBe(0)
  expect(table.stdout).toMatch(/unavailable: DAO "imp" is imported/)
  expect(table.stdout).toMatch(/imported votes .* 7 .* passed \(assumed\) .* not computed .* not computed/)
  expect(table.stdout).toMatch(/1 without a counting rule, left out/)
  expect(fs.existsSync(db)).toBe(true)
})
