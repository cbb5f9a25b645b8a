/**
 * The foundation's promise, checked on a real chain: after `indexDao`, for every account
 * of a realistic scenario and at every checked historical block, the stored balance,
 * delegate and voting power equal what the token contract's own views return
 * (balanceOf / delegates / getPastVotes or getPriorVotes at that block).
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startAnvil, type StartAnvilResult } from '../../src/devchain/anvil.js'
import { TOKEN_KINDS, type TokenKind } from '../../src/devchain/deploy.js'
import { playTokenScenario, type PlayTokenScenarioResult } from '../../src/devchain/tokenScenario.js'
import { readTokenTruth, type TokenTruth } from '../../src/devchain/tokenTruth.js'
import { openDb, type Db } from '../../src/store/db.js'
import { createRpcClient } from '../../src/sources/evm/rpc.js'
import { indexDao, type IndexDaoResult } from '../../src/sync/indexDao.js'
import { balancesAt, delegationsAt, votingPowerAt, totalSupplyAt } from '../../src/store/tokenQueries.js'
import { rebuildDao } from '../../src/sync/rebuild.js'
import { tmpDir } from '../cli/harness.js'

const ZERO = '0x0000000000000000000000000000000000000000'

describe.each(TOKEN_KINDS)('indexing a %s token matches the contract at every block', (kind: TokenKind) => {
  let anvil: StartAnvilResult
  let scenario: PlayTokenScenarioResult
  let truth: TokenTruth
  let db: Db
  let result: IndexDaoResult

  beforeAll(async () => {
    anvil = await startAnvil({})
    scenario = await playTokenScenario({ url: anvil.url, kind, accounts: 60, seed: `e2e-${kind}` })
    truth = await readTokenTruth({ url: anvil.url, kind, token: scenario.token, accounts: scenario.accounts, blocks: scenario.blocks })
    db = openDb({ path: path.join(tmpDir('govaudit-e2e-'), 'token.db'), create: true })
    result = await indexDao({
      db,
      rpc: createRpcClient({ url: anvil.url }),
      token: scenario.token,
      name: kind,
      toBlock: scenario.lastBlock,
      confirmations: 0,
      concurrency: 3,
    })
  })
  afterAll(async () => {
    db?.close()
    await anvil?.stop()
  })

  test('the scenario is as rich as the issue asks', () => {
    expect(scenario.accounts.length).toBeGreaterThanOrEqual(50)
    expect(scenario.blocks.length).toBeGreaterThanOrEqual(20)
    expect(scenario.multiEventTxs.length).toBeGreaterThan(0)
    expect(scenario.multiTxBlocks.length).toBeGreaterThan(0)
    expect(result.dao.startBlock).toBe(scenario.deployBlock) // found by binary search over eth_getCode
    expect(result.dao.tokenStandard).toBe(kind === 'erc721votes' ? 'erc721' : 'erc20')
    expect(result.mismatches).toEqual([])
  })

  test('balances, delegates and voting power equal the contract views for every account and block', () => {
    let checked = 0
    for (const block of truth.blocks) {
      const balances = new Map(balancesAt(db, result.dao, block).weights.map((w) => [w.address, w.weight]))
      const votes = new Map(votingPowerAt(db, result.dao, block).weights.map((w) => [w.address, w.weight]))
      const delegates = new Map(delegationsAt(db, result.dao, block).delegations.map((d) => [d.delegator, d.delegate]))
      for (const account of truth.accounts) {
        const where = `${account} at block ${block}`
        expect(balances.get(account) ?? 0n, `balance of ${where}`).toBe(truth.balances.get(block)!.get(account))
        expect(votes.get(account) ?? 0n, `votes of ${where}`).toBe(truth.votes.get(block)!.get(account))
        expect(delegates.get(account) ?? ZERO, `delegate of ${where}`).toBe(truth.delegates.get(block)!.get(account))
        checked++
      }
      expect(totalSupplyAt(db, result.dao, block).total, `total supply at ${block}`).toBe(truth.totalSupply.get(block))
    }
    expect(checked).toBe(truth.blocks.length * truth.accounts.length)
  })

  test('at the indexed head the current-state tables equal getVotes / balanceOf / delegates', () => {
    const latestBlock = scenario.lastBlock
    const balances = new Map(balancesAt(db, result.dao).weights.map((w) => [w.address, w.weight]))
    const votes = new Map(votingPowerAt(db, result.dao).weights.map((w) => [w.address, w.weight]))
    const delegates = new Map(delegationsAt(db, result.dao).delegations.map((d) => [d.delegator, d.delegate]))
    expect(votingPowerAt(db, result.dao).blockNumber).toBe(latestBlock)
    for (const account of truth.accounts) {
      expect(balances.get(account) ?? 0n).toBe(truth.latest.balances.get(account))
      expect(votes.get(account) ?? 0n).toBe(truth.latest.votes.get(account))
      expect(delegates.get(account) ?? ZERO).toBe(truth.latest.delegates.get(account))
    }
  })

  test('the derived tables rebuild bit for bit from the raw rows (govaudit rebuild)', () => {
    const rebuilt = rebuildDao({ db, dao: result.dao, check: true })
    expect(rebuilt.events).toBe(result.events)
    for (const t of rebuilt.tables.filter((t) => t.table !== 'proposal_tally')) {
      expect(t.stored, t.table).toBeGreaterThan(0)
      expect(t, t.table).toEqual({ table: t.table, stored: t.stored, rebuilt: t.stored, differing: 0 })
    }
  })

  test('re-running changes nothing', async () => {
    const before = fs.readFileSync(db.name).length
    const again = await indexDao({
      db,
      rpc: createRpcClient({ url: anvil.url }),
      token: scenario.token,
      name: kind,
      toBlock: scenario.lastBlock,
      confirmations: 0,
      concurrency: 3,
    })
    expect(again.upToDate).toBe(true)
    expect(again.events).toBe(0)
    expect(fs.readFileSync(db.name).length).toBe(before)
  })
})
