/**
 * Issue 4 on a real chain, for every governor family: after indexing the token (indexDao)
 * and the governor (indexGovernors: the governor pass over the same range, then
 * finalizeGovernors), every proposal's tally, state, snapshot, deadline and quorum and
 * every vote's weight equal what the contracts' own views return (state, proposalVotes /
 * proposals, proposalSnapshot / proposalDeadline, quorum, getPastVotes / getPriorVotes).
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startAnvil, type StartAnvilResult } from '../../src/devchain/anvil.js'
import { GOVERNOR_FIXTURES, type GovernorFixture } from '../../src/devchain/governorFixtures.js'
import { playGovernorScenario, type PlayGovernorScenarioResult } from '../../src/devchain/governorScenario.js'
import { readGovernorTruth, type GovernorTruth } from '../../src/devchain/governorTruth.js'
import { openDb, type Db } from '../../src/store/db.js'
import type { Dao } from '../../src/store/daos.js'
import { createRpcClient } from '../../src/sources/evm/rpc.js'
import { indexDao } from '../../src/sync/indexDao.js'
import { indexGovernors } from '../../src/sync/indexGovernors.js'
import { detectGovernor } from '../../src/sources/governor/detect.js'
import { addGovernor, listGovernors } from '../../src/store/governors.js'
import {
  getGovernorProposal,
  governorProposalVotes,
  governorVoteReader,
  governorVotes,
  listGovernorProposals,
  proposalVoters,
  votingPowerCheck,
  type GovernorProposal,
} from '../../src/store/governorQueries.js'
import { rebuildProposalTallies } from '../../src/store/governorLedger.js'
import { votingPowerAt } from '../../src/store/tokenQueries.js'
import { decisive } from '../../src/analysis/decisive.js'
import { ruleFor } from '../../src/analysis/rules/index.js'
import { cli, json, tmpDir } from '../cli/harness.js'
import { createDevRpc } from '../../src/devchain/devRpc.js'
import { loadArtifact } from '../../src/devchain/artifacts.js'
import { id as keccakText, Interface, toQuantity } from 'ethers'

const E = 10n ** 18n

describe.each(GOVERNOR_FIXTURES)('indexing the %s governor matches the contracts', (fixture: GovernorFixture) => {
  let anvil: StartAnvilResult
  let scenario: PlayGovernorScenarioResult
  let truth: GovernorTruth
  let db: Db
  let dao: Dao
  let proposals: Map<bigint, GovernorProposal>
  let dbFile: string

  beforeAll(async () => {
    anvil = await startAnvil({})
    scenario = await playGovernorScenario({ url: anvil.url, fixture, seed: `e2e-${fixture}` })
    const rpc = createRpcClient({ url: anvil.url })
    dbFile = path.join(tmpDir('govaudit-gov-'), 'gov.db')
    db = openDb({ path: dbFile, create: true })
    const indexed = await indexDao({ db, rpc, token: scenario.token, name: fixture, toBlock: scenario.lastBlock, confirmations: 0, concurrency: 3 })
    dao = indexed.dao
    const info = await detectGovernor({ rpc, address: scenario.governor, token: scenario.token })
    addGovernor(db, dao, info, scenario.governorBlock)
    await indexGovernors({ db, rpc, dao, toBlock: scenario.lastBlock, concurrency: 3 })
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
    proposals = new Map(listGovernorProposals(db, dao).map((p) => [p.id, p]))
  })
  afterAll(async () => {
    db?.close()
    await anvil?.stop()
    if (dbFile) fs.rmSync(path.dirname(dbFile), { recursive: true, force: true })
  })

  test('detection reads the family and clock from the chain', () => {
    const [g] = listGovernors(db, dao)
    expect(g?.kind).toBe(scenario.spec.kind)
    expect(g?.clock).toBe(scenario.spec.clock)
    expect(g?.token).toBe(scenario.token)
    if (scenario.spec.fractional) expect(g?.countingMode).toContain('fractional')
  })

  test('the scenario covers every state the issue asks for (per the contract)', () => {
    const states = new Set([...truth.proposals.values()].map((t) => t.state))
    for (const s of ['succeeded', 'defeated', 'canceled', 'queued', 'executed', 'active', 'pending'] as const) expect(states, s).toContain(s)
    const outcomes = new Set([...proposals.values()].map((p) => p.outcome))
    expect(outcomes).toContain('defeated')
    expect(outcomes).toContain('quorum-failed')
    expect(truth.proposals.size).toBeGreaterThanOrEqual(8)
    if (scenario.spec.lateQuorum) expect([...proposals.values()].some((p) => p.extended)).toBe(true)
  })

  test('every proposal: tally, state, snapshot, deadline and quorum equal the contract views', () => {
    expect(proposals.size).toBe(scenario.proposals.length)
    for (const sp of scenario.proposals) {
      const p = proposals.get(sp.id)
      const t = truth.proposals.get(sp.id)!
      const where = `proposal ${sp.plan} (${sp.id})`
      expect(p, where).toBeDefined()
      expect(p!.tally, `tally of ${where}`).toEqual(t.tally)
      expect(p!.chainState, `state() of ${where}`).toBe(t.state)
      expect(p!.derivedState, `derived state of ${where}`).toBe(t.state)
      expect(p!.agrees, where).toBe(true)
      expect(p!.disagreement, where).toBeNull()
      expect(p!.voteStart, `snapshot of ${where}`).toBe(t.snapshot)
      expect(p!.deadline, `deadline of ${where}`).toBe(t.deadline)
      expect(p!.checkedBlock).toBe(scenario.lastBlock)
      if (t.quorum !== null) expect(p!.quorum, `quorum of ${where}`).toBe(t.quorum)
      expect(p!.description).toBe(sp.description)
    }
  })

  test('outcomes follow the counting rule, and decisive() reads them the same way', () => {
    for (const p of proposals.values()) {
      if (p.outcome !== 'passed' && p.outcome !== 'defeated' && p.outcome !== 'quorum-failed') continue
      const rule = ruleFor(p.governorKind === 'oz' ? p.countingMode : p.governorKind)
      const result = decisive({ votes: governorProposalVotes(db, dao, p), quorum: p.quorum!, rule })
      expect(result.outcome, `proposal ${p.id}`).toBe(p.outcome)
      expect(result.tally).toEqual(p.tally)
    }
    const plan = (name: string) => proposals.get(scenario.proposals.find((x) => x.plan === name)!.id)!
    expect(plan('defeated-by-quorum').outcome).toBe('quorum-failed')
    expect(plan('canceled').outcome).toBe('canceled')
    // Abstain counts toward quorum in OZ's simple/fractional counting, not in Bravo/Alpha.
    expect(plan('abstain-quorum').outcome).toBe(scenario.spec.kind === 'oz' ? 'passed' : 'quorum-failed')
  })

  test('every vote weight equals getPastVotes / getPriorVotes at the snapshot; no exceptions', () => {
    const check = votingPowerCheck(db, dao)
    expect(check.exceptions).toEqual([])
    expect(check.unchecked).toEqual([])
    expect(check.checked).toBe(truth.votingPower.size)
    expect(check.partial.map((x) => x.voter)).toEqual(scenario.spec.fractional ? [scenario.voters[1]] : [])
    for (const p of proposals.values()) {
      if (p.votes === 0) continue
      const { voters, total } = proposalVoters(db, dao, p)
      const reference = new Map(votingPowerAt(db, dao, p.snapshotBlock!).weights.map((w) => [w.address, w.weight]))
      let sum = 0n
      for (const v of voters) {
        const truthPower = truth.votingPower.get(`${p.id}:${v.voter}`)
        expect(v.votingPower, `power of ${v.voter} on ${p.id}`).toBe(truthPower)
        expect(v.votingPower, 'point lookup = votingPowerAt').toBe(reference.get(v.voter) ?? 0n)
        if (v.verdict === 'ok') expect(v.weight).toBe(truthPower)
        sum += v.weight
      }
      expect(sum).toBe(total)
      expect(voters.map((v) => v.weight)).toEqual([...voters.map((v) => v.weight)].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)))
    }
  })

  test('delegations in the snapshot block count, those in the vote block do not', () => {
    const succeeded = scenario.proposals.find((x) => x.plan === 'succeeded')!
    const [, , , v3, v4] = scenario.voters
    expect(scenario.sameBlockDelegations.map((d) => d.at)).toEqual(['snapshot', 'vote'])
    expect(truth.votingPower.get(`${succeeded.id}:${v4}`)).toBe(210n * E)
    expect(truth.votingPower.get(`${succeeded.id}:${v3}`)).toBe(200n * E)
    const votes = governorVotes(db, dao, { governor: scenario.governor, id: succeeded.id })
    expect(votes.find((v) => v.voter === v4)?.weight).toBe(210n * E)
    expect(votes.find((v) => v.voter === v3)?.weight).toBe(200n * E)
  })

  test('vote rows keep events, reasons, params and fractional splits', () => {
    const all = [...proposals.values()].flatMap((p) => governorVotes(db, dao, p))
    expect(all.length).toBe(scenario.votes.length)
    for (const v of all) expect(v.for + v.against + v.abstain).toBe(v.weight)
    const reasons = all.map((v) => v.reason).filter((r) => r)
    if (scenario.spec.kind === 'alpha') {
      expect(all.every((v) => v.event === 'VoteCastAlpha' && v.reason === null && v.abstain === 0n)).toBe(true)
    } else {
      expect(reasons).toContain('I like the transfer — really 👍')
      expect(all.some((v) => v.abstain > 0n)).toBe(true)
    }
    if (scenario.spec.kind === 'oz' && !scenario.spec.fractional)
      expect(all.find((v) => v.event === 'VoteCastWithParams')).toMatchObject({ params: '0xdeadbeef', support: 2, reason: 'abstaining, with params' })
    if (scenario.spec.fractional) {
      const fractional = all.filter((v) => v.support === 255)
      expect(fractional.length).toBe(3)
      expect(fractional[0]).toMatchObject({ against: 50n * E, for: 100n * E, abstain: 0n })
      const v2 = all.filter((v) => v.voter === scenario.voters[2] && v.blockNumber <= scenario.proposals[0]!.createdBlock + 20)
      expect(v2.map((v) => v.support)).toContain(255)
      expect(v2.find((v) => v.support === 1 && v.event === 'VoteCast')?.weight).toBe(40n * E) // the remaining weight
    }
  })

  test('titles: first heading, else first line', () => {
    const byPlan = (name: string) => proposals.get(scenario.proposals.find((x) => x.plan === name)!.id)!
    expect(byPlan('succeeded').title).toBe(`P1 succeeded (${fixture})`)
    expect(byPlan('defeated-by-quorum').title).toBe(`P3 defeated-by-quorum (${fixture})`)
    expect(byPlan('abstain-quorum').title).toBe(`P8 abstain-quorum (${fixture}) — Élan ✓`)
  })

  test('tallies rebuild bit for bit, and a second pass changes nothing', async () => {
    const dump = () => db.prepare('SELECT * FROM proposal_tally ORDER BY governor, proposal_id').all()
    const before = dump()
    expect(rebuildProposalTallies(db, dao.id)).toBe([...proposals.values()].filter((p) => p.votes > 0).length)
    expect(dump()).toEqual(before)
    const again = await indexGovernors({ db, rpc: createRpcClient({ url: anvil.url }), dao, toBlock: scenario.lastBlock })
    expect(again.events).toBe(0)
    expect(dump()).toEqual(before)
  })

  test('the vote-source reader gives decisive what it needs', () => {
    const refs = governorVoteReader.proposals(db, dao)
    expect(refs.length).toBe(proposals.size)
    for (const ref of refs) {
      const p = getGovernorProposal(db, dao, { id: BigInt(ref.id) })
      expect(ref).toMatchObject({ source: 'governor', title: p.title, quorum: p.quorum, state: p.state, snapshotBlock: p.snapshotBlock, scale: 0 })
      expect(governorVoteReader.votes(db, dao, ref.id)).toEqual(governorProposalVotes(db, dao, p))
    }
  })

  test.runIf(fixture === 'oz-timestamp' || fixture === 'bravo')('CLI: proposals and votes', async () => {
    db.pragma('wal_checkpoint(TRUNCATE)')
    const list = json(await cli(['proposals', fixture, '--db', dbFile, '--format', 'json']))
    expect(list.proposals.length).toBe(proposals.size)
    const executed = scenario.proposals.find((x) => x.plan === 'executed')!
    const row = list.proposals.find((x: { id: string }) => x.id === executed.id.toString())
    expect(row).toMatchObject({ state: 'executed', outcome: 'passed', agrees: true, disagreement: null })
    expect(row.for).toBe(truth.proposals.get(executed.id)!.tally.for.toString())

    const filtered = json(await cli(['proposals', fixture, '--db', dbFile, '--format', 'json', '--state', 'defeated']))
    expect(filtered.proposals.every((x: { state: string }) => x.state === 'defeated')).toBe(true)
    expect(filtered.proposals.length).toBeGreaterThan(0)

    const succeeded = scenario.proposals.find((x) => x.plan === 'succeeded')!
    const votes = json(await cli(['votes', fixture, '--db', dbFile, '--proposal', succeeded.id.toString(), '--format', 'json']))
    expect(votes.voters[0].voter).toBe(scenario.voters[1]) // the largest weight first
    expect(votes.votingPowerCheck).toEqual({ unchecked: null, mismatches: 0, partial: 0 })
    const shares = votes.voters.reduce((s: number, v: { share: number }) => s + v.share, 0)
    expect(shares).toBeCloseTo(1, 9)

    const table = await cli(['votes', fixture, '--db', dbFile, '--proposal', `0x${succeeded.id.toString(16)}`])
    expect(table.code).toBe(0)
    expect(table.stdout).toContain("Every weight equals the voter's indexed voting power")
    const csv = await cli(['proposals', fixture, '--db', dbFile, '--format', 'csv'])
    expect(csv.stdout.split('\n')[0]).toContain('governor,kind,id,title')
    const md = await cli(['proposals', fixture, '--db', dbFile, '--format', 'markdown'])
    expect(md.stdout).toContain('| proposal |')

    const unknown = await cli(['votes', fixture, '--db', dbFile, '--proposal', '999999'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain('No proposal 999999')
    const badState = await cli(['proposals', fixture, '--db', dbFile, '--state', 'won'])
    expect(badState.code).toBe(2)
  })

  test('a later pass re-checks what can still change: the queued one executed, pending and active moved on', async () => {
    const dev = createDevRpc(anvil.url)
    const rpc = createRpcClient({ url: anvil.url })
    const gov = new Interface(loadArtifact(scenario.spec.contract).abi)
    const queued = scenario.proposals.find((x) => x.plan === 'queued')!
    const data =
      scenario.spec.kind === 'oz'
        ? gov.encodeFunctionData('execute', [['0x000000000000000000000000000000000000dEaD'], [0n], ['0x'], keccakText(queued.description)])
        : gov.encodeFunctionData('execute', [queued.id])
    await dev.request('eth_sendTransaction', [{ from: scenario.voters[0], to: scenario.governor, data, gas: toQuantity(1_000_000) }])
    await dev.request('anvil_mine', [toQuantity(15), toQuantity(1)])
    const atBlock = Number(await dev.request<string>('eth_blockNumber'))
    await dev.request('anvil_mine', [toQuantity(1)])
    await indexDao({ db, rpc, token: scenario.token, name: fixture, toBlock: atBlock, confirmations: 0, concurrency: 3 })
    const pass = await indexGovernors({ db, rpc, dao, toBlock: atBlock })
    expect(pass.events).toBe(1) // ProposalExecuted
    // Settled proposals are not read again; the queued, active and pending ones are.
    expect(pass.finalized.checked).toBe(3)
    const later = await readGovernorTruth({
      url: anvil.url,
      fixture,
      governor: scenario.governor,
      token: scenario.token,
      proposals: scenario.proposals.map((p) => p.id),
      voters: [],
      atBlock,
    })
    for (const p of listGovernorProposals(db, dao)) {
      const t = later.proposals.get(p.id)!
      expect(p.state, `proposal ${p.id}`).toBe(t.state)
      expect(p.agrees, `proposal ${p.id}`).toBe(true)
      if (t.quorum !== null) expect(p.quorum).toBe(t.quorum)
    }
    expect(getGovernorProposal(db, dao, { id: queued.id }).state).toBe('executed')
    expect(votingPowerCheck(db, dao).exceptions).toEqual([])
  })
})
