/**
 * Where `indexDao` writes: a TokenWriter in a worker thread when it can, so that SQLite
 * inserts rows while the main thread fetches, parses, decodes and derives the next ones.
 * SQLite is the larger half of the work (bench/ measures both halves).
 *
 * The worker opens its own connection to the same file and runs the ordinary
 * TokenWriter: raw rows go into an open transaction as they arrive, and each commit adds
 * the derived rows and the cursor and commits, so a transaction still holds exactly one
 * commit's raw rows, derived rows and cursor, in the order the commits were posted. The
 * main thread writes nothing to the token tables while a writer is open; it reads
 * committed balances (TokenState's cache misses) through its own connection, which WAL
 * allows.
 *
 * It runs inline (same thread, same writer) when a worker cannot share the database
 * (in-memory or temporary) or when the compiled worker file is absent (code run from
 * TypeScript sources, as under vitest).
 *
 * Protocol (main -> worker): `events` (a packed batch, with the governor events of the
 * same answer as plain objects in the joint pass) and `checkpoints` (a chunk of derived
 * rows), each answered by `wrote` once inserted; `commit` (the delegations, the governors
 * whose tallies and cursors to write, and the cursor; answered by `committed`); `close` (rolls back anything after the last commit; answered by `closed`,
 * then the thread ends). A failure is answered by `error`, after which the worker only
 * waits for `close`. Typed arrays are transferred, not copied. Flow control: at most
 * MAX_ROWS_QUEUED rows are posted and unwritten; the rest waits on the main thread, which
 * itself stops (in `events`) when MAX_ROWS_WAITING event rows wait.
 */
import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { Db } from '../store/db.js'
import { TokenWriter, type CheckpointKind, type CommitEnd, type TokenCommit } from '../store/tokenLedger.js'
import type { GovernorCommit } from '../store/governorLedger.js'
import { StoreError } from '../errors.js'
import { batchBuffers, type CheckpointRows, type TokenBatch } from '../store/tokenRows.js'
import { fromThreadError, type ThreadError } from './threadError.js'

export type WorkerSetup = { file: string; daoId: number; chainId: number; pragmas: string[] }
export type ToWorker =
  | { type: 'events'; batch: TokenBatch; governor?: GovernorCommit }
  | { type: 'checkpoints'; kind: CheckpointKind; rows: CheckpointRows }
  | { type: 'commit'; end: CommitEnd }
  | { type: 'close' }
export type FromWorker = { type: 'wrote'; rows: number } | { type: 'committed' } | { type: 'error'; error: ThreadError } | { type: 'closed' }

export interface LedgerWriter {
  /** Whether the writer runs in a worker thread. */
  readonly threaded: boolean
  /**
   * Write the raw rows of a batch (chain order), and the governor events of the same
   * block range if any, into the open transaction. Resolves at once, or, when the writer
   * is far behind, once it has caught up (waiting rows are memory). Rejects if the writer
   * has failed.
   */
  events(batch: TokenBatch, governor?: GovernorCommit): Promise<void>
  /**
   * Write a commit's derived rows and cursor, then commit; resolves once committed. Calls
   * are written in call order; after a failure every later one rejects with it.
   */
  commit(commit: TokenCommit): Promise<void>
  /** Finish the commits already posted, roll back what came after them, release the thread. */
  close(): Promise<void>
}

export type OpenLedgerWriterParameters = { db: Db; daoId: number; chainId: number }

const WORKER_FILE = new URL('./ledgerWorker.js', import.meta.url)

/**
 * The writer connection's page cache, KiB. Far smaller than the main connection's 200 MB:
 * the writer's rows arrive in key order, so a small cache serves them about as well
 * (bench/: writer CPU within noise between 16 and 200 MB) and peak RSS is ~200 MB lower.
 */
const WRITER_CACHE_KIB = 16 * 1024

/** Rows (events or checkpoints) posted to the writer thread and not yet inserted, beyond which posting waits. */
const MAX_ROWS_QUEUED = 65_536
/** Event rows waiting to be posted, beyond which `events` makes the main thread wait. */
const MAX_ROWS_WAITING = 50_000

export function openLedgerWriter({ db, daoId, chainId }: OpenLedgerWriterParameters): LedgerWriter {
  const shareable = !db.memory && db.name !== '' && fs.existsSync(fileURLToPath(WORKER_FILE))
  if (!shareable) return new InlineWriter(new TokenWriter(db, daoId, chainId))
  // The same durability and behaviour as the main connection; only the cache differs.
  const mirrored = ['synchronous', 'foreign_keys', 'temp_store', 'busy_timeout']
  return new ThreadedWriter({
    file: db.name,
    daoId,
    chainId,
    pragmas: [...mirrored.map((name) => `${name} = ${String(db.pragma(name, { simple: true }))}`), `cache_size = -${WRITER_CACHE_KIB}`],
  })
}

class InlineWriter implements LedgerWriter {
  readonly threaded = false
  private error: unknown

  constructor(private readonly writer: TokenWriter) {}

  /** Run `write` unless a previous call failed; a failure is kept for every later call. */
  private guard<T>(write: () => T): Promise<T> {
    if (this.error !== undefined) return Promise.reject(this.error)
    try {
      return Promise.resolve(write())
    } catch (e) {
      this.error = e
      return Promise.reject(e)
    }
  }

