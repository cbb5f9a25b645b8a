/**
 * Worker thread entry for `readPackedWeights`: runs its share of the range queries on its
 * own read-only connection and hands the blobs back through a port, then wakes the main
 * thread, which waits synchronously (see readWeights.ts). The flag is set whatever
 * happens here, so the caller never waits for an answer that cannot come.
 */
import { workerData } from 'node:worker_threads'
import type { Chunk, RangeReply, ReadWorkerSetup } from './readWeights.js'

const { file, mmapSize, queries, port, done } = workerData as ReadWorkerSetup
try {
  let reply: RangeReply = { ok: false }
  try {
    const { default: Database } = await import('better-sqlite3')
    const db = new Database(file, { readonly: true, fileMustExist: true })
    try {
      db.pragma(`mmap_size = ${mmapSize}`)
      reply = { ok: true, chunks: queries.map((q) => db.prepare(q.sql).get(q.params) as Chunk) }
    } finally {
      db.close()
    }
  } catch {
    // The caller reads these ranges itself: the same failure, if it is one, surfaces there with its own error.
  }
  // Moved, not copied (a Set: two small blobs may share one ArrayBuffer).
  const transfer = reply.ok ? [...new Set(reply.chunks.flatMap((c) => (c.records ? [c.records.buffer as ArrayBuffer] : [])))] : []
  port.postMessage(reply, transfer)
} finally {
  const flag = new Int32Array(done)
  Atomics.store(flag, 0, 1)
  Atomics.notify(flag, 0)
}
