/**
 * `govaudit scan`: index many DAOs at once (p-limit), each into its OWN database file,
 * then measure each on its own connection. A DAO that fails is recorded with its exit
 * code and one-sentence reason; the others carry on.
 *
 * Why one file per DAO and not one shared file: `indexDao` keeps a write transaction open
 * across its fetches (one transaction per commit, rows written as they arrive, in a
 * worker thread). A second DAO writing the same file from the main thread (its DAO row,
 * its governor batches) would wait on SQLite's lock synchronously, on the very thread
 * whose fetches the first DAO needs to finish its transaction: a deadlock until
 * busy_timeout, then SQLITE_BUSY. Separate files share no lock, so RPC fetching and
 * writing overlap across DAOs freely.
 */
import path from 'node:path'
import pLimit from 'p-limit'
import { openDb, type Db } from '../store/db.js'
import type { Dao } from '../store/daos.js'
import { createRpcClient } from '../sources/evm/rpc.js'
import { redact } from '../sources/evm/redact.js'
import type { ScanDaoConfig } from '../config/scanConfig.js'
import { GovauditError, EXIT, exitCodeOf } from '../errors.js'
import type { IndexProgress } from './indexDao.js'
import { prepareIndex, runIndex, type RunIndexResult } from './runIndex.js'
import type { Reorg } from './reorg.js'

/** Exit code of a DAO whose indexing Ctrl-C cut short (or never began). */
const INTERRUPTED = 130

export type ScanFailure = { code: number; message: string }

export type ScanOutcome<M> = {
  name: string
  /** The DAO's database file; null when the DAO failed before it was opened. */
  database: string | null
  /** Null when the DAO failed before its chain was read. */
  chainId: number | null
  /** The measures, or null when the DAO failed. */
  measured: M | null
  error: ScanFailure | null
}

export type ScanEvent =
  | { type: 'start'; name: string; fromBlock: number; toBlock: number; resumedFrom: number | null }
  | { type: 'progress'; name: string; progress: IndexProgress }
  | { type: 'phase'; name: string; text: string }
  | { type: 'reorg'; name: string; reorg: Reorg }
  | { type: 'indexed'; name: string; result: RunIndexResult }
  | { type: 'failed'; name: string; error: ScanFailure }

export type ScanDaosParameters<M> = {
  daos: readonly ScanDaoConfig[]
  /** Folder of the per-DAO database files (`<name>.db`); it must exist. */
  dbDir: string
  /** DAOs indexed at once. */
  concurrency: number
  /** eth_getLogs requests in flight per DAO. */
  requests: number
  rpcTimeoutMs: number
  snapshotHub?: string
  snapshotApiKey?: string
  shouldStop?: () => boolean
  onEvent?: (event: ScanEvent) => void
  /** Measure one indexed DAO on its open database (the CLI's composition of the metrics). */
  measure: (db: Db, dao: Dao) => M
}

/** Every DAO's outcome, in config order. */
export async function scanDaos<M>(p: ScanDaosParameters<M>): Promise<ScanOutcome<M>[]> {
  const limit = pLimit(p.concurrency)
  return Promise.all(p.daos.map((dao) => limit(() => scanOne(dao, p))))
}

const databaseFile = (dbDir: string, name: string): string => path.join(dbDir, `${name}.db`)

async function scanOne<M>(dao: ScanDaoConfig, p: ScanDaosParameters<M>): Promise<ScanOutcome<M>> {
  const outcome: ScanOutcome<M> = { name: dao.name, database: null, chainId: null, measured: null, error: null }
  const fail = (error: ScanFailure) => {
    p.onEvent?.({ type: 'failed', name: dao.name, error })
    return { ...outcome, error }
  }
  if (p.shouldStop?.()) return fail({ code: INTERRUPTED, message: 'Interrupted before this DAO was started; run the scan again.' })
  let db: Db | undefined
  try {
    const rpc = createRpcClient({ url: dao.rpcUrl, timeoutMs: p.rpcTimeoutMs })
    const prepared = await prepareIndex(rpc, dao.target)
    outcome.chainId = prepared.chainId
    const file = databaseFile(p.dbDir, dao.name)
    db = openDb({ path: file, create: true })
    outcome.database = file
    const name = dao.name
    const result = await runIndex({
      db,
      rpc,
      target: dao.target,
      prepared,
      confirmations: dao.confirmations,
      concurrency: p.requests,
      ...(p.snapshotHub ? { snapshotHub: p.snapshotHub } : {}),
      ...(p.snapshotApiKey ? { snapshotApiKey: p.snapshotApiKey } : {}),
      ...(p.shouldStop ? { shouldStop: p.shouldStop } : {}),
      onStart: (s) => p.onEvent?.({ type: 'start', name, fromBlock: s.fromBlock, toBlock: s.toBlock, resumedFrom: s.resumedFrom }),
      onProgress: (progress) => p.onEvent?.({ type: 'progress', name, progress }),
      onPhase: (text) => p.onEvent?.({ type: 'phase', name, text }),
      onReorg: (reorg) => p.onEvent?.({ type: 'reorg', name, reorg }),
    })
    if (result.token.interrupted)
      return fail({
        code: INTERRUPTED,
        message: `Interrupted after block ${result.token.cursor ?? result.token.fromBlock - 1} was committed; run the scan again to resume.`,
      })
    p.onEvent?.({ type: 'indexed', name, result })
    return { ...outcome, measured: p.measure(db, result.token.dao) }
  } catch (error) {
    return fail(scanFailure(error))
  } finally {
    db?.close()
  }
}

/** A DAO's error as the exit code and one sentence `govaudit` would have printed for it alone. */
function scanFailure(error: unknown): ScanFailure {
  if (error instanceof GovauditError) return { code: error.exitCode, message: redact(error.shortMessage) }
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
  const code = exitCodeOf(error)
  return { code, message: redact(code === EXIT.store ? `Database error: ${text}` : `Internal error: ${text} (please report it)`) }
}
