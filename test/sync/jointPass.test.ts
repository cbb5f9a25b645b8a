/**
 * The joint pass: one eth_getLogs per range over the token and its governor (indexDao with
 * `joinGovernors`), on a simulated token and an OpenZeppelin governor voting with it
 * (test/helpers/governorSimulation.ts) served by the loopback node. It must write exactly
 * what a token pass followed by a separate governor pass writes, fetch each range once,
 * resume the same, catch up a governor added to an indexed DAO, and run the same with the
 * writer in a worker thread. Vote weights are checked against the indexed voting power.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { simulateToken } from '../helpers/tokenSimulation.js'
import { simulateGovernor, simulatedGovernorInfo, type SimulatedGovernor } from '../helpers/governorSimulation.js'
import { loopbackIndex } from '../helpers/loopbackIndex.js'
import { startLogServer, type LogServer } from '../helpers/logServer.js'
import { dumpDb } from '../helpers/dbDump.js'
import { ROOT, tmpDir } from '../cli/harness.js'
import { openDb, type Db } from '../../src/store/db.js'
import { insertDao, type Dao } from '../../src/store/daos.js'
import { addGovernor, getGovernorCursor, listGovernors } from '../../src/store/governors.js'
import { governorVotes, listGovernorProposals } from '../../src/store/governorQueries.js'
import { votingPowerAt } from '../../src/store/tokenQueries.js'
import { createRpcClient } from '../../src/sources/evm/rpc.js'
import { StoreError } from '../../src/errors.js'
import { indexDao, type IndexDaoParameters } from '../../src/sync/indexDao.js'
import { catchUpGovernors } from '../../src/sync/indexGovernors.js'
import { joinGovernors } from '../../src/sync/syncGovernors.js'

const TOKEN = '0x' + '5a'.repeat(20)
const GOVERNOR = '0x' + '6b'.repeat(20)
const CHAIN_ID = 31337
const INFO = simulatedGovernorInfo(GOVERNOR, TOKEN)

let sim: SimulatedGovernor
let node: LogServer
let dir: string
let reference: string // token pass, then a separate governor pass

beforeAll(async () => {
  const token = simulateToken({ token: TOKEN, events: 15_000, holders: 1_000, delegates: 100, airdrop: 300, seed: 11 })
  sim = simulateGovernor({ token, governor: GOVERNOR, proposals: 24, votes: 1_500, seed: 'joint' })
  node = await startLogServer({ logs: sim.logs, chainId: CHAIN_ID, head: sim.lastBlock })
  dir = tmpDir('govaudit-joint-')
})
afterAll(async () => {
  await node?.close()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

/** A fresh database with the DAO and (unless `governor` is false) its governor registered (the node has no eth_call). */
function freshDb(name: string, governor = true, open: (file: string) => Db = (file) => openDb({ path: file, create: true })) {
  const file = path.join(dir, `${name}.db`)
  const db = open(file)
  const dao = insertDao(db, { name: 'sim', chainId: CHAIN_ID, token: TOKEN, tokenStandard: 'erc20', startBlock: sim.firstBlock })
  if (governor) addGovernor(db, dao, INFO, sim.firstBlock)
  return { db, file, dao }
}

const params = (db: Db, extra: Partial<IndexDaoParameters> = {}): IndexDaoParameters => loopbackIndex(db, node.url, TOKEN, extra)

/** The DAO's governors join the pass (they are at the token cursor). */
const joinAll = (db: Db) => ({ joinGovernors: async ({ dao }: { dao: Dao }) => listGovernors(db, dao) })

