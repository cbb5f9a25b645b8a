/**
 * The Snapshot tables (migration v4): `snapshot_space` (the per-space cursor),
 * `snapshot_proposal` and `snapshot_vote`, keyed by DAO. Rows and the cursor are written
 * in one transaction: a run that fails leaves the database as it was.
 *
 * `vp`, `scores`, `scores_total` and `quorum` are floats exactly as the hub gave them
 * (SnapshotVp): Snapshot numbers are not exact integers, and are marked as such in outputs.
 */
import type { Db } from './db.js'
import type { HubProposal, HubVote } from '../sources/snapshot/types.js'

export type SnapshotSpaceCursor = {
  space: string
  hub: string
  /** Largest proposal `created` stored; null before any proposal. */
  proposalsCreated: number | null
  /** Unix seconds of the last successful run. */
  indexedAt: number
}

export function getSnapshotSpace(db: Db, daoId: number, space: string): SnapshotSpaceCursor | undefined {
  const row = db
    .prepare(`SELECT space, hub, proposals_created, indexed_at FROM snapshot_space WHERE dao_id = ? AND space = ?`)
    .get(daoId, space) as { space: string; hub: string; proposals_created: number | null; indexed_at: number } | undefined
  return row && { space: row.space, hub: row.hub, proposalsCreated: row.proposals_created, indexedAt: row.indexed_at }
}

/** Ids of the space's stored proposals that were not closed at the last run. */
export function openSnapshotProposalIds(db: Db, daoId: number, space: string): string[] {
  return db
    .prepare(`SELECT id FROM snapshot_proposal WHERE dao_id = ? AND space = ? AND state <> 'closed' ORDER BY created, id`)
    .pluck()
    .all(daoId, space) as string[]
}

export type WriteSnapshotBatchParameters = {
  daoId: number
  space: string
  /** The hub's redacted label. */
  hub: string
  /** Proposals to insert or update. */
  proposals: readonly HubProposal[]
  /** Per proposal, its complete votes: stored votes of these proposals are replaced. */
  votes: ReadonlyMap<string, readonly HubVote[]>
  /** Unix seconds. */
  now: number
}

/** Write proposals, the complete votes of some of them, and advance the space cursor: one transaction. */
export function writeSnapshotBatch(db: Db, p: WriteSnapshotBatchParameters): void {
  const upsertProposal = db.prepare(
    `INSERT INTO snapshot_proposal (dao_id, id, space, author, title, type, choices, created, start, "end", snapshot_block, network, state, scores, scores_total, quorum, votes_count)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (dao_id, id) DO UPDATE SET space = excluded.space, author = excluded.author, title = excluded.title,
       type = excluded.type, choices = excluded.choices, created = excluded.created, start = excluded.start, "end" = excluded."end",
       snapshot_block = excluded.snapshot_block, network = excluded.network, state = excluded.state, scores = excluded.scores,
       scores_total = excluded.scores_total, quorum = excluded.quorum, votes_count = excluded.votes_count`,
  )
  const deleteVotes = db.prepare(`DELETE FROM snapshot_vote WHERE dao_id = ? AND proposal = ?`)
  const insertVote = db.prepare(
    `INSERT INTO snapshot_vote (dao_id, id, proposal, voter, choice, vp, vp_by_strategy, created, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  )
  const cursor = db.prepare(
    `INSERT INTO snapshot_space (dao_id, space, hub, proposals_created, indexed_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (dao_id, space) DO UPDATE SET hub = excluded.hub,
       proposals_created = max(coalesce(snapshot_space.proposals_created, excluded.proposals_created), coalesce(excluded.proposals_created, snapshot_space.proposals_created)),
       indexed_at = excluded.indexed_at`,
  )
  db.transaction(() => {
    let maxCreated: number | null = null
    for (const x of p.proposals) {
      upsertProposal.run(
        p.daoId, x.id, x.space, x.author, x.title, x.type, JSON.stringify(x.choices), x.created, x.start, x.end,
        x.snapshotBlock, x.network, x.state, JSON.stringify(x.scores), x.scoresTotal, x.quorum, x.votesCount,
      )
      if (x.space === p.space && (maxCreated === null || x.created > maxCreated)) maxCreated = x.created
    }
    for (const [proposal, votes] of p.votes) {
      deleteVotes.run(p.daoId, proposal)
      for (const v of votes)
        insertVote.run(p.daoId, v.id, proposal, v.voter, JSON.stringify(v.choice), v.vp, v.vpByStrategy && JSON.stringify(v.vpByStrategy), v.created, v.reason)
    }
    cursor.run(p.daoId, p.space, p.hub, maxCreated, p.now)
  })()
}

type ProposalRow = {
  id: string
  space: string
  author: string
  title: string
  type: string
  choices: string
  created: number
  start: number
  end: number
  snapshot_block: number | null
  network: string | null
  state: string
  scores: string
  scores_total: number
  quorum: number
  votes_count: number
}

const toProposal = (r: ProposalRow): HubProposal => ({
  id: r.id,
  space: r.space,
  author: r.author,
  title: r.title,
  type: r.type,
  choices: JSON.parse(r.choices) as string[],
  created: r.created,
  start: r.start,
  end: r.end,
  snapshotBlock: r.snapshot_block,
  network: r.network,
  state: r.state,
  scores: JSON.parse(r.scores) as number[],
  scoresTotal: r.scores_total,
  quorum: r.quorum,
  votesCount: r.votes_count,
})

/** The DAO's Snapshot proposals (of one space, or all), oldest first. */
export function readSnapshotProposals(db: Db, daoId: number, space?: string): HubProposal[] {
  const rows = (
    space === undefined
      ? db.prepare(`SELECT * FROM snapshot_proposal WHERE dao_id = ? ORDER BY created, id`).all(daoId)
      : db.prepare(`SELECT * FROM snapshot_proposal WHERE dao_id = ? AND space = ? ORDER BY created, id`).all(daoId, space)
  ) as ProposalRow[]
  return rows.map(toProposal)
}

export function findSnapshotProposal(db: Db, daoId: number, id: string): HubProposal | undefined {
  const row = db.prepare(`SELECT * FROM snapshot_proposal WHERE dao_id = ? AND id = ?`).get(daoId, id) as ProposalRow | undefined
  return row && toProposal(row)
}

/** A proposal's stored votes, oldest first (or largest vp first, then voter). */
export function readSnapshotVotes(db: Db, daoId: number, proposal: string, { order = 'created' }: { order?: 'created' | 'vp' } = {}): HubVote[] {
  const orderBy = order === 'vp' ? 'vp DESC, voter, id' : 'created, id'
  const rows = db
    .prepare(`SELECT id, voter, choice, vp, vp_by_strategy, created, reason FROM snapshot_vote WHERE dao_id = ? AND proposal = ? ORDER BY ${orderBy}`)
    .all(daoId, proposal) as { id: string; voter: string; choice: string; vp: number; vp_by_strategy: string | null; created: number; reason: string }[]
  return rows.map((r) => ({
    id: r.id,
    proposal,
    voter: r.voter,
    choice: JSON.parse(r.choice) as HubVote['choice'],
    vp: r.vp,
    vpByStrategy: r.vp_by_strategy === null ? null : (JSON.parse(r.vp_by_strategy) as number[]),
    created: r.created,
    reason: r.reason,
  }))
}
