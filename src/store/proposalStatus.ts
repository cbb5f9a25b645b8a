/**
 * `proposal_status`: per proposal, what the finalize step read from the chain and derived
 * from the indexed facts. Proposals the ledger touched since (`final = 0`) are the ones
 * to (re)check.
 */
import type { Db } from './db.js'
import { fromWord, toWord } from './amount.js'
import type { Tally } from '../analysis/rules/countingRule.js'
import type { GovernorStateName, ProposalOutcome } from '../analysis/governorState.js'

/** A proposal to check, with the indexed facts its state depends on. */
export type ProposalToCheck = {
  governor: string
  proposalId: bigint
  createdBlock: number
  voteStart: number
  voteEnd: number
  /** voteEnd, or the latest ProposalExtended deadline when later. */
  deadline: number
  canceled: boolean
  queued: boolean
  executed: boolean
  tally: Tally
  snapshotBlock: number | null
  quorum: bigint | null
  quorumBlock: number | null
}

type Row = {
  governor: string
  proposal_id: string
  created_block: number
  vote_start: number
  vote_end: number
  extended: number | null
  canceled: number
  queued: number
  executed: number
  for_votes: string | null
  against_votes: string | null
  abstain_votes: string | null
  snapshot_block: number | null
  quorum: string | null
  quorum_block: number | null
}

/** Not-final proposals of a governor created at or before `atBlock`, in creation order. */
export function proposalsToCheck(db: Db, daoId: number, governor: string, atBlock: number): ProposalToCheck[] {
  const rows = db
    .prepare(
      `SELECT p.governor, p.proposal_id, p.block_number AS created_block, p.vote_start, p.vote_end,
         (SELECT max(extended_deadline) FROM proposal_event e WHERE e.dao_id = p.dao_id AND e.governor = p.governor
            AND e.proposal_id = p.proposal_id AND e.event = 'ProposalExtended') AS extended,
         EXISTS (SELECT 1 FROM proposal_event e WHERE e.dao_id = p.dao_id AND e.governor = p.governor
            AND e.proposal_id = p.proposal_id AND e.event = 'ProposalCanceled') AS canceled,
         EXISTS (SELECT 1 FROM proposal_event e WHERE e.dao_id = p.dao_id AND e.governor = p.governor
            AND e.proposal_id = p.proposal_id AND e.event = 'ProposalQueued') AS queued,
         EXISTS (SELECT 1 FROM proposal_event e WHERE e.dao_id = p.dao_id AND e.governor = p.governor
            AND e.proposal_id = p.proposal_id AND e.event = 'ProposalExecuted') AS executed,
         t.for_votes, t.against_votes, t.abstain_votes, s.snapshot_block, s.quorum, s.quorum_block
       FROM proposal_status s
       JOIN proposal p ON p.dao_id = s.dao_id AND p.governor = s.governor AND p.proposal_id = s.proposal_id
       LEFT JOIN proposal_tally t ON t.dao_id = s.dao_id AND t.governor = s.governor AND t.proposal_id = s.proposal_id
       WHERE s.dao_id = ? AND s.governor = ? AND s.final = 0 AND p.block_number <= ?
       ORDER BY p.block_number, p.log_index`,
    )
    .all(daoId, governor, atBlock) as Row[]
  return rows.map((r) => ({
    governor: r.governor,
    proposalId: fromWord(r.proposal_id),
    createdBlock: r.created_block,
    voteStart: r.vote_start,
    voteEnd: r.vote_end,
    deadline: r.extended === null ? r.vote_end : Math.max(r.vote_end, r.extended),
    canceled: r.canceled === 1,
    queued: r.queued === 1,
    executed: r.executed === 1,
    tally: {
      for: r.for_votes === null ? 0n : fromWord(r.for_votes),
      against: r.against_votes === null ? 0n : fromWord(r.against_votes),
      abstain: r.abstain_votes === null ? 0n : fromWord(r.abstain_votes),
    },
    snapshotBlock: r.snapshot_block,
    quorum: r.quorum === null ? null : fromWord(r.quorum),
    quorumBlock: r.quorum_block,
  }))
}

export type ProposalStatusUpdate = {
  governor: string
  proposalId: bigint
  checkedBlock: number
  snapshotBlock: number | null
  quorum: bigint | null
  quorumBlock: number | null
  chainState: GovernorStateName | null
  derivedState: GovernorStateName | null
  outcome: ProposalOutcome | null
  agrees: boolean | null
  disagreement: string | null
  final: boolean
}

/** Write checked statuses in one transaction (a savepoint inside the caller's). */
export function writeProposalStatus(db: Db, daoId: number, updates: readonly ProposalStatusUpdate[]): void {
  const st = db.prepare(
    `UPDATE proposal_status SET checked_block = ?, snapshot_block = ?, quorum = ?, quorum_block = ?, chain_state = ?,
       derived_state = ?, outcome = ?, agrees = ?, disagreement = ?, final = ?
     WHERE dao_id = ? AND governor = ? AND proposal_id = ?`,
  )
  db.transaction(() => {
    for (const u of updates)
      st.run(
        u.checkedBlock, u.snapshotBlock, u.quorum === null ? null : toWord(u.quorum), u.quorumBlock, u.chainState, u.derivedState,
        u.outcome, u.agrees === null ? null : u.agrees ? 1 : 0, u.disagreement, u.final ? 1 : 0, daoId, u.governor, toWord(u.proposalId),
      )
  })()
}
