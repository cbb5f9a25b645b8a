/**
 * The two-thread population read (a worker thread reads the last ranges on its own
 * connection) must give exactly what the rows say, and fall back to the row-by-row path
 * (with its StoreError) when the damage is in the worker's half. The worker needs
 * compiled JavaScript: `npm test` builds dist/ first, as indexDao's threaded test does.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { ROOT } from '../cli/harness.js'
import { freshDir } from '../helpers/freshDb.js'
import { mulberry32 } from '../../src/analysis/mulberry32.js'
import type { openDb as OpenDb, Db } from '../../src/store/db.js'
import type { readWeights as ReadWeights, readPackedWeights as ReadPackedWeights } from '../../src/store/readWeights.js'
import { StoreError } from '../../src/errors.js'

const DIST = path.join(ROOT, 'dist')
const built = fs.existsSync(path.join(DIST, 'store/readWeightsWorker.js'))
// Above the size from which the read uses a second thread (PARALLEL_ROWS).
const HOLDERS = 260_000

type Dist = { openDb: typeof OpenDb; readWeights: typeof ReadWeights; readPackedWeights: typeof ReadPackedWeights }

const BALANCES = {
  rows: (range: string) => `SELECT holder AS a, balance AS w FROM balance WHERE dao_id = @dao AND ${range} ORDER BY holder`,
  account: 'holder',
  params: { dao: 1 },
  stored: 'bytes' as const,
}

/** HOLDERS balances over every first hex digit, one in 50 zero, amounts of every width. */
function populate(db: Db): void {
  const next = mulberry32(7) // uint32s
  const hex = (digits: number) => Array.from({ length: digits }, () => (next() & 15).toString(16)).join('')
  db.prepare(`INSERT INTO dao (id, name, chain_id, token, token_standard, start_block, created_at) VALUES (1, 'd', 1, '0x${'1'.repeat(40)}', 'erc20', 1, '2026-01-01')`).run()
  const put = db.prepare(`INSERT OR IGNORE INTO balance (dao_id, holder, balance) VALUES (1, unhex(substr(?, 3)), unhex(?))`)
  db.transaction(() => {
    for (let i = 0; i < HOLDERS; i++) {
      const width = 1 + (next() % 64)
      const amount = i % 50 === 0 ? '0'.repeat(64) : hex(width).padStart(64, '0')
      put.run(`0x${hex(40)}`, amount)
    }
  })()
}

/** The first entry where two long lists differ (a diff of 250,000 entries would take minutes to print). */
function firstDifference(got: readonly { address: string; weight: bigint }[], want: readonly { address: string; weight: bigint }[]) {
  for (let i = 0; i < Math.max(got.length, want.length); i++)
    if (got[i]?.address !== want[i]?.address || got[i]?.weight !== want[i]?.weight) return { index: i, got: got[i], want: want[i] }
  return null
}

/** What the rows say, one by one: non-zero amounts, address order. */
const plain = (db: Db) =>
  (db.prepare(`SELECT '0x' || lower(hex(holder)) AS a, lower(hex(balance)) AS w FROM balance WHERE dao_id = 1 ORDER BY holder`).all() as { a: string; w: string }[])
    .filter((r) => r.w !== '0'.repeat(64))
    .map((r) => ({ address: r.a, weight: BigInt(`0x${r.w}`) }))

describe.skipIf(!built)('readPackedWeights on two threads (dist/)', () => {
  test('equals the rows; damage in the worker\'s ranges still takes the row-by-row path', async () => {
    const dist: Dist = {
      ...((await import(path.join(DIST, 'store/db.js'))) as Pick<Dist, 'openDb'>),
      ...((await import(path.join(DIST, 'store/readWeights.js'))) as Omit<Dist, 'openDb'>),
    }
    const db = dist.openDb({ path: path.join(freshDir(), 'g.db'), create: true })
    try {
      populate(db)
      const expected = plain(db)
      expect(expected.length).toBeGreaterThan(HOLDERS * 0.9)
      const packed = dist.readPackedWeights(db, BALANCES)
      expect(Array.isArray(packed)).toBe(false)
      expect(firstDifference(dist.readWeights(db, BALANCES), expected)).toBeNull()
      // Inside the caller's transaction (a state another connection cannot share): one thread, the same rows.
      expect(firstDifference(db.transaction(() => dist.readWeights(db, BALANCES))(), expected)).toBeNull()

      // An address of another length among the worker's ranges (0xa.. on): the row-by-row read names it.
      db.prepare(`INSERT INTO balance (dao_id, holder, balance) VALUES (1, X'eeee', unhex(?))`).run('0'.repeat(63) + '7')
      expect(() => dist.readWeights(db, BALANCES)).toThrow('Stored address "0xeeee" is not a 20-byte address')

      // A damaged amount there (a byte short) on a 20-byte address: the StoreError that names it, from whichever thread found it.
      db.prepare(`UPDATE balance SET holder = unhex(?), balance = unhex(?) WHERE holder = X'eeee'`).run('ee'.repeat(20), '0'.repeat(62))
      expect(() => dist.readWeights(db, BALANCES)).toThrow(`Stored amount "${'0'.repeat(62)}"`)
      // (Loaded from dist/, so its own StoreError class: compared by name.)
      expect(() => dist.readWeights(db, BALANCES)).toThrow(expect.objectContaining({ name: StoreError.name }))
    } finally {
      db.close()
    }
  })
})
