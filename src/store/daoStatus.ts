/** What `govaudit list` shows: each DAO with its cursor, block time and event counts. */
import type { Db } from './db.js'
import { getCursor, listDaos, type Dao } from './daos.js'
import { getBlock } from './blocks.js'
import { TOKEN_STREAM } from './tokenLedger.js'
import { tokenCounts, type TokenCounts } from './tokenQueries.js'

export type DaoStatus = Dao & { tokenCursor: number | null; tokenCursorTime: number | null; counts: TokenCounts }

export function listDaoStatus(db: Db): DaoStatus[] {
  return listDaos(db).map((dao) => {
    const tokenCursor = getCursor(db, dao.id, TOKEN_STREAM)
    const block = tokenCursor === null ? undefined : getBlock(db, dao.chainId, tokenCursor)
    return { ...dao, tokenCursor, tokenCursorTime: block?.timestamp ?? null, counts: tokenCounts(db, dao) }
  })
}
