/**
 * Reading a whole population of (address, amount word) rows — a million holders — into
 * `{ address, weight }` fast.
 *
 * Asking better-sqlite3 for one row object per holder costs seconds at that size (a row
 * object and two strings per row, most of it garbage-collector work). Instead each chunk
 * of rows comes back as ONE blob of fixed-width ASCII records, `address || '0x' || word`
 * (42 + 66 characters), from which addresses are sliced and weights parsed. Chunks are
 * read by keyset on the address, so no string grows past a few MB whatever the size.
 *
 * A chunk whose records are not all 42-character addresses with 64-digit hex words (a
 * damaged database, or addresses of another shape) is read again row by row through
 * `fromWord`, which throws the StoreError a damaged amount deserves.
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
const RECORD = ADDRESS + 66

/** Every row with a non-zero amount, in address order (zero amounts are left out). */
export function readWeights(db: Db, { rows, params, chunk = 100_000 }: ReadWeightsParameters): WeightRow[] {
  // As a BLOB: bytes copied as they are (latin1 below) instead of decoded as UTF-8.
  const packed = db.prepare(`SELECT CAST(group_concat(a || '0x' || w, '') AS BLOB) AS text, max(a) AS last, count(*) AS n FROM (${rows})`)
  const plain = db.prepare(rows)
  const out: WeightRow[] = []
  let after = ''
  for (;;) {
    const bound = { ...params, after, limit: chunk }
    const c = packed.get(bound) as { text: Buffer | null; last: string | null; n: number }
    if (c.n === 0) break
    const start = out.length
    // Non-ASCII bytes make the length wrong, so such a chunk takes the row-by-row path.
    if (!parseRecords(c.text?.toString('latin1') ?? '', c.n, out)) {
      out.length = start
      for (const r of plain.all(bound) as { a: string; w: string }[])
        if (r.w !== ZERO_WORD) out.push({ address: r.a, weight: fromWord(r.w) })
    }
    if (c.n < chunk) break
    after = c.last!
  }
  return out
}

/** Appends the non-zero records of `text`; false (the caller re-reads the chunk) unless all `n` have the record shape. */
function parseRecords(text: string, n: number, out: WeightRow[]): boolean {
  if (text.length !== n * RECORD) return false
  for (let o = 0; o < text.length; o += RECORD) {
    // '0x' where the word starts: a record of another width would shift it.
    if (text.charCodeAt(o + ADDRESS) !== 48 || text.charCodeAt(o + ADDRESS + 1) !== 120) return false
    if (text.startsWith(ZERO_WORD, o + ADDRESS + 2)) continue
    // A word with a non-hex digit throws here, as fromWord would.
    out.push({ address: text.slice(o, o + ADDRESS), weight: BigInt(text.slice(o + ADDRESS, o + RECORD)) })
  }
  return true
}
