/**
 * `rebuild` (src/sync/rebuild.ts) on an index of a simulated token and an OpenZeppelin
 * governor voting with it: the derived tables must come out of the raw rows bit for bit,
 * damage to any of them must be found (per table), left alone by --check and repaired
 * otherwise, to exactly what the indexer wrote.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { simulateToken } from '../helpers/tokenSimulation.js'
import { simulateGovernor, simulatedGovernorInfo, type SimulatedGovernor } from '../helpers/governorSimulation.js'
import { loopbackIndex } from '../helpers/loopbackIndex.js'
import { startLogServer, type LogServer } from '../helpers/logServer.js'
import { dumpDb } from '../helpers/dbDump.js'
import { tmpDir } from '../cli/harness.js'
import { openDb } from '../../src/store/db.js'
import { insertDao, type Dao } from '../../src/store/daos.js'
import { addGovernor, listGovernors } from '../../src/store/governors.js'
import { indexDao } from '../../src/sync/indexDao.js'
import { DERIVED_TABLES, rebuildDao, type DerivedTable, type RebuildParameters } from '../../src/sync/rebuild.js'
import { StoreError } from '../../src/errors.js'

const TOKEN = '0x' + '5a'.repeat(20)
const GOVERNOR = '0x' + '6b'.repeat(20)
const INFO = simulatedGovernorInfo(GOVERNOR, TOKEN)

let sim: SimulatedGovernor
let node: LogServer
let dir: string
let indexed: string // the indexer's database file
let dao: Dao

beforeAll(async () => {
  const token = simulateToken({ token: TOKEN, events: 12_000, holders: 800, delegates: 80, airdrop: 200, seed: 5 })
  sim = simulateGovernor({ token, governor: GOVERNOR, proposals: 12, votes: 600, seed: 'rebuild' })
  node = await startLogServer({ logs: sim.logs, chainId: 31337, head: sim.lastBlock })
  dir = tmpDir('govaudit-rebuild-')
  indexed = path.join(dir, 'indexed.db')
  const db = openDb({ path: indexed, create: true })
  dao = insertDao(db, { name: 'sim', chainId: 31337, token: TOKEN, tokenStandard: 'erc20', startBlock: sim.firstBlock })
  addGovernor(db, dao, INFO, sim.firstBlock)
  await indexDao(loopbackIndex(db, node.url, TOKEN, { joinGovernors: async () => listGovernors(db, dao) }))
  db.close()
})
afterAll(async () => {
  await node?.close()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

/** A copy of the indexed database to work on. */
function copy(name: string): string {
  const file = path.join(dir, `${name}.db`)
  fs.copyFileSync(indexed, file)
  return file
}

function rebuild(file: string, check: boolean, options: Partial<RebuildParameters> = {}) {
  const db = openDb({ path: file, create: false, write: !check })
  try {
    return rebuildDao({ db, dao, check, ...options })
  } finally {
    db.close()
  }
}

const differing = (r: ReturnType<typeof rebuild>) => Object.fromEntries(r.tables.map((t) => [t.table, t.differing])) as Record<DerivedTable, number>
const none = Object.fromEntries(DERIVED_TABLES.map((t) => [t, 0]))

