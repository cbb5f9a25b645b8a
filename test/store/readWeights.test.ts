/** Whole-population reads: the packed records must equal the plain row-by-row query. */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { freshDb } from '../helpers/freshDb.js'
import type { Db } from '../../src/store/db.js'
import { insertDao, setCursor, type Dao } from '../../src/store/daos.js'
import { fromWord, toWord } from '../../src/store/amount.js'
import { readPackedWeights, readWeights, type ReadWeightsParameters } from '../../src/store/readWeights.js'
import { balancesAt, votingPowerAt } from '../../src/store/tokenQueries.js'
import { StoreError } from '../../src/errors.js'

const a = (i: number) => `0x${i.toString(16).padStart(40, '0')}`
/** Addresses over every first hex digit (the reader's ranges). */
const spread = (i: number) => `0x${(i % 16).toString(16)}${i.toString(16).padStart(39, '0')}`
const hexOf = (v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : String(v))
const bytes = (hex: string) => Buffer.from(hex.replace(/^0x/, ''), 'hex')

/**
 * The two ways a population is stored: the token tables' bytes (schema v5; `balance`),
 * and imported holders' hex text (`holder_weight`). Rows are given as stored values.
 */
const STORES = {
  bytes: {
    query: {
      rows: (range: string) => `SELECT holder AS a, balance AS w FROM balance WHERE dao_id = @dao AND ${range} ORDER BY holder`,
      account: 'holder',
      stored: 'bytes',
    } satisfies Omit<ReadWeightsParameters, 'params'>,
    put: (db: Db, d: Dao, rows: [unknown, unknown][]) => {
      const put = db.prepare(`INSERT INTO balance (dao_id, holder, balance) VALUES (?, ?, ?)`)
      for (const [holder, word] of rows) put.run(d.id, holder, word)
    },
    address: (hex: string): unknown => bytes(hex),
    amount: (word: string): unknown => bytes(word),
    plain: (db: Db, d: Dao) =>
      (db.prepare(`SELECT holder AS a, balance AS w FROM balance WHERE dao_id = ? ORDER BY holder`).all(d.id) as { a: Buffer; w: Buffer }[]).map((r) => ({
        address: `0x${hexOf(r.a)}`,
        word: hexOf(r.w),
      })),
  },
  hex: {
    query: {
      rows: (range: string) => `SELECT holder AS a, weight AS w FROM holder_weight WHERE dao_id = @dao AND ${range} ORDER BY holder`,
      account: 'holder',
    } satisfies Omit<ReadWeightsParameters, 'params'>,
    put: (db: Db, d: Dao, rows: [unknown, unknown][]) => {
      const batch = db
        .prepare(`INSERT INTO import_batch (dao_id, kind, file, sha256, rows, scale, imported_at) VALUES (?, 'holders', 'f.csv', 'x', ?, 0, 'now')`)
        .run(d.id, rows.length).lastInsertRowid
      const put = db.prepare(`INSERT INTO holder_weight (dao_id, source, holder, weight, batch_id, line) VALUES (?, 'import', ?, ?, ?, ?)`)
      rows.forEach(([holder, word], line) => put.run(d.id, holder, word, batch, line + 2))
    },
    address: (hex: string): unknown => hex,
    amount: (word: string): unknown => word,
    plain: (db: Db, d: Dao) =>
      (db.prepare(`SELECT holder AS a, weight AS w FROM holder_weight WHERE dao_id = ? ORDER BY holder`).all(d.id) as { a: string; w: string }[]).map((r) => ({
        address: r.a,
        word: r.w,
      })),
  },
} as const
type Store = (typeof STORES)[keyof typeof STORES]

function dao(db: Db, store: Store, rows: [string, string][]): Dao {
  const d = insertDao(db, { name: 'd', chainId: 1, token: a(999), tokenStandard: 'erc20', startBlock: 10 })
  store.put(db, d, rows.map(([address, word]) => [store.address(address), store.amount(word)]))
  setCursor(db, d.id, 'token', 100)
  return d
}

/** The query readWeights replaces: every row, zero amounts dropped, address order. */
const plain = (db: Db, d: Dao, store: Store) =>
  store
    .plain(db, d)
    .filter((r) => r.word !== '0'.repeat(64))
    .map((r) => ({ address: r.address, weight: fromWord(r.word) }))

const read = (db: Db, d: Dao, store: Store) => readWeights(db, { ...store.query, params: { dao: d.id } })

