/** What `govaudit list` shows: each DAO with its cursor, block time and event counts. */
import type { Db } from './db.js'
import { getCursor, listDaos, type Dao } from './daos.js'
import { getBlock } from './blocks.js'
import { TOKEN_STREAM } from './tokenLedger.js'
import { tokenCounts, type TokenCounts } from './tokenQueries.js'

/** On-chain governors of a DAO and what they hold. */
export type GovernorCounts = { governors: number; proposals: number; votes: number }
/** Snapshot spaces of a DAO and what they hold; null in DaoStatus when it has none. */
export type SnapshotCounts = { spaces: string[]; proposals: number; votes: number }

export type DaoStatus = Dao & {
  tokenCursor: number | null
  tokenCursorTime: number | null
  counts: TokenCounts
  governors: GovernorCounts
  snapshot: SnapshotCounts | null
}

export function listDaoStatus(db: Db): DaoStatus[] {
  const count = (table: string) => db.prepare(`SELECT count(*) FROM ${table} WHERE dao_id = ?`).pluck()
  const governors = count('governor')
  const proposals = count('proposal')
  const votes = count('vote')
  const spaces = db.prepare(`SELECT space FROM snapshot_space WHERE dao_id = ? ORDER BY space`).pluck()
  const snapshotProposals = count('snapshot_proposal')
  const snapshotVotes = count('snapshot_vote')
  return listDaos(db).map((dao) => {
    const tokenCursor = getCursor(db, dao.id, TOKEN_STREAM)
    const block = tokenCursor === null ? undefined : getBlock(db, dao.chainId, tokenCursor)
    const spaceNames = spaces.all(dao.id) as string[]
    return {
      ...dao,
      tokenCursor,
      tokenCursorTime: block?.timestamp ?? null,
      counts: tokenCounts(db, dao),
      governors: { governors: governors.get(dao.id) as number, proposals: proposals.get(dao.id) as number, votes: votes.get(dao.id) as number },
      snapshot:
        spaceNames.length === 0 ? null : { spaces: spaceNames, proposals: snapshotProposals.get(dao.id) as number, votes: snapshotVotes.get(dao.id) as number },
    }
  })
}
