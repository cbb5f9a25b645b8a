/**
 * Reading a whole population of (address, amount word) rows — a million holders — into
 * `{ address, weight }` fast.
 *
 * Asking better-sqlite3 for one row object per holder costs seconds at that size (a row
 * object and two strings per row, most of it garbage-collector work), and so does
 * `BigInt('0x…')` on a million 64-digit words (~200 ns each). Instead each chunk of rows
 * comes back as ONE blob of fixed-width records, the address (42 ASCII bytes) followed by
 * the amount as SQLite's `unhex` makes it (32 big-endian bytes). Addresses are sliced from
 * it; amounts are read as 64-bit limbs by a DataView (a bigint each, no parsing) and
 * joined with a shift only when they exceed 2^64. Chunks are read by keyset on the
 * address, so no blob grows past a few MB whatever the size.
 *
 * Every record must start with `0x` where the fixed width puts it, and the blob must hold
 * exactly one record per row: a chunk with an address of another length, or an amount
 * that is not 64 hex digits (`unhex` gives another length, or NULL for a non-hex digit,
 * which drops the record), shifts or shortens the blob and is read again row by row
 * through `fromWord`, which throws the StoreError a damaged amount deserves.
 */
import type { Db } from './db.js'
import { fromWord } from './amount.js'

export type WeightRow = { address: string; weight: bigint }

export type ReadWeightsParameters = {
  /**
   * A SELECT returning columns `a` (address) and `w` (64-hex amount) for the addresses
   * greater than `@after`, ORDER BY the address, LIMIT `@limit`; other parameters named.
   */
  rows: string
  params: Record<string, string | number>
  /** Rows per chunk. Default 100,000. */
  chunk?: number
}

const ZERO_WORD = '0'.repeat(64)
const ADDRESS = 42
const WORD = 32
const RECORD = ADDRESS + WORD

/** Every row with a non-zero amount, in address order (zero amounts are left out). */
export function readWeights(db: Db, { rows, params, chunk = 100_000 }: ReadWeightsParameters): WeightRow[] {
  // As a BLOB: bytes copied as they are instead of decoded as UTF-8. (No max(a) for the
  // next chunk's key: SQLite takes ~0.1 s per million rows for it; the last record has it.)
  const packed = db.prepare(`SELECT CAST(group_concat(a || unhex(w), '') AS BLOB) AS records, count(*) AS n FROM (${rows})`)
  const plain = db.prepare(rows)
  const out: WeightRow[] = []
  let after = ''
  for (;;) {
    const bound = { ...params, after, limit: chunk }
    const c = packed.get(bound) as { records: Buffer | null; n: number }
    if (c.n === 0) break
    const start = out.length
    const last = parseRecords(c.records, c.n, out)
    if (last !== null) after = last
    else {
      out.length = start
      const all = plain.all(bound) as { a: string; w: string }[]
      for (const r of all) if (r.w !== ZERO_WORD) out.push({ address: r.a, weight: fromWord(r.w) })
      after = all[all.length - 1]!.a
    }
    if (c.n < chunk) break
  }
  return out
}

/**
 * Appends the non-zero records and returns the last address (the next chunk's key); null
 * (the caller re-reads the chunk) unless all `n` rows have the record shape.
 */
function parseRecords(records: Buffer | null, n: number, out: WeightRow[]): string | null {
  if (records?.length !== n * RECORD) return null
  const text = records.toString('latin1')
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength)
  for (let o = 0; o < records.length; o += RECORD) {
    if (records[o] !== 48 || records[o + 1] !== 120) return null // '0x'
    const w = o + ADDRESS
    let weight: bigint
    // Limbs most significant first; tested for zero as 32-bit numbers (no bigint).
    if ((view.getUint32(w) | view.getUint32(w + 4) | view.getUint32(w + 8) | view.getUint32(w + 12)) !== 0)
      weight =
        (view.getBigUint64(w) << 192n) | (view.getBigUint64(w + 8) << 128n) | (view.getBigUint64(w + 16) << 64n) | view.getBigUint64(w + 24)
    else if ((view.getUint32(w + 16) | view.getUint32(w + 20)) !== 0) weight = (view.getBigUint64(w + 16) << 64n) | view.getBigUint64(w + 24)
    else if ((view.getUint32(w + 24) | view.getUint32(w + 28)) !== 0) weight = view.getBigUint64(w + 24)
    else continue
    out.push({ address: text.slice(o, w), weight })
  }
  return text.slice(-RECORD, -WORD)
}
