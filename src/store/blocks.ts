/** The `block` table: hashes and timestamps of the blocks the store refers to. */
import type { Db } from './db.js'

export type StoredBlock = { number: number; hash: string; timestamp: number }

export function upsertBlock(db: Db, chainId: number, block: StoredBlock): void {
  db.prepare(
    `INSERT INTO block (chain_id, number, hash, timestamp) VALUES (?, ?, ?, ?)
     ON CONFLICT (chain_id, number) DO UPDATE SET hash = excluded.hash, timestamp = excluded.timestamp`,
  ).run(chainId, block.number, block.hash, block.timestamp)
}

export function getBlock(db: Db, chainId: number, number: number): StoredBlock | undefined {
  return db.prepare(`SELECT number, hash, timestamp FROM block WHERE chain_id = ? AND number = ?`).get(chainId, number) as
    | StoredBlock
    | undefined
}

/** Stored blocks of a chain numbered below `below`, newest first (at most `limit`). */
export function storedBlocksBelow(db: Db, chainId: number, below: number, limit: number): StoredBlock[] {
  return db
    .prepare(`SELECT number, hash, timestamp FROM block WHERE chain_id = ? AND number < ? ORDER BY number DESC LIMIT ?`)
    .all(chainId, below, limit) as StoredBlock[]
}
