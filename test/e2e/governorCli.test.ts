/**
 * `govaudit index --governor` through the CLI, then `proposals`, `decisive` and
 * `nakamoto --proposal` — checked against the contracts: tallies from proposalVotes /
 * proposals(id), quorum at the snapshot, and every voter's weight from getPastVotes /
 * getPriorVotes. The decisive count is re-derived by trying every subset of voters.
 */
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import Database from 'better-sqlite3'
import { startAnvil, type StartAnvilResult } from '../../src/devchain/anvil.js'
import { playGovernorScenario, type PlayGovernorScenarioResult } from '../../src/devchain/governorScenario.js'
import { readGovernorTruth, type GovernorTruth } from '../../src/devchain/governorTruth.js'
import { ruleFor } from '../../src/analysis/rules/index.js'
import { cli, json, tmpDir } from '../cli/harness.js'

type Cast = { voter: string; support: number; weight: bigint }

/** Fewest voters whose removal flips the outcome, by brute force over every subset (null: none can). */
function bruteDecisive(casts: Cast[], quorum: bigint, countingMode: string): number | null {
  const rule = ruleFor(countingMode)
  const outcome = (keep: Cast[]) => {
    const tally = { for: 0n, against: 0n, abstain: 0n }
    for (const c of keep) tally[c.support === 1 ? 'for' : c.support === 0 ? 'against' : 'abstain'] += c.weight
    return rule.quorumReached(tally, quorum) && rule.voteSucceeded(tally)
  }
  const passed = outcome(casts)
  let best: number | null = null
  for (let mask = 1; mask < 1 << casts.length; mask++) {
    const removed = casts.filter((_, i) => mask & (1 << i)).length
    if (best !== null && removed >= best) continue
    if (outcome(casts.filter((_, i) => !(mask & (1 << i)))) !== passed) best = removed
  }
  return best
}