/** Everything but the `block` table, whose rows are the commit points (they differ by design). */
const dataDump = (file: string) => dumpDb(file).replace(/## block \(\d+\)\n(?:\[.*\]\n?)*/, '')

describe('the joint token + governor pass', () => {
  test('reference: the token pass, then a governor-only pass', async () => {
    const { db, file, dao } = freshDb('separate')
    await indexDao(params(db))
    const pass = await catchUpGovernors({ db, rpc: createRpcClient({ url: node.url }), dao, toBlock: sim.lastBlock })
    expect(pass.events).toBe(sim.counts.proposals + sim.counts.votes)
    db.close()
    reference = dataDump(file)
    expect(reference).toMatch(/## vote \([1-9]\d*\)/)
  })

  test('one eth_getLogs per range writes the same rows, tallies and cursors', async () => {
    const { db, file, dao } = freshDb('joint')
    const before = node.stats.calls.eth_getLogs ?? 0
    const result = await indexDao(params(db, joinAll(db)))
    const requests = (node.stats.calls.eth_getLogs ?? 0) - before
    expect(result.governorEvents).toBe(sim.counts.proposals + sim.counts.votes)
    expect(result.events + result.governorEvents).toBe(sim.logs.length)
    expect(result.mismatches).toEqual([])
    expect(getGovernorCursor(db, dao.id, GOVERNOR)).toBe(sim.lastBlock)

    // Tallies are the simulation's; every weight is the voter's indexed power at the snapshot.
    const stored = new Map(listGovernorProposals(db, dao).map((p) => [p.id, p]))
    expect(stored.size).toBe(sim.proposals.length)
    for (const sp of sim.proposals) {
      const p = stored.get(BigInt(`0x${sp.id}`))!
      expect(p.tally, `tally of ${sp.id}`).toEqual(sp.tally)
      expect(p.votes).toBe(sp.votes)
      const power = new Map(votingPowerAt(db, dao, sp.voteStart).weights.map((w) => [w.address, w.weight]))
      for (const v of governorVotes(db, dao, p)) expect(v.weight, `${v.voter} on ${sp.id}`).toBe(power.get(v.voter))
    }
    db.close()
    expect(dataDump(file)).toBe(reference)

    // A token-only pass over the same chain asks for as many ranges, give or take adaptation: not twice as many.
    const tokenOnly = freshDb('token-only', false)
    const beforeTokenOnly = node.stats.calls.eth_getLogs ?? 0
    await indexDao(params(tokenOnly.db))
    tokenOnly.db.close()
    expect(requests).toBeLessThan(1.5 * ((node.stats.calls.eth_getLogs ?? 0) - beforeTokenOnly))
  })

  test('small commits and a resumed run write exactly the same data', async () => {
    const { db, file, dao } = freshDb('resumed')
    const middle = sim.proposals[Math.floor(sim.proposals.length / 2)]!.voteStart + 3
    const first = await indexDao(params(db, { ...joinAll(db), toBlock: middle, batchEvents: 1_000 }))
    expect(first.commits).toBeGreaterThan(5)
    expect(getGovernorCursor(db, dao.id, GOVERNOR)).toBe(middle)
    const second = await indexDao(params(db, { ...joinAll(db), batchEvents: 5_000 }))
    expect(second.fromBlock).toBe(middle + 1)
    expect(first.governorEvents + second.governorEvents).toBe(sim.counts.proposals + sim.counts.votes)
    db.close()
    expect(dataDump(file)).toBe(reference)
  })

  test('a governor added to an indexed DAO is caught up over its past range, then joins', async () => {
    const { db, file, dao } = freshDb('added-later', false)
    const middle = sim.proposals[10]!.voteEnd
    await indexDao(params(db, { toBlock: middle }))
    const rpc = createRpcClient({ url: node.url })
    // A governor behind the token cannot join as it is: its past would never be fetched.
    addGovernor(db, dao, INFO, sim.firstBlock)
    await expect(indexDao(params(db, joinAll(db)))).rejects.toThrow(StoreError)
    let caughtUp = 0
    const result = await indexDao(
      params(db, {
        joinGovernors: async (start) => {
          const join = await joinGovernors({ db, rpc, dao, detected: [{ info: INFO }], head: start.toBlock, tokenCursor: start.resumedFrom!, concurrency: 2 })
          caughtUp = join.catchUp?.events ?? 0
          expect(join.catchUp).toMatchObject({ fromBlock: sim.firstBlock, toBlock: middle, interrupted: false })
          return join.governors
        },
      }),
    )
    expect(caughtUp).toBeGreaterThan(0)
    expect(caughtUp + result.governorEvents).toBe(sim.counts.proposals + sim.counts.votes)
    db.close()
    expect(dataDump(file)).toBe(reference)
  })
})

// The worker thread needs compiled JavaScript: `npm test` builds dist/ first.
const DIST = path.join(ROOT, 'dist')
const built = fs.existsSync(path.join(DIST, 'sync/ledgerWorker.js'))

describe.skipIf(!built)('the joint pass with the writer in a worker thread (dist/)', () => {
  test('writes exactly the same data, governor rows in the token transactions', async () => {
    const dist = {
      ...((await import(path.join(DIST, 'sync/indexDao.js'))) as { indexDao: typeof indexDao }),
      ...((await import(path.join(DIST, 'store/db.js'))) as { openDb: typeof openDb }),
      ...((await import(path.join(DIST, 'store/governors.js'))) as { listGovernors: typeof listGovernors }),
    }
    const { db, file } = freshDb('threaded', true, (f) => dist.openDb({ path: f, create: true }))
    const result = await dist.indexDao(params(db, { batchEvents: 1_500, joinGovernors: async ({ dao }) => dist.listGovernors(db, dao) }))
    expect(result.commits).toBeGreaterThan(5)
    expect(result.governorEvents).toBe(sim.counts.proposals + sim.counts.votes)
    db.close()
    expect(dataDump(file)).toBe(reference)
  })
})