describe.each(Object.entries(STORES))('readWeights over %s', (kind, store) => {
  test('equals the plain query for any rows (zeros left out, address order, every first digit)', () =>
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat({ max: 200 }), { maxLength: 30 }),
        fc.array(fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 2n ** 256n - 1n })), { minLength: 30, maxLength: 30 }),
        (ids, amounts) => {
          const db = freshDb()
          const d = dao(db, store, ids.map((id, i) => [spread(id), toWord(amounts[i]!)]))
          expect(read(db, d, store)).toEqual(plain(db, d, store))
          // Well-formed rows are read packed, not row by row.
          expect(Array.isArray(readPackedWeights(db, { ...store.query, params: { dao: d.id } }))).toBe(false)
          if (kind === 'bytes') expect(balancesAt(db, d).weights).toEqual(plain(db, d, store))
          db.close()
        },
      ),
      { numRuns: 30 },
    ))

  test('an address of another length is a StoreError naming it (both stores hold 20-byte addresses)', () => {
    for (const odd of ['0xabcd', `0x${'ab'.repeat(21)}`]) {
      const db = freshDb()
      const d = dao(db, store, [[a(1), toWord(5n)], [odd, toWord(7n)], [a(2), toWord(0n)]])
      expect(() => read(db, d, store)).toThrow(StoreError)
      expect(() => read(db, d, store)).toThrow(`Stored address "${odd}" is not a 20-byte address`)
      db.close()
    }
  })

  test('a damaged amount is a StoreError, as fromWord says', () => {
    // Hex: short, a non-hex digit, a sign. Bytes: a byte short, a byte long.
    const damaged = kind === 'hex' ? ['ff', `${'0'.repeat(63)}g`, `-${'0'.repeat(62)}1`] : ['0'.repeat(62), `ff${'0'.repeat(64)}`]
    for (const word of damaged) {
      const db = freshDb()
      const d = dao(db, store, [[a(1), toWord(5n)], [a(2), word]])
      expect(() => read(db, d, store)).toThrow(StoreError)
      expect(() => read(db, d, store)).toThrow(`Stored amount "${word}"`)
    }
    // One byte short and one byte long in the same range: the lengths add up, the records do not line up.
    const db = freshDb()
    const d = dao(db, store, [[a(1), '0'.repeat(62)], [a(2), `ff${'0'.repeat(64)}`], [a(3), toWord(1n)]])
    expect(() => read(db, d, store)).toThrow(StoreError)
  })

  test('every limb of the word counts', () => {
    const db = freshDb()
    const limbs = [1n, 2n ** 64n, 2n ** 128n + 3n, 2n ** 192n + 2n ** 64n - 1n, 2n ** 256n - 1n]
    const d = dao(db, store, limbs.map((w, i): [string, string] => [a(i + 1), toWord(w)]))
    expect(read(db, d, store)).toEqual(limbs.map((weight, i) => ({ address: a(i + 1), weight })))
  })
})

describe('readWeights over hex text', () => {
  test('an address that is not lowercase hex is a StoreError, not a population member', () => {
    // The last two have the 42 bytes of an address: only their characters give them away.
    for (const odd of [`0x${'é'.repeat(40)}`, `0x${'é'.repeat(20)}`, `0x${'AB'.repeat(20)}`, `0x${'g'.repeat(40)}`]) {
      const db = freshDb()
      const d = dao(db, STORES.hex, [[a(1), toWord(3n)], [odd, toWord(9n)]])
      expect(() => read(db, d, STORES.hex)).toThrow(`Stored address "${odd}" is not a 20-byte address`)
      db.close()
    }
  })
})

describe('token weights at a block', () => {
  test('history: the latest checkpoint at or before the block, per account', () => {
    const db = freshDb()
    const d = dao(db, STORES.bytes, [])
    const bc = db.prepare(`INSERT INTO balance_checkpoint (dao_id, holder, block_number, log_index, balance) VALUES (?, unhex(substr(?, 3)), ?, ?, unhex(?))`)
    const vc = db.prepare(`INSERT INTO vp_checkpoint (dao_id, delegate, block_number, log_index, votes) VALUES (?, unhex(substr(?, 3)), ?, ?, unhex(?))`)
    for (const st of [bc, vc]) {
      st.run(d.id, a(1), 20, 0, toWord(10n))
      st.run(d.id, a(1), 30, 1, toWord(0n)) // emptied: left out from block 30
      st.run(d.id, a(2), 20, 5, toWord(3n))
      st.run(d.id, a(2), 20, 7, toWord(4n)) // same block, later log wins
      st.run(d.id, a(3), 40, 0, toWord(9n)) // not yet at block 30
    }
    for (const at of [balancesAt, votingPowerAt]) {
      expect(at(db, d, 25).weights).toEqual([{ address: a(1), weight: 10n }, { address: a(2), weight: 4n }])
      expect(at(db, d, 30).weights).toEqual([{ address: a(2), weight: 4n }])
      expect(at(db, d, 40).weights).toEqual([{ address: a(2), weight: 4n }, { address: a(3), weight: 9n }])
    }
  })
})
