/**
 * Reorg safety (DESIGN.md §4): before a run indexes more of a chain, check that the
 * blocks the store holds for it are still the chain's, and when they are not, roll the
 * store back to the last block that is (src/store/rollback.ts) so that the run re-indexes
 * what was replaced.
 *
 * The store keeps the hash of every block it refers to, among them the last block of
 * every commit (stored in the commit's transaction, with the cursor). Block hashes
 * chain: when the newest stored block still has the chain's hash, nothing below it
 * changed, and one header answers the question. When it differs, the stored blocks are
 * compared newest first until one matches: the fork is after that block (`forkBase`),
 * and everything past it rolls back — more than the replaced blocks when the stored ones
 * are sparse, never less. Stored blocks above the node's head are not compared (the node
 * may be behind); they roll back with the rest when a fork below them is found.
 */
import type { Db } from '../store/db.js'
import { storedBlocksBelow } from '../store/blocks.js'
import { rollbackChain } from '../store/rollback.js'
import { getBlockHeaders, getHead } from '../sources/evm/blocks.js'
import type { RpcClient } from '../sources/evm/types.js'
import { SourceError } from '../errors.js'

/** The stored chain and the node's chain share no stored block, or fork below a DAO's first block: retries cannot fix it. */
export class ReorgError extends SourceError {
  override name = 'ReorgError'
}

export type Reorg = {
  /** The last stored block still on the chain; everything past it was rolled back. */
  forkBase: number
  /** The newest stored block whose hash the chain no longer has. */
  replacedTo: number
  /** DAOs whose rows or cursors rolled back. */
  daos: string[]
}

export type CheckReorgParameters = { db: Db; rpc: RpcClient; chainId: number }

/** Stored blocks compared per header batch after the first (the newest alone). */
const PAGE = 64

/** Detect a reorg of the chain's stored blocks and roll the store back past it; null when the store is on the chain. */
export async function checkReorg({ db, rpc, chainId }: CheckReorgParameters): Promise<Reorg | null> {
  const latest = await getHead(rpc, 0)
  let below = latest + 1
  let replacedTo: number | null = null
  let oldest: number | null = null
  for (let limit = 1; ; limit = PAGE) {
    const stored = storedBlocksBelow(db, chainId, below, limit)
    if (stored.length === 0) break
    const chain = await getBlockHeaders(rpc, stored.map((b) => b.number))
    for (const [i, block] of stored.entries()) {
      if (chain[i]!.hash === block.hash) return replacedTo === null ? null : rollBack(db, chainId, block.number, replacedTo)
      replacedTo ??= block.number
      oldest = block.number
    }
    below = stored.at(-1)!.number
  }
  if (replacedTo === null) return null // nothing stored at or below the node's head
  throw new ReorgError(
    `The chain at ${rpc.label} no longer has any block this database recorded for chain ${chainId} (blocks ${oldest}..${replacedTo} all differ); it is another chain or a reorg deeper than the store reaches: index it into a new database.`,
  )
}

function rollBack(db: Db, chainId: number, forkBase: number, replacedTo: number): Reorg {
  const first = db
    .prepare(`SELECT name, start_block FROM dao WHERE chain_id = ? AND kind = 'indexed' AND start_block > ? ORDER BY start_block LIMIT 1`)
    .get(chainId, forkBase) as { name: string; start_block: number } | undefined
  if (first)
    throw new ReorgError(
      `A reorg replaced blocks after ${forkBase}, before the first block ${first.start_block} of DAO "${first.name}" (its token may no longer be there): index it into a new database.`,
    )
  return { forkBase, replacedTo, ...rollbackChain(db, chainId, forkBase) }
}
