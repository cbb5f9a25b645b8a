/** indexDao against the loopback node (logServer.ts), as the sync tests run it. */
import type { Db } from '../../src/store/db.js'
import { createRpcClient } from '../../src/sources/evm/rpc.js'
import type { IndexDaoParameters } from '../../src/sync/indexDao.js'

/** Parameters for the DAO named 'sim' of `token` at `url`: no confirmations (the node's head is final), 3 requests in flight. */
export function loopbackIndex(db: Db, url: string, token: string, extra: Partial<IndexDaoParameters> = {}): IndexDaoParameters {
  return { db, rpc: createRpcClient({ url }), token, name: 'sim', confirmations: 0, concurrency: 3, ...extra }
}
