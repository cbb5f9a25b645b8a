/**
 * `snapshot_delegation`: DelegateRegistry events (migration v4), and "who delegated to whom
 * for this space at block B".
 */
import type { Db } from './db.js'
import { getCursor, setCursor } from './daos.js'
import type { DelegationEvent } from '../sources/snapshot/delegateRegistry.js'

export const delegationStream = (registry: string, space: string) => `snapshot-delegation:${registry.toLowerCase()}:${space}`

/** Insert events (idempotent on the natural key) and advance the stream's cursor: one transaction. */
export function writeDelegations(db: Db, p: { daoId: number; stream: string; events: readonly DelegationEvent[]; toBlock: number }): void {
  const insert = db.prepare(
    `INSERT INTO snapshot_delegation (dao_id, block_number, log_index, tx_index, tx_hash, registry, event, delegator, id, delegate)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  )
  db.transaction(() => {
    for (const e of p.events) insert.run(p.daoId, e.blockNumber, e.logIndex, e.txIndex, e.txHash, e.registry, e.event, e.delegator, e.id, e.delegate)
    setCursor(db, p.daoId, p.stream, p.toBlock)
  })()
}

export const delegationCursor = (db: Db, daoId: number, stream: string): number | null => getCursor(db, daoId, stream)

export type SnapshotDelegation = {
  delegator: string
  delegate: string
  /** 'space': set for this space's id; 'global': the all-spaces id (a space delegation wins over it). */
  scope: 'space' | 'global'
}

/**
 * Delegations in force at the end of `blockNumber` for the space (`spaceId`) or globally
 * (zero id): per delegator and id, the last event at or before the block — SetDelegate
 * makes it the delegate, ClearDelegate removes it. A space delegation overrides a global
 * one, as Snapshot's delegation strategy reads them. Sorted by delegator.
 */
export function delegationsAt(db: Db, p: { daoId: number; registry: string; spaceId: string; globalId: string; blockNumber: number }): SnapshotDelegation[] {
  const rows = db
    .prepare(
      `SELECT event, delegator, id, delegate FROM snapshot_delegation
       WHERE dao_id = ? AND registry = ? AND id IN (?, ?) AND block_number <= ?
       ORDER BY block_number, log_index`,
    )
    .all(p.daoId, p.registry.toLowerCase(), p.spaceId, p.globalId, p.blockNumber) as { event: string; delegator: string; id: string; delegate: string }[]
  const current = new Map<string, string | null>() // `${id}|${delegator}` -> delegate
  for (const r of rows) current.set(`${r.id}|${r.delegator}`, r.event === 'SetDelegate' ? r.delegate : null)
  const out = new Map<string, SnapshotDelegation>()
  for (const [key, delegate] of current) {
    if (delegate === null) continue
    const [id, delegator] = key.split('|') as [string, string]
    const scope = id === p.spaceId ? 'space' : 'global'
    const have = out.get(delegator)
    if (!have || (have.scope === 'global' && scope === 'space')) out.set(delegator, { delegator, delegate, scope })
  }
  return [...out.values()].sort((a, b) => (a.delegator < b.delegator ? -1 : a.delegator > b.delegator ? 1 : 0))
}