describe('rebuild', () => {
  test('the derived tables follow from the raw rows bit for bit, whatever the batch size and balance cache', () => {
    const tokenLogs = sim.logs.filter((l) => l.address === TOKEN).length
    // The last: balances evicted after every batch and read back from the rebuilt rows.
    for (const [i, options] of [{}, { batchEvents: 1_000 }, { batchEvents: 777, balanceCacheLimit: 10 }].entries()) {
      const file = copy(`identical-${i}`)
      const before = dumpDb(file)
      const result = rebuild(file, false, options)
      expect(result.events).toBe(tokenLogs)
      expect(differing(result)).toEqual(none)
      expect(result.replaced).toBe(false)
      for (const t of result.tables) {
        expect(t.stored, t.table).toBeGreaterThan(0)
        expect(t.rebuilt, t.table).toBe(t.stored)
      }
      expect(dumpDb(file)).toBe(before)
    }
  })

  test('damage in each derived table is found and named; --check leaves it, a rebuild repairs it exactly', () => {
    const file = copy('damaged')
    const reference = dumpDb(file)
    const db = openDb({ path: file, create: false, write: true })
    // One change of each kind: a changed value (counts twice), a lost row, a row that should not be there.
    const first = (table: string, key: string) => `(SELECT ${key} FROM ${table} ORDER BY ${key} LIMIT 1)`
    const changedCheckpoints = db
      .prepare(`SELECT count(*) FROM balance_checkpoint WHERE holder = ${first('balance_checkpoint', 'holder')} AND balance != zeroblob(32)`)
      .pluck()
      .get() as number
    expect(changedCheckpoints).toBeGreaterThan(0)
    db.exec(`
      UPDATE balance_checkpoint SET balance = zeroblob(32) WHERE holder = ${first('balance_checkpoint', 'holder')};
      DELETE FROM vp_checkpoint WHERE (delegate, block_number, log_index) = (SELECT delegate, block_number, log_index FROM vp_checkpoint ORDER BY block_number DESC LIMIT 1);
      INSERT INTO balance VALUES (${dao.id}, zeroblob(20), unhex('${'00'.repeat(31)}01'));
      UPDATE voting_power SET votes = unhex('${'00'.repeat(31)}07') WHERE delegate = ${first('voting_power', 'delegate')};
      DELETE FROM delegation WHERE delegator = ${first('delegation', 'delegator')};
      UPDATE proposal_tally SET voters = voters + 1 WHERE proposal_id = ${first('proposal_tally', 'proposal_id')};
    `)
    db.close()
    const damaged = dumpDb(file)
    const expected = { balance_checkpoint: 2 * changedCheckpoints, vp_checkpoint: 1, balance: 1, voting_power: 2, delegation: 1, proposal_tally: 2 }

    const checked = rebuild(file, true)
    expect(differing(checked)).toEqual(expected)
    expect(checked.replaced).toBe(false)
    expect(dumpDb(file), '--check writes nothing').toBe(damaged)

    const repaired = rebuild(file, false)
    expect(differing(repaired)).toEqual(expected)
    expect(repaired.replaced).toBe(true)
    expect(dumpDb(file)).toBe(reference)
    expect(differing(rebuild(file, true))).toEqual(none)
  })

  test('a commit by another connection during the rebuild stops it with a StoreError; nothing is replaced', () => {
    const file = copy('moving')
    const db = openDb({ path: file, create: false, write: true })
    db.exec(`UPDATE voting_power SET votes = zeroblob(32) WHERE delegate = (SELECT min(delegate) FROM voting_power)`)
    const other = openDb({ path: file, create: false, write: true })
    const tokenCursor = `SELECT block_number FROM cursor WHERE dao_id = ? AND stream = 'token'`
    const indexedTo = other.prepare(tokenCursor).pluck().get(dao.id) as number
    let moved = false
    const move = () => {
      // What an index run's commit does to the DAO's cursor (here without new rows).
      if (!moved) other.prepare(`UPDATE cursor SET block_number = block_number + 1 WHERE dao_id = ? AND stream = 'token'`).run(dao.id)
      moved = true
    }
    const zeroed = () => db.prepare(`SELECT count(*) FROM voting_power WHERE votes = zeroblob(32)`).pluck().get()
    try {
      expect(() => rebuildDao({ db, dao, check: false, batchEvents: 1_000, onProgress: move })).toThrow(StoreError)
      expect(zeroed(), 'the damaged row is still there').toBe(1)
      moved = false
      expect(() => rebuildDao({ db, dao, check: true, onProgress: move })).toThrow(/changed during the rebuild of sim .*stop any `govaudit index --follow` on this file, then run govaudit rebuild again/)
      // A reorg rolled back and indexed again to the same height: the cursor stays, its block's hash does not.
      other.prepare(`UPDATE cursor SET block_number = ? WHERE dao_id = ? AND stream = 'token'`).run(indexedTo, dao.id)
      const rehash = () => other.prepare(`UPDATE block SET hash = '0x' || hex(randomblob(32)) WHERE number = (${tokenCursor})`).run(dao.id).changes
      expect(() => rebuildDao({ db, dao, check: false, onProgress: () => expect(rehash()).toBe(1) })).toThrow(/changed during the rebuild of sim/)
      expect(zeroed()).toBe(1)
      // Once the file is quiet, the same rebuild repairs it.
      expect(rebuildDao({ db, dao, check: false }).replaced).toBe(true)
      expect(zeroed()).toBe(0)
    } finally {
      other.close()
      db.close()
    }
  })

  test('damaged or missing raw rows are a StoreError naming them; the stored rows stay', () => {
    const cases: [string, string, RegExp][] = [
      ['a short address', `UPDATE transfer SET to_address = X'eeee' WHERE (block_number, log_index) = (SELECT block_number, log_index FROM transfer ORDER BY block_number DESC LIMIT 1)`, /^The raw token event of sim at block \d+, log \d+ has a field of the wrong length/],
      ['a long amount', `UPDATE delegate_votes_changed SET new_votes = zeroblob(33) WHERE (block_number, log_index) = (SELECT block_number, log_index FROM delegate_votes_changed LIMIT 1)`, /has a field of the wrong length/],
      ['a lost mint', `DELETE FROM transfer WHERE (block_number, log_index) = (SELECT block_number, log_index FROM transfer WHERE from_address = zeroblob(20) LIMIT 1)`, /^The raw token events of sim do not add up \(Transfer in tx 0x[0-9a-f]{64} .*\): its raw rows are damaged or incomplete/],
    ]
    for (const [what, damage, says] of cases) {
      const file = copy(`raw-${what.replace(/ /g, '-')}`)
      const db = openDb({ path: file, create: false, write: true })
      db.exec(damage)
      const before = dumpDb(file)
      try {
        expect(() => rebuildDao({ db, dao, check: false }), what).toThrow(StoreError)
        expect(() => rebuildDao({ db, dao, check: false }), what).toThrow(says)
      } finally {
        db.close()
      }
      expect(dumpDb(file), what).toBe(before)
    }
  })

  test('a DAO with no indexed token events rebuilds to nothing, and a stray derived row is found', () => {
    const file = copy('other-dao')
    const db = openDb({ path: file, create: false, write: true })
    const other = insertDao(db, { name: 'other', chainId: 31337, token: '0x' + '7c'.repeat(20), tokenStandard: 'erc20', startBlock: 1 })
    db.prepare(`INSERT INTO balance VALUES (?, zeroblob(20), unhex(?))`).run(other.id, `${'00'.repeat(31)}05`)
    const result = rebuildDao({ db, dao: other, check: true })
    expect(result.events).toBe(0)
    expect(differing(result)).toEqual({ ...none, balance: 1 })
    // Repairing it removes its stray row and touches no row of the indexed DAO.
    const indexedRows = () => db.prepare(`SELECT count(*) FROM balance WHERE dao_id = ?`).pluck().get(dao.id)
    const rowsBefore = indexedRows()
    expect(rebuildDao({ db, dao: other, check: false }).replaced).toBe(true)
    expect(db.prepare(`SELECT count(*) FROM balance WHERE dao_id = ?`).pluck().get(other.id)).toBe(0)
    expect(indexedRows()).toBe(rowsBefore)
    db.close()
    expect(differing(rebuild(file, true))).toEqual(none)
  })
})
