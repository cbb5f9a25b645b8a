/**
 * Reading a whole population of (address, amount word) rows — a million holders — fast.
 *
 * Asking better-sqlite3 for one row object per holder costs seconds at that size (a row
 * object and two strings per row, most of it garbage-collector work), and so does
 * building a `{ address, weight }` object and a bigint per holder (~0.5 s for a million).
 * Instead the rows come back as a few blobs of fixed-width records, the address (42 ASCII
 * bytes: `0x` and lowercase hex) followed by the amount (32 big-endian bytes), and stay
 * that way: `readPackedWeights` returns them as one buffer that the analysis reads by
 * index (`packedPopulation` in src/analysis/population.ts). SQL makes the records from
 * either storage (`stored`): the token tables' bytes (hex of the address, the amount as
 * it is) or imported holders' text (the address as it is, `unhex` of the amount). Zero
 * amounts are left out by SQL. The blobs are cut by the address's first hex digit (16
 * ranges that together cover every value, so nothing is missed whatever is stored): each
 * is a sixteenth of the population (SQLite's 1 GB blob limit would be met past ~200
 * million holders).
 *
 * All ranges are read from one state of the file: in one transaction on the calling
 * connection, or — for a large population outside a transaction — the last ranges on a
 * worker thread's own connection while the caller reads the first, checked by
 * `PRAGMA data_version` (unchanged before and after: nobody committed in between) and
 * otherwise read again in one transaction.
 *
 * Every record must start with `0x` where the fixed width puts it, and each blob must hold
 * exactly one record per row: an address of another length, or an amount that is not 32
 * bytes (stored so, or `unhex` of text that is not 64 hex digits: another length, or NULL
 * for a non-hex digit, which drops the record), shifts or shortens a blob, and then the
 * population is read again row by row, which throws the StoreError a damaged address or
 * amount deserves.
 */
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads'
import type { Db } from './db.js'
import { fromWord } from './amount.js'
import { StoreError } from '../errors.js'
import { asPopulation, type PackedRecords } from '../analysis/population.js'

export type WeightRow = { address: string; weight: bigint }

export type ReadWeightsParameters = {
  /**
   * A SELECT returning columns `a` (address) and `w` (amount) in address order for the
   * rows whose account column satisfies `range` (an SQL condition).
   */
  rows: (range: string) => string
  /** The account column `range` is a condition on. */
  account: string
  params: Record<string, string | number>
  /**
   * How `a` and `w` are stored: 'hex', 0x text and 64 hex digits (imported holders);
   * 'bytes', 20 and 32 bytes (the token tables, schema v5). Default 'hex'.
   */
  stored?: 'hex' | 'bytes'
}

const ZERO_WORD = '0'.repeat(64)
const ADDRESS = 42
const WORD = 32
const RECORD = ADDRESS + WORD
const DIGITS = '0123456789abcdef'
/** Populations of about this size and more are read on two threads (below it a thread's start-up costs more than it saves). */
const PARALLEL_ROWS = 200_000
/** Ranges read on the calling thread; the other thread, which starts ~60 ms later, takes the rest. */
const MINE = 10
const WORKER_FILE = new URL('./readWeightsWorker.js', import.meta.url)
/** How long the caller waits for the thread, as a multiple of its own share's time (then reads that share itself). */
const PATIENCE = 5

type Params = ReadWeightsParameters['params']
export type Chunk = { records: Uint8Array | null; n: number }
export type RangeQuery = { sql: string; params: Params }
export type RangeReply = { ok: true; chunks: Chunk[] } | { ok: false }
export type ReadWorkerSetup = { file: string; mmapSize: number; queries: RangeQuery[]; port: MessagePort; done: SharedArrayBuffer }

/** Every row with a non-zero amount, in address order, packed; or as rows when some record has another shape. */
export function readPackedWeights(db: Db, { rows, account, params, stored = 'hex' }: ReadWeightsParameters): PackedRecords | WeightRow[] {
  const bytes = stored === 'bytes'
  // Ranges by the first hex digit: below '0x1', then [0xd, 0xd+1), then from '0xf' on (as
  // bytes: below X'10', [X'd0', X'(d+1)0'), from X'f0' on). Bounds are literals in the SQL.
  const bound = (d: number) => (bytes ? `X'${DIGITS[d]}0'` : `'0x${DIGITS[d]}'`)
  const ranges = Array.from(DIGITS, (_, d): RangeQuery => {
    const conditions: string[] = []
    if (d > 0) conditions.push(`${account} >= ${bound(d)}`)
    if (d < 15) conditions.push(`${account} < ${bound(d + 1)}`)
    return { sql: rows(conditions.join(' AND ')), params }
  })
  // As a BLOB: bytes copied as they are instead of decoded as UTF-8. In address order: SQLite
  // keeps the subquery's ORDER BY for group_concat (an `ORDER BY a` inside the aggregate
  // would sort again, doubling the time); the tests compare with an ordered plain query.
  const record = bytes ? `CAST('0x' || lower(hex(a)) AS BLOB) || w` : `a || unhex(w)`
  const nonZero = bytes ? `w != zeroblob(${WORD})` : `w != '${ZERO_WORD}'`
  const queries = ranges.map(({ sql, params }) => ({
    sql: `SELECT CAST(group_concat(${record}, '') FILTER (WHERE ${nonZero}) AS BLOB) AS records,
                 count(*) FILTER (WHERE ${nonZero}) AS n
          FROM (${sql})`,
    params,
  }))
  // The caller's transaction is a state the thread's connection cannot share.
  const threaded = !db.inTransaction && !db.memory && fs.existsSync(fileURLToPath(WORKER_FILE))
  const version = dataVersion(db)
  let chunks = threaded ? readRanges(db, queries, true) : inOneState(db, () => readRanges(db, queries, false))
  if (threaded && dataVersion(db) !== version) chunks = inOneState(db, () => readRanges(db, queries, false))
  return chunks.every((c) => wellFormed(c.records, c.n, !bytes)) ? pack(chunks) : inOneState(db, () => readRows(db, ranges, bytes))
}

