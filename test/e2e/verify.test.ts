/**
 * `govaudit verify` through the built CLI on a real anvil DAO (OZ governor over an
 * ERC20Votes token, block clock): every check matches after `index`; a stored row
 * corrupted directly in SQLite is named with both values (exit 1); a node without
 * historical state (fault proxy answering geth's "missing trie node") exits 3 asking for
 * an archive node; an RPC of another chain exits 2. The expected chain values come from
 * the contracts' own views.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import Database from 'better-sqlite3'
import { Interface, toQuantity } from 'ethers'
import { startAnvil, type StartAnvilResult } from '../../src/devchain/anvil.js'
import { playGovernorScenario, type PlayGovernorScenarioResult } from '../../src/devchain/governorScenario.js'
import { loadArtifact } from '../../src/devchain/artifacts.js'
import { createDevRpc, type DevRpc } from '../../src/devchain/devRpc.js'
import { startFaultProxy } from '../helpers/faultProxy.js'
import { cli, json, removeTmpDirs, tmpDir } from '../cli/harness.js'

const word = (v: bigint) => v.toString(16).padStart(64, '0')

type Check = { check: string; subject: string; block: number; stored: string | null; chain: string | null; ok: boolean; via: string }

describe('verify on an indexed OZ governor DAO', () => {
  let anvil: StartAnvilResult
  let scenario: PlayGovernorScenarioResult
  let rpc: DevRpc
  let db: string
  const token = new Interface(loadArtifact('GovToken').abi)
  const governor = new Interface(loadArtifact('OzGovernor').abi)

  const view = async (iface: Interface, to: string, fn: string, args: unknown[], block: number) => {
    const data = await rpc.request<string>('eth_call', [{ to, data: iface.encodeFunctionData(fn, args) }, toQuantity(block)])
    return iface.decodeFunctionResult(fn, data)
  }
  const verify = (file: string, ...args: string[]) => cli(['verify', 'dao', '--db', file, '--rpc', anvil.url, ...args])
  const copyDb = (name: string) => {
    const file = path.join(path.dirname(db), name)
    fs.copyFileSync(db, file)
    return file
  }

  beforeAll(async () => {
    anvil = await startAnvil({})
    rpc = createDevRpc(anvil.url)
    scenario = await playGovernorScenario({ url: anvil.url, fixture: 'oz-block', seed: 'verify' })
    db = path.join(tmpDir('govaudit-verify-'), 'dao.db')
    const run = await cli([
      'index', '--rpc', anvil.url, '--token', scenario.token, '--governor', scenario.governor, '--name', 'dao',
      '--to-block', String(scenario.lastBlock), '--confirmations', '0', '--db', db,
    ])
    expect(run.code, run.stderr).toBe(0)
    // Fold the index's WAL into the main file, so that plain copies of the file are complete.
    const sqlite = new Database(db)
    sqlite.pragma('wal_checkpoint(TRUNCATE)')
    sqlite.close()
  })
  afterAll(async () => {
    await anvil?.stop()
    removeTmpDirs()
  })

  test('every check matches: exit 0, every proposal and every kind of check covered', async () => {
    const [run, table] = await Promise.all([verify(db, '--seed', '7', '--format', 'json'), verify(db, '--seed', '7')])
    expect(run.code, run.stderr).toBe(0)
    const report = json<{ ok: boolean; seed: number; block: number; checks: Check[]; mismatches: Check[]; blocks: { blockNumber: number; reasons: string[] }[] }>(run)
    expect(report.ok).toBe(true)
    expect(report.seed).toBe(7)
    expect(report.block).toBe(scenario.lastBlock)
    expect(report.mismatches).toEqual([])
    expect(report.checks.length).toBeGreaterThan(0)
    expect(report.checks.every((c) => c.ok && c.stored === c.chain)).toBe(true)
    expect(new Set(report.checks.map((c) => c.check))).toEqual(new Set(['votes', 'balance', 'delegate', 'total-supply', 'tally', 'quorum', 'state']))
    const tallied = new Set(report.checks.filter((c) => c.check === 'tally').map((c) => c.subject))
    expect(tallied).toEqual(new Set(scenario.proposals.map((p) => p.id.toString())))
    // The chain values are the contracts' own: read them again here, independently.
    for (const c of report.checks) {
      if (c.check === 'balance') expect(c.chain, `balance of ${c.subject} at ${c.block}`).toBe(String((await view(token, scenario.token, 'balanceOf', [c.subject], c.block))[0]))
      if (c.check === 'delegate') expect(c.chain).toBe(String((await view(token, scenario.token, 'delegates', [c.subject], c.block))[0]).toLowerCase())
      if (c.check === 'votes') expect(c.chain, `votes of ${c.subject} at ${c.block}`).toBe(String((await view(token, scenario.token, 'getVotes', [c.subject], c.block))[0]))
    }
    // Voting power at past blocks comes from the token's checkpoint history (getPastVotes at the head).
    expect(report.checks.some((c) => c.check === 'votes' && c.via.startsWith('getPastVotes@'))).toBe(true)
    expect(report.blocks.some((b) => b.reasons.includes('snapshot'))).toBe(true)
    expect(report.blocks.some((b) => b.reasons.includes('sampled'))).toBe(true)
    expect(run.stderr).toMatch(/seed 7/)
    expect(run.stderr).toMatch(new RegExp(`all ${report.checks.length} checks match`))

    expect(table.code, table.stderr).toBe(0)
    expect(table.stdout).toMatch(/check.*checked.*match.*mismatch/)
    expect(table.stdout).toMatch(new RegExp(`${report.checks.length} checks, all match`))
    expect(table.stdout).not.toMatch(/MISMATCH/)
  })

  test('corrupted voting power, checkpoint and tally rows are named with both values; exit 1', async () => {
    const file = copyDb('corrupt.db')
    const sqlite = new Database(file)
    const cursor = scenario.lastBlock
    // The largest delegate now (always checked), its voting power one unit off.
    const top = sqlite.prepare(`SELECT '0x' || lower(hex(delegate)) AS delegate, hex(votes) AS votes FROM voting_power ORDER BY voting_power.votes DESC, voting_power.delegate LIMIT 1`).get() as { delegate: string; votes: string }
    const badVotes = BigInt(`0x${top.votes}`) + 1n
    sqlite.prepare(`UPDATE voting_power SET votes = unhex(?) WHERE delegate = unhex(substr(?, 3))`).run(word(badVotes), top.delegate)
    // A proposal with votes: its stored "for" doubled.
    const tally = sqlite
      .prepare(`SELECT t.proposal_id, t.for_votes, s.snapshot_block FROM proposal_tally t JOIN proposal_status s USING (dao_id, governor, proposal_id) WHERE t.for_votes > ? ORDER BY t.proposal_id LIMIT 1`)
      .get(word(0n)) as { proposal_id: string; for_votes: string; snapshot_block: number }
    const proposalId = BigInt(`0x${tally.proposal_id}`)
    const badFor = BigInt(`0x${tally.for_votes}`) * 2n
    sqlite.prepare(`UPDATE proposal_tally SET for_votes = ? WHERE proposal_id = ?`).run(word(badFor), tally.proposal_id)
    // That proposal's largest voter: the checkpoint that gives its power at the snapshot, zeroed.
    const voter = sqlite
      .prepare(`SELECT voter FROM vote WHERE proposal_id = ? ORDER BY weight DESC, voter LIMIT 1`)
      .pluck()
      .get(tally.proposal_id) as string
    const checkpoint = sqlite
      .prepare(`SELECT block_number, log_index FROM vp_checkpoint WHERE delegate = unhex(substr(?, 3)) AND block_number <= ? ORDER BY block_number DESC, log_index DESC LIMIT 1`)
      .get(voter, tally.snapshot_block) as { block_number: number; log_index: number }
    sqlite.prepare(`UPDATE vp_checkpoint SET votes = unhex(?) WHERE delegate = unhex(substr(?, 3)) AND block_number = ? AND log_index = ?`).run(word(0n), voter, checkpoint.block_number, checkpoint.log_index)
    sqlite.close()

    const [run, table] = await Promise.all([verify(file, '--seed', '7', '--format', 'json'), verify(file, '--seed', '7')])
    expect(run.code, run.stderr).toBe(1)
    expect(table.code, table.stderr).toBe(1)
    const report = json<{ ok: boolean; mismatches: Check[] }>(run)
    expect(report.ok).toBe(false)
    const find = (check: string, subject: string, block: number) => report.mismatches.find((m) => m.check === check && m.subject === subject && m.block === block)

    const [votesNow] = await view(token, scenario.token, 'getVotes', [top.delegate], cursor)
    expect(find('votes', top.delegate, cursor)).toMatchObject({ stored: badVotes.toString(), chain: String(votesNow), ok: false })

    const [against, forVotes, abstain] = await view(governor, scenario.governor, 'proposalVotes', [proposalId], cursor)
    const tallyMismatch = report.mismatches.find((m) => m.check === 'tally' && m.subject === proposalId.toString())!
    expect(tallyMismatch).toBeDefined()
    expect(tallyMismatch.stored).toBe(`for ${badFor}, against ${against}, abstain ${abstain}`)
    expect(tallyMismatch.chain).toBe(`for ${forVotes}, against ${against}, abstain ${abstain}`)

    const [votesAtSnapshot] = await view(token, scenario.token, 'getPastVotes', [voter, tally.snapshot_block], cursor)
    expect(votesAtSnapshot).toBeGreaterThan(0n)
    expect(find('votes', voter, tally.snapshot_block)).toMatchObject({ stored: '0', chain: String(votesAtSnapshot) })

    // Nothing else is blamed: every mismatch is one of the three corrupted facts.
    for (const m of report.mismatches)
      expect([top.delegate, voter, proposalId.toString()], JSON.stringify(m)).toContain(m.subject)
    // The terminal table lists the mismatches with both values; stderr names each corrupted fact once.
    expect(table.stdout).toMatch(new RegExp(`votes\\s*│\\s*${top.delegate}\\s*│\\s*${cursor}\\s*│\\s*${badVotes}\\s*│\\s*${votesNow}\\s*│\\s*MISMATCH`))
    expect(run.stderr).toContain(`votes of ${top.delegate} at block ${cursor}: stored ${badVotes}, chain ${votesNow}`)
    expect(run.stderr).toContain(`tally of ${proposalId} at block ${cursor}: stored for ${badFor}`)
    expect(run.stderr).toMatch(new RegExp(`votes of ${voter} at block \\d+: stored 0, chain ${votesAtSnapshot}`))
  })

  test('a node without historical state exits 3 and asks for an archive node', async () => {
    const cursor = scenario.lastBlock
    // geth's answer to a call at a block whose state it has pruned
    const missingTrieNode = { kind: 'rpcError' as const, code: -32000, message: 'missing trie node 5f3c0e2d9a4b7c81e6f0a3d2b9c4e7f1a8d3c6b9e2f5a8d1c4b7e0f3a6d9c2b5 (path ) <nil>' }
    const proxy = await startFaultProxy({
      target: anvil.url,
      plan: (r) =>
        r.calls.some((c) => c.method === 'eth_call' && typeof c.params?.[1] === 'string' && Number(c.params[1]) < cursor) ? missingTrieNode : undefined,
    })
    try {
      const run = await cli(['verify', 'dao', '--db', db, '--rpc', proxy.url, '--format', 'json'])
      expect(run.code, run.stderr).toBe(3)
      expect(run.stdout).toBe('')
      expect(run.stderr).toMatch(/archive node/)
      expect(run.stderr).toMatch(/with seed \d+/) // printed before the failure: the run can be repeated
      expect(proxy.stats.injected.rpcError).toBeGreaterThan(0)
    } finally {
      await proxy.close()
    }
  })

  test('a provider that caps batches at 10 calls gets smaller batches: every check still matches', async () => {
    const proxy = await startFaultProxy({
      target: anvil.url,
      plan: (r) => (r.isBatch && r.calls.length > 10 ? { kind: 'rpcError', code: -32600, message: 'batch size too large: max 10 requests per batch' } : undefined),
    })
    try {
      const run = await cli(['verify', 'dao', '--db', db, '--rpc', proxy.url, '--seed', '7', '--format', 'json'])
      expect(run.code, run.stderr).toBe(0)
      expect(json<{ ok: boolean }>(run).ok).toBe(true)
      expect(proxy.stats.injected.rpcError).toBeGreaterThan(0)
    } finally {
      await proxy.close()
    }
  })

  test('an RPC of another chain is refused in one sentence (exit 2)', async () => {
    const file = copyDb('other-chain.db')
    const sqlite = new Database(file)
    sqlite.prepare(`UPDATE dao SET chain_id = 1`).run()
    sqlite.close()
    const run = await cli(['verify', 'dao', '--db', file], { GOVAUDIT_RPC_URL: anvil.url }) // the RPC from the environment
    expect(run.code, run.stderr).toBe(2)
    expect(run.stderr).toMatch(/serves chain 31337 but "dao" was indexed from chain 1/)
  })
})

describe('verify on the other token clocks and governor families', () => {
  let anvil: StartAnvilResult
  let db: string
  const fixtures = ['oz-timestamp', 'bravo'] as const
  const scenarios = new Map<string, PlayGovernorScenarioResult>()

  beforeAll(async () => {
    anvil = await startAnvil({})
    db = path.join(tmpDir('govaudit-verify2-'), 'daos.db')
    for (const fixture of fixtures) {
      const s = await playGovernorScenario({ url: anvil.url, fixture, seed: `verify-${fixture}` })
      scenarios.set(fixture, s)
      const run = await cli([
        'index', '--rpc', anvil.url, '--token', s.token, '--governor', s.governor, '--name', fixture,
        '--to-block', String(s.lastBlock), '--confirmations', '0', '--db', db,
      ])
      expect(run.code, run.stderr).toBe(0)
    }
  })
  afterAll(async () => {
    await anvil?.stop()
    removeTmpDirs()
  })

  // Timestamp clock: voting power is read with getVotes AT each block (timepoints are not blocks);
  // Comp: getPriorVotes through its history, totalSupply() at the block, proposals(id) and quorumVotes().
  test.each([
    ['oz-timestamp', /^getVotes$/, /^totalSupply$/, 'proposalVotes'],
    ['bravo', /^getPriorVotes@\d+$/, /^totalSupply$/, 'proposals'],
  ] as const)('%s: every check matches (exit 0), read with the views of its kind', async (fixture, votesVia, supplyVia, tallyVia) => {
    const run = await cli(['verify', fixture, '--db', db, '--rpc', anvil.url, '--all', '--format', 'json'])
    expect(run.code, run.stderr).toBe(0)
    const report = json<{ ok: boolean; checks: Check[] }>(run)
    expect(report.ok).toBe(true)
    const of = (kind: string) => report.checks.filter((c) => c.check === kind)
    expect(of('votes').length).toBeGreaterThan(0)
    for (const c of of('votes')) expect(c.via).toMatch(votesVia)
    for (const c of of('total-supply')) expect(c.via).toMatch(supplyVia)
    expect(new Set(of('tally').map((c) => c.subject))).toEqual(new Set(scenarios.get(fixture)!.proposals.map((p) => p.id.toString())))
    for (const c of of('tally')) expect(c.via).toBe(tallyVia)
    expect(of('quorum').length).toBeGreaterThan(0)
  })
})
