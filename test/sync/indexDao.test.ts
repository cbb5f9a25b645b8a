/**
 * The indexing pipeline (fetchLogsWith -> tokenLogConverter -> TokenState -> TokenWriter)
 * on a simulated ERC20Votes token (test/helpers/tokenSimulation.ts) served by the loopback node:
 * the index must equal a naive replay of the logs at every checked block, whatever the
 * commit size, when resumed, and when the writer runs in a worker thread (the compiled
 * code in dist/, as the CLI runs it) instead of inline (TypeScript sources under vitest).
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { simulateToken, type SimulatedToken } from '../helpers/tokenSimulation.js'
import { openDb, type Db } from '../../src/store/db.js'
import { MIGRATIONS } from '../../src/store/migrations/index.js'
import { insertDao } from '../../src/store/daos.js'
import { balancesAt, delegationsAt, votingPowerAt } from '../../src/store/tokenQueries.js'
import { decodeTokenLog, ZERO_ADDRESS } from '../../src/sources/token/decode.js'
import { indexDao, type IndexDaoParameters } from '../../src/sync/indexDao.js'
import { loopbackIndex } from '../helpers/loopbackIndex.js'
import { startLogServer, type LogServer } from '../helpers/logServer.js'
import { dumpDb } from '../helpers/dbDump.js'
import { ROOT, tmpDir } from '../cli/harness.js'

const TOKEN = '0x' + '5a'.repeat(20)
const CHAIN_ID = 31337

let sim: SimulatedToken
let node: LogServer
let dir: string
let reference: string // data dump of the one-shot inline index

beforeAll(async () => {
  // ~40k balance checkpoints in one commit: more than one chunk of derived rows.
  sim = simulateToken({ token: TOKEN, events: 60_000, holders: 3_000, delegates: 200, airdrop: 1_000, seed: 7 })
  node = await startLogServer({ logs: sim.logs, chainId: CHAIN_ID, head: sim.lastBlock })
  dir = tmpDir('govaudit-sync-')
})
afterAll(async () => {
  await node?.close()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

/** A fresh database with the DAO registered (the loopback node has no eth_call to probe it). */
function freshDb(name: string, open: (file: string) => Db = (file) => openDb({ path: file, create: true })): { db: Db; file: string } {
  const file = path.join(dir, `${name}.db`)
  const db = open(file)
  insertDao(db, { name: 'sim', chainId: CHAIN_ID, token: TOKEN, tokenStandard: 'erc20', startBlock: sim.firstBlock })
  return { db, file }
}

const params = (db: Db, extra: Partial<IndexDaoParameters> = {}): IndexDaoParameters => loopbackIndex(db, node.url, TOKEN, extra)

