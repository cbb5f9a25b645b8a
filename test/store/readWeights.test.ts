/** Whole-population reads: the packed records must equal the plain row-by-row query. */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { freshDb } from '../helpers/freshDb.js'
import type { Db } from '../../src/store/db.js'
import { insertDao, setCursor, type Dao } from '../../src/store/daos.js'
import { fromWord, toWord } from '../../src/store/amount.js'
import { readWeights } from '../../src/store/readWeights.js'
import { balancesAt, votingPowerAt } from '../../src/store/tokenQueries.js'
import { StoreError } from '../../src/errors.js'

const a = (i: number) => `0x${i.toString(16).padStart(40, '0')}`
/** Addresses over every first hex digit (the reader's ranges), some in upper case. */
const spread = (i: number) => {
  const hex = `${(i % 16).toString(16)}${i.toString(16).padStart(39, '0')}`
  return `0x${i % 7 === 0 ? hex.toUpperCase() : hex}`
}
const BALANCES = {
  rows: (range: string) => `SELECT holder AS a, balance AS w FROM balance WHERE dao_id = @dao AND ${range} ORDER BY holder`,
  account: 'holder',
}

function dao(db: Db, balances: [string, string][]): Dao {
  const d = insertDao(db, { name: 'd', chainId: 1, token: a(999), tokenStandard: 'erc20', startBlock: 10 })
  const put = db.prepare(`INSERT INTO balance (dao_id, holder, balance) VALUES (?, ?, ?)`)
  for (const [holder, word] of balances) put.run(d.id, holder, word)
  setCursor(db, d.id, 'token', 100)
  return d
}

/** The query readWeights replaces: every row, zero amounts dropped, address order. */
const plain = (db: Db, d: Dao) =>
  (db.prepare(`SELECT holder AS a, balance AS w FROM balance WHERE dao_id = ? ORDER BY holder`).all(d.id) as { a: string; w: string }[])
    .filter((r) => r.w !== '0'.repeat(64))
    .map((r) => ({ address: r.a, weight: fromWord(r.w) }))

describe('readWeights', () => {
  test('equals the plain query for any rows (zeros left out, address order, every first digit)', () =>
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.nat({ max: 200 }), { maxLength: 30 }),
        fc.array(fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 2n ** 256n - 1n })), { minLength: 30, maxLength: 30 }),
        (ids, amounts) => {
          const db = freshDb()
          const d = dao(db, ids.map((id, i) => [spread(id), toWord(amounts[i]!)]))
          expect(readWeights(db, { ...BALANCES, params: { dao: d.id } })).toEqual(plain(db, d))
          expect(balancesAt(db, d).weights).toEqual(plain(db, d))
          db.close()
        },
      ),
      { numRuns: 30 },
    ))

  test('addresses of another length fall back to the row-by-row read', () => {
    const db = freshDb()
    const d = dao(db, [[a(1), toWord(5n)], ['0xshort', toWord(7n)], [a(2), toWord(0n)]])
    expect(readWeights(db, { ...BALANCES, params: { dao: d.id } })).toEqual([
      { address: a(1), weight: 5n },
      { address: '0xshort', weight: 7n },
    ])
  })

  test('a damaged amount (short, or a non-hex digit) is a StoreError, as fromWord says', () => {
    for (const word of ['ff', `${'0'.repeat(63)}g`, `-${'0'.repeat(62)}1`]) {
      const db = freshDb()
      const d = dao(db, [[a(1), toWord(5n)], [a(2), word]])
      expect(() => balancesAt(db, d)).toThrow(StoreError)
      expect(() => balancesAt(db, d)).toThrow(`Stored amount "${word}"`)
    }
    // One byte short and one byte long in the same range: the lengths add up, the records do not line up.
    const db = freshDb()
    const d = dao(db, [[a(1), '0'.repeat(62)], [a(2), `ff${'0'.repeat(64)}`], [a(3), toWord(1n)]])
    expect(() => balancesAt(db, d)).toThrow(StoreError)
  })

  test('every limb of the word counts; a non-ASCII address reads row by row', () => {
    const db = freshDb()
    const limbs = [1n, 2n ** 64n, 2n ** 128n + 3n, 2n ** 192n + 2n ** 64n - 1n, 2n ** 256n - 1n]
    const d = dao(db, [...limbs.map((w, i): [string, string] => [a(i + 1), toWord(w)]), [`0x${'é'.repeat(40)}`, toWord(9n)]])
    // The odd address sorts after '0xf': its range is the one that is read row by row.
    expect(readWeights(db, { ...BALANCES, params: { dao: d.id } })).toEqual([
      ...limbs.map((weight, i) => ({ address: a(i + 1), weight })),
      { address: `0x${'é'.repeat(40)}`, weight: 9n },
    ])
  })

  test('history: the latest checkpoint at or before the block, per account', () => {
    const db = freshDb()
    const d = dao(db, [])
    const bc = db.prepare(`INSERT INTO balance_checkpoint (dao_id, holder, block_number, log_index, balance) VALUES (?, ?, ?, ?, ?)`)
    const vc = db.prepare(`INSERT INTO vp_checkpoint (dao_id, delegate, block_number, log_index, votes) VALUES (?, ?, ?, ?, ?)`)
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
