/**
 * Worker thread entry: a TokenWriter on its own SQLite connection to the indexer's file.
 * Messages are handled strictly in the order they were posted, so rows and commits land
 * in chain order; see ledgerWriter.ts for the protocol.
 */
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { TokenWriter } from '../store/tokenLedger.js'
import { toThreadError } from './threadError.js'
import type { FromWorker, ToWorker, WorkerSetup } from './ledgerWriter.js'

const setup = workerData as WorkerSetup
const port = parentPort!
const send = (m: FromWorker) => port.postMessage(m)

let db: Database.Database | undefined
let writer: TokenWriter | undefined
let failed = false

try {
  db = new Database(setup.file, { fileMustExist: true })
  for (const pragma of setup.pragmas) db.pragma(pragma)
  writer = new TokenWriter(db, setup.daoId, setup.chainId)
} catch (e) {
  failed = true
  send({ type: 'error', error: toThreadError(e) })
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'close') {
    try {
      writer?.rollback()
    } finally {
      db?.close() // also rolls back an open transaction
      send({ type: 'closed' })
      port.close()
    }
    return
  }
  if (failed) return // the host has the error; only `close` matters now
  try {
    switch (m.type) {
      case 'events':
        writer!.writeEvents(m.batch, m.governor)
        send({ type: 'wrote', rows: m.batch.count + (m.governor?.events.length ?? 0) })
        break
      case 'checkpoints':
        writer!.writeCheckpoints(m.kind, m.rows)
        send({ type: 'wrote', rows: m.rows.count })
        break
      case 'commit':
        writer!.commit(m.end)
        send({ type: 'committed' })
        break
    }
  } catch (e) {
    failed = true
    send({ type: 'error', error: toThreadError(e) })
  }
})