/** Everything but the `block` table, whose rows are the commit points (they differ by design). */
const dataDump = (file: string) => dumpDb(file).replace(/## block \(\d+\)\n(?:\[.*\]\n?)*/, '')

/** Balances, delegates and votes after every event of `block`, by replaying the logs naively. */
function replay(untilBlock: number) {
  const balances = new Map<string, bigint>()
  const delegates = new Map<string, string>()
  const votes = new Map<string, bigint>()
  for (const log of sim.logs) {
    if (log.blockNumber > untilBlock) break
    const ev = decodeTokenLog(log)!
    if (ev.kind === 'Transfer') {
      const v = BigInt(`0x${ev.value}`)
      if (ev.from !== ZERO_ADDRESS) balances.set(ev.from, (balances.get(ev.from) ?? 0n) - v)
      if (ev.to !== ZERO_ADDRESS) balances.set(ev.to, (balances.get(ev.to) ?? 0n) + v)
    } else if (ev.kind === 'DelegateChanged') delegates.set(ev.delegator, ev.toDelegate)
    else votes.set(ev.delegate, BigInt(`0x${ev.newVotes}`))
  }
  const nonZero = (m: Map<string, bigint>) => new Map([...m].filter(([, v]) => v !== 0n))
  return { balances: nonZero(balances), delegates: new Map([...delegates].filter(([, d]) => d !== ZERO_ADDRESS)), votes: nonZero(votes) }
}

function expectMatchesReplay(db: Db, blocks: number[]) {
  const dao = { id: 1, name: 'sim', chainId: CHAIN_ID, token: TOKEN, tokenStandard: 'erc20' as const, startBlock: sim.firstBlock, createdAt: '' }
  for (const block of blocks) {
    const want = replay(block)
    expect(new Map(balancesAt(db, dao, block).weights.map((w) => [w.address, w.weight])), `balances at ${block}`).toEqual(want.balances)
    expect(new Map(votingPowerAt(db, dao, block).weights.map((w) => [w.address, w.weight])), `votes at ${block}`).toEqual(want.votes)
    expect(new Map(delegationsAt(db, dao, block).delegations.map((d) => [d.delegator, d.delegate])), `delegates at ${block}`).toEqual(want.delegates)
  }
}

const checkedBlocks = () => {
  const blocks = sim.logs.map((l) => l.blockNumber)
  return [0.01, 0.3, 0.55, 0.8].map((f) => blocks[Math.floor(f * blocks.length)]!).concat(sim.lastBlock)
}

describe('indexDao on a simulated token', () => {
  test('one run equals a naive replay at every checked block, with no voting-power mismatch', async () => {
    const { db, file } = freshDb('inline')
    const result = await indexDao(params(db))
    expect(result.events).toBe(sim.logs.length)
    expect(result.mismatches).toEqual([])
    expect(result.cursor).toBe(sim.lastBlock)
    expectMatchesReplay(db, checkedBlocks())
    db.close()
    reference = dataDump(file)
  })

  test('a v4 database (hex text) migrates to exactly the rows a v5 index writes (bytes)', () => {
    const v5 = path.join(dir, 'inline.db')
    const v4 = path.join(dir, 'v4.db')
    const raw = new Database(v4)
    for (let v = 0; v < 4; v++) raw.exec(MIGRATIONS[v]!)
    raw.pragma('user_version = 4')
    raw.exec(`ATTACH '${v5}' AS v5`)
    for (const table of ['dao', 'cursor', 'block']) raw.exec(`INSERT INTO ${table} SELECT * FROM v5.${table}`)
    // The v1 shapes: 0x text addresses and hashes, 64-digit amounts, a NULL token id.
    const prefixed = new Set(['tx_hash', 'from_address', 'to_address', 'delegator', 'from_delegate', 'to_delegate', 'delegate', 'holder'])
    const digits = new Set(['value', 'token_id', 'previous_votes', 'new_votes', 'votes', 'balance'])
    for (const table of ['transfer', 'delegate_changed', 'delegate_votes_changed', 'vp_checkpoint', 'balance_checkpoint', 'balance', 'voting_power', 'delegation']) {
      const columns = raw.prepare(`SELECT name FROM pragma_table_info(?, 'main')`).pluck().all(table) as string[]
      const text = columns.map((c) => (prefixed.has(c) ? `'0x' || lower(hex(${c}))` : digits.has(c) ? `nullif(lower(hex(${c})), '')` : c))
      raw.exec(`INSERT INTO ${table} (${columns.join(', ')}) SELECT ${text.join(', ')} FROM v5.${table}`)
    }
    expect(raw.prepare(`SELECT typeof(holder) || ' ' || length(balance) FROM balance LIMIT 1`).pluck().get()).toBe('text 64')
    raw.exec('DETACH v5')
    raw.close()
    openDb({ path: v4, create: true }).close()
    expect(dumpDb(v4)).toBe(dumpDb(v5))
  })

  test('small commits and a resumed run write exactly the same data', async () => {
    const { db, file } = freshDb('resumed')
    const middle = sim.logs[Math.floor(sim.logs.length / 2)]!.blockNumber
    const first = await indexDao(params(db, { toBlock: middle, batchEvents: 3_000 }))
    expect(first.commits).toBeGreaterThan(5)
    expect(first.cursor).toBe(middle)
    const second = await indexDao(params(db, { batchEvents: 7_000 }))
    expect(second.fromBlock).toBe(middle + 1)
    expect(second.mismatches).toEqual([])
    db.close()
    expect(dataDump(file)).toBe(reference)
  })

  test('a writer failure rolls its transaction back and surfaces as the SQLite error it is', async () => {
    const { db, file } = freshDb('conflict')
    await indexDao(params(db, { toBlock: sim.logs[10_000]!.blockNumber }))
    // Forget the cursor: the next run writes rows that are already there.
    db.prepare(`DELETE FROM cursor`).run()
    const before = dataDump(file)
    await expect(indexDao(params(db))).rejects.toMatchObject({ name: 'SqliteError', code: expect.stringMatching(/^SQLITE_CONSTRAINT/) })
    expect(dataDump(file)).toBe(before)
    db.close()
  })
})

// The worker thread needs compiled JavaScript: `npm test` builds dist/ first.
const DIST = path.join(ROOT, 'dist')
const built = fs.existsSync(path.join(DIST, 'sync/ledgerWorker.js'))

describe.skipIf(!built)('indexDao with the writer in a worker thread (dist/)', () => {
  test('writes exactly the same data as inline, and reports worker errors with their class', async () => {
    type Dist = {
      indexDao: typeof indexDao
      openDb: typeof openDb
      openLedgerWriter: (p: { db: Db; daoId: number; chainId: number }) => { threaded: boolean; close(): Promise<void> }
    }
    const dist: Dist = {
      ...((await import(path.join(DIST, 'sync/indexDao.js'))) as Pick<Dist, 'indexDao'>),
      ...((await import(path.join(DIST, 'store/db.js'))) as Pick<Dist, 'openDb'>),
      ...((await import(path.join(DIST, 'sync/ledgerWriter.js'))) as Pick<Dist, 'openLedgerWriter'>),
    }
    const { db, file } = freshDb('threaded', (f) => dist.openDb({ path: f, create: true }))
    const writer = dist.openLedgerWriter({ db, daoId: 1, chainId: CHAIN_ID })
    expect(writer.threaded).toBe(true)
    await writer.close()

    const result = await dist.indexDao(params(db, { batchEvents: 9_000 }))
    expect(result.mismatches).toEqual([])
    db.close()
    expect(dataDump(file)).toBe(reference)

    // A constraint failure inside the worker: same error name and code as inline, nothing written.
    const again = new Database(file)
    again.prepare(`DELETE FROM cursor`).run()
    again.close()
    const before = dataDump(file)
    const reopened = dist.openDb({ path: file, create: true })
    await expect(dist.indexDao(params(reopened))).rejects.toMatchObject({ name: 'SqliteError', code: expect.stringMatching(/^SQLITE_CONSTRAINT/) })
    reopened.close()
    expect(dataDump(file)).toBe(before)
  })
})