describe.each(['oz-block', 'bravo'] as const)('index --governor on the %s fixture, through the CLI', (fixture) => {
  let anvil: StartAnvilResult
  let scenario: PlayGovernorScenarioResult
  let truth: GovernorTruth
  let db: string

  beforeAll(async () => {
    anvil = await startAnvil({})
    scenario = await playGovernorScenario({ url: anvil.url, fixture, seed: `cli-${fixture}` })
    const pairs = [...new Map(scenario.votes.map((v) => [`${v.proposalId}:${v.voter}`, { proposalId: v.proposalId, voter: v.voter }])).values()]
    truth = await readGovernorTruth({
      url: anvil.url,
      fixture,
      governor: scenario.governor,
      token: scenario.token,
      proposals: scenario.proposals.map((p) => p.id),
      voters: pairs,
      atBlock: scenario.lastBlock,
    })
    db = path.join(tmpDir('govaudit-govcli-'), 'gov.db')
    const run = await cli([
      'index', '--rpc', anvil.url, '--token', scenario.token, '--governor', scenario.governor, '--name', 'dao',
      '--to-block', String(scenario.lastBlock), '--confirmations', '0', '--db', db,
    ])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stderr).toMatch(/1 governor\(s\)/)
    expect(run.stderr).toMatch(/exceptions: 0\./)
    expect(run.stderr).not.toMatch(/warning/)
  })
  afterAll(async () => {
    await anvil?.stop()
  })

  test('proposals: every tally and state equals the contract views', async () => {
    const run = await cli(['proposals', 'dao', '--db', db, '--format', 'json'])
    expect(run.code, run.stderr).toBe(0)
    const listed = json<any>(run)
    const rows: any[] = Array.isArray(listed) ? listed : listed.proposals
    expect(rows.length).toBe(scenario.proposals.length)
    for (const row of rows) {
      const t = truth.proposals.get(BigInt(row.id))!
      expect(t, `proposal ${row.id}`).toBeDefined()
      expect([row.for, row.against, row.abstain].map(String)).toEqual([t.tally.for, t.tally.against, t.tally.abstain].map(String))
    }
    // `list` counts what the scenario cast on the chain.
    const list = json<any>(await cli(['list', '--db', db, '--format', 'json']))
    expect(list.daos[0]).toMatchObject({ governors: { governors: 1, proposals: scenario.proposals.length, votes: scenario.votes.length }, snapshot: null })
  })

  test('a governor added to an indexed DAO is caught up, then indexed with the token: same proposals and votes', async () => {
    const later = path.join(tmpDir('govaudit-govlater-'), 'later.db')
    const common = ['--rpc', anvil.url, '--name', 'dao', '--confirmations', '0', '--db', later]
    const middle = scenario.proposals[Math.floor(scenario.proposals.length / 2)]!.createdBlock + 1
    const tokenOnly = await cli(['index', ...common, '--token', scenario.token, '--to-block', String(middle)])
    expect(tokenOnly.code, tokenOnly.stderr).toBe(0)
    expect(tokenOnly.stderr).not.toMatch(/governor\(s\)/)
    const added = await cli(['index', ...common, '--governor', scenario.governor, '--to-block', String(scenario.lastBlock)])
    expect(added.code, added.stderr).toBe(0)
    // The catch-up covers the governor's past, the joint pass the rest: one range in the summary.
    expect(added.stderr).toMatch(new RegExp(`1 governor\\(s\\): blocks \\d+\\.\\.${scenario.lastBlock}, [1-9]`))
    expect(added.stderr).toMatch(/exceptions: 0\./)
    const list = (file: string) => cli(['proposals', 'dao', '--db', file, '--format', 'json'])
    expect(json(await list(later))).toEqual(json(await list(db)))
    const sum = json<any>(await cli(['list', '--db', later, '--format', 'json'])).daos[0].governors
    expect(sum).toEqual({ governors: 1, proposals: scenario.proposals.length, votes: scenario.votes.length })
  })

  test('decisive and nakamoto --proposal agree with getPastVotes-based brute force', async () => {
    const run = await cli(['decisive', 'dao', '--db', db, '--source', 'governor', '--format', 'json'])
    expect(run.code, run.stderr).toBe(0)
    const report = json<any>(run)
    const sqlite = new Database(db, { readonly: true })
    const countingMode = sqlite.prepare(`SELECT counting_mode FROM governor`).pluck().get() as string
    let assessed = 0
    for (const p of report.proposals) {
      const t = truth.proposals.get(BigInt(p.id))!
      // Canceled and still-open proposals (per state()) have no outcome to flip.
      if (t.state === 'canceled' || t.state === 'pending' || t.state === 'active') {
        expect(p.outcome, `outcome of ${t.state} proposal ${p.id}`).toBe(t.state === 'canceled' ? 'canceled' : 'pending')
        expect(p.decisive).toBeNull()
        continue
      }
      if (!['passed', 'defeated', 'quorum-failed'].includes(p.outcome) || t.quorum === null) continue
      // Supports as cast (from the stored raw VoteCast rows); weights from the token contract.
      const rows = sqlite
        .prepare(`SELECT voter, support FROM vote WHERE proposal_id = ? ORDER BY block_number, log_index`)
        .all(BigInt(p.id).toString(16).padStart(64, '0')) as { voter: string; support: number }[]
      if (rows.some((r) => r.support === 255)) continue // fractional votes: covered by the analysis property tests
      const casts = rows.map((r) => ({ voter: r.voter, support: r.support, weight: truth.votingPower.get(`${p.id}:${r.voter}`)! }))
      expect(casts.every((c) => c.weight !== undefined)).toBe(true)
      expect(p.quorum).toBe(t.quorum.toString())
      const expected = p.outcome === 'quorum-failed' ? null : bruteDecisive(casts, t.quorum, countingMode)
      expect(p.decisive, `decisive of proposal ${p.id}`).toBe(expected)
      assessed++

      // Nakamoto of the votes cast: smallest k whose top-k weight exceeds half the cast total.
      const nk = await cli(['nakamoto', 'dao', '--db', db, '--proposal', p.id, '--source', 'governor', '--format', 'json'])
      expect(nk.code, nk.stderr).toBe(0)
      const weights = casts.map((c) => c.weight).sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))
      const total = weights.reduce((a, b) => a + b, 0n)
      let sum = 0n
      const k = weights.findIndex((w) => (sum += w) * 2n > total) + 1
      expect(json<any>(nk).nakamoto, `nakamoto of proposal ${p.id}`).toBe(k === 0 ? null : k)
    }
    sqlite.close()
    expect(assessed).toBeGreaterThanOrEqual(3)
  })
})
