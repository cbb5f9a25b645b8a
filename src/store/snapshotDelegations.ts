/**
 * `snapshot_delegation`: DelegateRegistry events (migration v4), and "who delegated to whom
 * for this space at block B".
 */
import type { Db } from './db.js'
import { setCursor } from './daos.js'
import type { Dao } from './daos.js'
import { GLOBAL_DELEGATION_ID, spaceDelegationId, type DelegationEvent } from '../sources/snapshot/delegateRegistry.js'
import { UsageError } from '../errors.js'

const STREAM_PREFIX = 'snapshot-delegation:'

export const delegationStream = (registry: string, space: string) => `${STREAM_PREFIX}${registry.toLowerCase()}:${space}`

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

/** One indexed (registry, space) pair and the block its events are indexed through. */
export type DelegationStream = { registry: string; space: string; cursor: number }


/** The DAO's indexed delegation streams, by space then registry. */
function delegationStreams(db: Db, daoId: number): DelegationStream[] {
  const rows = db
    .prepare(`SELECT stream, block_number FROM cursor WHERE dao_id = ? AND substr(stream, 1, ?) = ? ORDER BY stream`)
    .all(daoId, STREAM_PREFIX.length, STREAM_PREFIX) as { stream: string; block_number: number }[]
  return rows.map((r) => {
    // `snapshot-delegation:<registry>:<space>`: the registry is an address, so the space is everything after its colon.
    const rest = r.stream.slice(STREAM_PREFIX.length)
    const colon = rest.indexOf(':')
    return { registry: rest.slice(0, colon), space: rest.slice(colon + 1), cursor: r.block_number }
  })
}

export type SnapshotDelegationsQuery = { space?: string; registry?: string; block?: number }

export type SnapshotDelegationsAt = DelegationStream & {
  spaceId: string
  globalId: string
  /** The block the delegations are in force at (default: the stream's cursor). */
  blockNumber: number
  delegations: SnapshotDelegation[]
}

/**
 * "Who delegated to whom for this space at block B", from the one indexed stream the query
 * names (a DAO usually has one space and one registry: then nothing needs naming). A
 * UsageError names the fix when nothing is indexed, the choice is ambiguous, or the block
 * is beyond what is indexed.
 */
export function readSnapshotDelegations(db: Db, dao: Pick<Dao, 'id' | 'name'>, q: SnapshotDelegationsQuery = {}): SnapshotDelegationsAt {
  const all = delegationStreams(db, dao.id)
  if (all.length === 0)
    throw new UsageError(
      `DAO "${dao.name}" has no Snapshot delegations indexed; run \`govaudit index --name ${dao.name} --rpc URL --snapshot SPACE\` on a chain with the DelegateRegistry (or pass --delegate-registry ADDR).`,
    )
  const registry = q.registry?.toLowerCase()
  const matching = all.filter((s) => (q.space === undefined || s.space === q.space) && (registry === undefined || s.registry === registry))
  const known = all.map((s) => `${s.space} (registry ${s.registry})`).join(', ')
  if (matching.length === 0)
    throw new UsageError(`No Snapshot delegations indexed for ${[q.space && `space ${q.space}`, registry && `registry ${registry}`].filter(Boolean).join(' and ')} in DAO "${dao.name}"; indexed: ${known}.`)
  if (matching.length > 1)
    throw new UsageError(`DAO "${dao.name}" has Snapshot delegations indexed for ${known}; pass --snapshot SPACE (and --delegate-registry ADDR) to pick one.`)
  const stream = matching[0]!
  const blockNumber = q.block ?? stream.cursor
  if (blockNumber > stream.cursor)
    throw new UsageError(
      `Snapshot delegations of ${stream.space} are indexed through block ${stream.cursor}; --block ${blockNumber} is beyond it (run \`govaudit index\` again to go further).`,
    )
  const ids = { spaceId: spaceDelegationId(stream.space), globalId: GLOBAL_DELEGATION_ID }
  return { ...stream, ...ids, blockNumber, delegations: delegationsAt(db, { daoId: dao.id, registry: stream.registry, ...ids, blockNumber }) }
}