  events(batch: TokenBatch, governor?: GovernorCommit): Promise<void> {
    return this.guard(() => this.writer.writeEvents(batch, governor))
  }

  commit(commit: TokenCommit): Promise<void> {
    return this.guard(() => this.writer.writeCommit(commit))
  }

  close(): Promise<void> {
    this.writer.rollback()
    return Promise.resolve()
  }
}

/** A message for the worker with the rows it carries and the buffers it transfers. */
type Outgoing = { message: ToWorker; rows: number; transfer: ArrayBuffer[] }

class ThreadedWriter implements LedgerWriter {
  readonly threaded = true
  private readonly worker: Worker
  /**
   * What is not posted yet, in order: an events batch, or a commit whose derived rows are
   * built chunk by chunk as they are posted. The worker is kept fed (while fewer than
   * MAX_ROWS_QUEUED rows are queued there) and the main thread goes on preparing the next
   * batch meanwhile; `events` only makes it wait when MAX_ROWS_WAITING event rows pile up.
   */
  private readonly outbox: Iterator<Outgoing>[] = []
  private waitingRows = 0 // event rows in the outbox
  private queued = 0 // rows posted and not yet written
  private roomForMore: { promise: Promise<void>; resolve: () => void; reject: (e: Error) => void } | undefined
  /** Commits not yet answered, oldest first. */
  private readonly waiting: { resolve: () => void; reject: (e: Error) => void }[] = []
  private error: Error | undefined
  private closing = false
  private readonly exited: Promise<void>

  constructor(setup: WorkerSetup) {
    this.worker = new Worker(WORKER_FILE, { workerData: setup })
    this.worker.on('message', (m: FromWorker) => {
      if (m.type === 'wrote') {
        this.queued -= m.rows
        this.pump()
      } else if (m.type === 'committed') this.waiting.shift()?.resolve()
      else if (m.type === 'error') this.fail(fromThreadError(m.error))
    })
    this.worker.on('error', (e) => this.fail(e))
    this.exited = new Promise((resolve) =>
      this.worker.once('exit', (code) => {
        if (!this.closing || this.waiting.length > 0)
          this.fail(new StoreError(`The index writer thread stopped unexpectedly (exit code ${code}); nothing after the last commit was written.`))
        resolve()
      }),
    )
  }

  private fail(e: Error): void {
    this.error ??= e
    this.outbox.length = 0
    for (const w of this.waiting.splice(0)) w.reject(this.error)
    this.roomForMore?.reject(this.error)
    this.roomForMore = undefined
  }

  /** Post from the outbox while the worker's queue has room. */
  private pump(): void {
    while (this.outbox.length > 0 && this.queued <= MAX_ROWS_QUEUED && !this.error) {
      const next = this.outbox[0]!.next()
      if (next.done) {
        this.outbox.shift()
        continue
      }
      const { message, rows, transfer } = next.value
      if (message.type === 'events') this.waitingRows -= rows
      this.queued += rows
      this.worker.postMessage(message, transfer)
    }
    if (this.roomForMore && this.waitingRows <= MAX_ROWS_WAITING) {
      this.roomForMore.resolve()
      this.roomForMore = undefined
    }
  }

  events(batch: TokenBatch, governor?: GovernorCommit): Promise<void> {
    if (this.error) return Promise.reject(this.error)
    const rows = batch.count + (governor?.events.length ?? 0)
    const message: ToWorker = { type: 'events', batch, ...(governor ? { governor } : {}) }
    this.outbox.push([{ message, rows, transfer: batchBuffers(batch) } as Outgoing][Symbol.iterator]())
    this.waitingRows += rows
    this.pump()
    if (this.waitingRows <= MAX_ROWS_WAITING) return Promise.resolve()
    if (!this.roomForMore) {
      let resolve!: () => void
      let reject!: (e: Error) => void
      const promise = new Promise<void>((res, rej) => ((resolve = res), (reject = rej)))
      this.roomForMore = { promise, resolve, reject }
    }
    return this.roomForMore.promise
  }

  commit({ balances, votes, ...end }: TokenCommit): Promise<void> {
    if (this.error) return Promise.reject(this.error)
    const committed = new Promise<void>((resolve, reject) => this.waiting.push({ resolve, reject }))
    this.outbox.push(
      (function* messages(): Generator<Outgoing> {
        for (const rows of balances) yield { message: { type: 'checkpoints', kind: 'balances', rows }, rows: rows.count, transfer: checkpointBuffers(rows) }
        for (const rows of votes) yield { message: { type: 'checkpoints', kind: 'votes', rows }, rows: rows.count, transfer: checkpointBuffers(rows) }
        yield { message: { type: 'commit', end }, rows: 0, transfer: [] }
      })(),
    )
    this.pump()
    return committed
  }

  async close(): Promise<void> {
    if (!this.closing) {
      this.closing = true
      this.outbox.length = 0 // not posted: after the last posted commit, so rolled back anyway
      const message: ToWorker = { type: 'close' }
      this.worker.postMessage(message)
    }
    await this.exited
  }
}

function checkpointBuffers(rows: CheckpointRows): ArrayBuffer[] {
  return [rows.blockNumber.buffer, rows.logIndex.buffer, rows.last.buffer] as ArrayBuffer[]
}
