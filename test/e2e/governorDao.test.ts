/**
 * Two governors over one token in one DAO, as Compound had GovernorAlpha then
 * GovernorBravo over COMP: the token's events are stored once, each governor's proposals
 * and votes under its own address, proposal ids that repeat across the two governors are
 * told apart, and detection refuses a --governor-kind the chain contradicts.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startAnvil, type StartAnvilResult } from '../../src/devchain/anvil.js'
import { DEFAULT_GOVERNOR_PARAMETERS } from '../../src/devchain/governorFixtures.js'
import { playGovernorScenario, type PlayGovernorScenarioResult } from '../../src/devchain/governorScenario.js'
import { readGovernorTruth } from '../../src/devchain/governorTruth.js'
import { openDb, type Db } from '../../src/store/db.js'
import type { Dao } from '../../src/store/daos.js'
import { createRpcClient } from '../../src/sources/evm/rpc.js'
import type { RpcClient } from '../../src/sources/evm/types.js'
import { indexDao } from '../../src/sync/indexDao.js'
import { indexGovernors } from '../../src/sync/indexGovernors.js'
import { detectGovernor } from '../../src/sources/governor/detect.js'
import { addGovernor, getGovernorCursor } from '../../src/store/governors.js'
import { getGovernorProposal, governorVoteReader, listGovernorProposals, votingPowerCheck } from '../../src/store/governorQueries.js'
import { UsageError } from '../../src/errors.js'
import { cli, json, tmpDir } from '../cli/harness.js'

const TOKEN_TABLES = ['transfer', 'delegate_changed', 'delegate_votes_changed', 'vp_checkpoint', 'balance_checkpoint', 'balance', 'voting_power', 'delegation']

describe('two governors over one token in one DAO', () => {
  let anvil: StartAnvilResult
  let rpc: RpcClient
  let alpha: PlayGovernorScenarioResult
  let bravo: PlayGovernorScenarioResult
  let db: Db
  let tokenOnly: Db
  let dao: Dao
  let dbFile: string

  beforeAll(async () => {
    anvil = await startAnvil({})
    rpc = createRpcClient({ url: anvil.url })
    alpha = await playGovernorScenario({ url: anvil.url, fixture: 'alpha', seed: 'dao-alpha' })
    // Bravo over Alpha's token, with ids starting at 1 too: they collide with Alpha's.
    bravo = await playGovernorScenario({
      url: anvil.url,
      fixture: 'bravo',
      seed: 'dao-bravo',
      token: { address: alpha.token, owner: alpha.owner },
      parameters: { ...DEFAULT_GOVERNOR_PARAMETERS, initialProposalId: 0 },
    })
    const dir = tmpDir('govaudit-gov2-')
    dbFile = path.join(dir, 'dao.db')
    db = openDb({ path: dbFile, create: true })
    tokenOnly = openDb({ path: path.join(dir, 'token.db'), create: true })
    const toBlock = bravo.lastBlock
    dao = (await indexDao({ db, rpc, token: alpha.token, name: 'compound', toBlock, confirmations: 0, concurrency: 3 })).dao
    await indexDao({ db: tokenOnly, rpc, token: alpha.token, name: 'compound', toBlock, confirmations: 0, concurrency: 3 })
    for (const s of [alpha, bravo]) addGovernor(db, dao, await detectGovernor({ rpc, address: s.governor, token: alpha.token }), s.governorBlock)
    await indexGovernors({ db, rpc, dao, toBlock, concurrency: 3 })
  })
  afterAll(async () => {
    db?.close()
    tokenOnly?.close()
    await anvil?.stop()
    if (dbFile) fs.rmSync(path.dirname(dbFile), { recursive: true, force: true })
  })

  test("the token's events are stored once: token tables equal a token-only index", () => {
    const rows = (d: Db, t: string) => d.prepare(`SELECT * FROM ${t} ORDER BY 1, 2, 3`).raw().all()
    for (const t of TOKEN_TABLES) {
      expect(rows(db, t), t).toEqual(rows(tokenOnly, t))
      expect(rows(db, t).length, t).toBeGreaterThan(0)
    }
    expect(getGovernorCursor(db, dao.id, alpha.governor)).toBe(bravo.lastBlock)
    expect(getGovernorCursor(db, dao.id, bravo.governor)).toBe(bravo.lastBlock)
  })

  test('each governor keeps its own proposals, matching its contract', async () => {
    for (const s of [alpha, bravo]) {
      const stored = listGovernorProposals(db, dao, { governor: s.governor })
      expect(stored.map((p) => p.id)).toEqual(s.proposals.map((p) => p.id))
      const truth = await readGovernorTruth({ url: anvil.url, fixture: s.fixture, governor: s.governor, token: s.token, proposals: s.proposals.map((p) => p.id), voters: [], atBlock: bravo.lastBlock })
      for (const p of stored) {
        const t = truth.proposals.get(p.id)!
        expect(p.chainState, `${s.fixture} ${p.id}`).toBe(t.state)
        expect(p.tally).toEqual(t.tally)
        expect(p.agrees).toBe(true)
      }
    }
    const check = votingPowerCheck(db, dao)
    expect(check.exceptions).toEqual([])
    expect(check.checked).toBeGreaterThan(20)
  })

  test('repeated proposal ids are told apart by governor', async () => {
    expect(() => getGovernorProposal(db, dao, { id: 1n })).toThrow(UsageError)
    expect(() => getGovernorProposal(db, dao, { id: 1n })).toThrow(/pass --governor/)
    expect(getGovernorProposal(db, dao, { id: 1n, governor: bravo.governor }).governorKind).toBe('bravo')
    const refs = governorVoteReader.proposals(db, dao).map((r) => r.id)
    expect(refs).toContain(`1@${alpha.governor}`)
    expect(refs).toContain(`1@${bravo.governor}`)
    expect(new Set(refs).size).toBe(refs.length)
    expect(governorVoteReader.votes(db, dao, `1@${bravo.governor}`).length).toBeGreaterThan(0)

    db.pragma('wal_checkpoint(TRUNCATE)')
    const ambiguous = await cli(['votes', 'compound', '--db', dbFile, '--proposal', '1'])
    expect(ambiguous.code).toBe(2)
    expect(ambiguous.stderr).toContain('--governor')
    const one = json(await cli(['votes', 'compound', '--db', dbFile, '--proposal', '1', '--governor', bravo.governor, '--format', 'json']))
    expect(one.governor).toBe(bravo.governor)
    const list = await cli(['proposals', 'compound', '--db', dbFile])
    expect(list.code).toBe(0)
    expect(list.stdout).toContain(alpha.governor)
    expect(list.stdout).toContain(bravo.governor)
  })

  test('detection: the chain decides; a contradicting --governor-kind is refused', async () => {
    expect((await detectGovernor({ rpc, address: alpha.governor })).kind).toBe('alpha')
    expect((await detectGovernor({ rpc, address: bravo.governor, kind: 'bravo' })).kind).toBe('bravo')
    await expect(detectGovernor({ rpc, address: alpha.governor, kind: 'bravo' })).rejects.toThrow(/--governor-kind bravo disagrees with the chain: .* is a GovernorAlpha/)
    await expect(detectGovernor({ rpc, address: bravo.governor, kind: 'oz' })).rejects.toThrow(UsageError)
    await expect(detectGovernor({ rpc, address: alpha.token })).rejects.toThrow(/not a governor govaudit knows/)
    await expect(detectGovernor({ rpc, address: alpha.owner })).rejects.toThrow(/no contract code/)
    await expect(detectGovernor({ rpc, address: bravo.governor, token: bravo.owner })).rejects.toThrow(/counts votes of token/)
  })
})
