/**
 * Worker thread entry for `readPackedWeights`: runs its share of the range queries on its
 * own read-only connection and hands the blobs back through a port, then wakes the main
 * thread, which waits synchronously (see readWeights.ts).
 */
import { workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import type { RangeQuery, RangeReply, ReadWorkerSetup } from './readWeights.js'

const { file, mmapSize, queries, port, done } = workerData as ReadWorkerSetup
let reply: RangeReply
try {
  const db = new Database(file, { readonly: true, fileMustExist: true })
  try {
    db.pragma(`mmap_size = ${mmapSize}`)
    reply = { ok: true, chunks: queries.map((q: RangeQuery) => db.prepare(q.sql).get(q.params) as { records: Uint8Array | null; n: number }) }
  } finally {
    db.close()
  }
} catch (e) {
  reply = { ok: false, message: e instanceof Error ? e.message : String(e) }
}
// Moved, not copied (a Set: two small blobs may share one ArrayBuffer).
const transfer = reply.ok ? [...new Set(reply.chunks.flatMap((c) => (c.records ? [c.records.buffer as ArrayBuffer] : [])))] : []
port.postMessage(reply, transfer)
const flag = new Int32Array(done)
Atomics.store(flag, 0, 1)
Atomics.notify(flag, 0)