/** `read` in one transaction: every statement sees one state of the file (a savepoint inside the caller's transaction). */
const inOneState = <T>(db: Db, read: () => T): T => db.transaction(read)()

/** Every row with a non-zero amount, in address order, as objects. */
export function readWeights(db: Db, p: ReadWeightsParameters): WeightRow[] {
  const read = readPackedWeights(db, p)
  if (Array.isArray(read)) return read
  const population = asPopulation(read)
  return Array.from({ length: population.size }, (_, i) => population.entry(i))
}

const dataVersion = (db: Db) => db.pragma('data_version', { simple: true }) as number

/** The chunks of every range, in range order: the last ones on a second thread when asked and the population is large. */
function readRanges(db: Db, queries: RangeQuery[], threaded: boolean): Chunk[] {
  const run = (q: RangeQuery) => db.prepare(q.sql).get(q.params) as Chunk
  const first = run(queries[0]!)
  if (!threaded || first.n * queries.length < PARALLEL_ROWS) return [first, ...queries.slice(1).map(run)]
  // The same memory map as this connection's (openDb's): reading through it is what makes the ranges fast.
  const theirs = startRead({ file: db.name, mmapSize: db.pragma('mmap_size', { simple: true }) as number }, queries.slice(MINE))
  const started = performance.now()
  const mine = [first, ...queries.slice(1, MINE).map(run)]
  const reply = theirs(Math.max(1000, PATIENCE * (performance.now() - started)))
  // A thread that could not read (or not in time): the same queries run here fail the same way, or succeed.
  return [...mine, ...(reply.ok ? reply.chunks : queries.slice(MINE).map(run))]
}

/**
 * Starts a thread on `queries`; the returned function blocks until its reply is in, or
 * `timeoutMs` passed (a thread that could not even start or was killed answers `ok: false`).
 */
function startRead(file: Pick<ReadWorkerSetup, 'file' | 'mmapSize'>, queries: RangeQuery[]): (timeoutMs: number) => RangeReply {
  const done = new SharedArrayBuffer(4)
  const { port1, port2 } = new MessageChannel()
  const setup: ReadWorkerSetup = { ...file, queries, port: port2, done }
  let worker: Worker
  try {
    worker = new Worker(WORKER_FILE, { workerData: setup, transferList: [port2] })
  } catch {
    port1.close()
    return () => ({ ok: false })
  }
  worker.unref()
  return (timeoutMs) => {
    // The thread sets the flag whatever happens to its work; only a killed thread would not.
    const answered = Atomics.wait(new Int32Array(done), 0, 0, timeoutMs) !== 'timed-out'
    const reply = answered ? (receiveMessageOnPort(port1)?.message as RangeReply | undefined) : undefined
    port1.close()
    if (!answered) void worker.terminate()
    return reply ?? { ok: false }
  }
}

/**
 * One record per row, each starting with `0x`. Text addresses (imported holders) must also
 * be lowercase hex: one of 42 bytes that is not (`0x` and 20 two-byte characters) would
 * otherwise pass. Addresses made by `hex()` from bytes are hex by construction.
 */
function wellFormed(records: Uint8Array | null, n: number, text: boolean): boolean {
  if ((records?.length ?? 0) !== n * RECORD) return false
  for (let o = 0; o < n * RECORD; o += RECORD) {
    if (records![o] !== 48 || records![o + 1] !== 120) return false // '0x'
    if (text) for (let i = o + 2; i < o + ADDRESS; i++) if (!isHexDigit(records![i]!)) return false
  }
  return true
}

/** '0'-'9' or 'a'-'f'. */
const isHexDigit = (c: number) => (c >= 48 && c <= 57) || (c >= 97 && c <= 102)

function pack(chunks: Chunk[]): PackedRecords {
  let size = 0
  for (const c of chunks) size += c.n
  const bytes = Buffer.allocUnsafe(size * RECORD) // every byte is written below
  let o = 0
  for (const c of chunks)
    if (c.records) {
      bytes.set(c.records, o)
      o += c.records.length
    }
  return { bytes, size, stride: RECORD, wordOffset: ADDRESS, address: (i) => bytes.toString('latin1', i * RECORD, i * RECORD + ADDRESS) }
}

/**
 * The same rows one object each: slow, for a population with a record of another shape,
 * which can only be damage (both stores hold 20-byte addresses, checked when written), so
 * it ends in a StoreError saying which value is wrong.
 */
function readRows(db: Db, ranges: RangeQuery[], bytes: boolean): WeightRow[] {
  const out: WeightRow[] = []
  for (const { sql, params } of ranges)
    for (const r of db.prepare(sql).all(params) as { a: unknown; w: unknown }[]) {
      const word = bytes ? hexOf(r.w) : String(r.w)
      if (word === ZERO_WORD) continue // out of the population, as in the packed read
      const address = bytes ? `0x${hexOf(r.a)}` : String(r.a)
      if (!ADDRESS_TEXT.test(address)) throw new StoreError(`Stored address ${JSON.stringify(address)} is not a 20-byte address: the database is damaged.`)
      out.push({ address, weight: fromWord(word) })
    }
  return out
}

const ADDRESS_TEXT = /^0x[0-9a-f]{40}$/

/** A stored byte column as hex digits (anything else as its text, which the checks then refuse). */
const hexOf = (v: unknown): string => (Buffer.isBuffer(v) ? v.toString('hex') : String(v))
