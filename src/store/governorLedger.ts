/**
 * The governor write path: raw ProposalCreated / vote / lifecycle rows, the per-proposal
 * tallies derived from the votes, and each governor's cursor.
 *
 * Two halves, so the write can happen wherever the token's commit is written (the main
 * thread, or indexDao's writer thread with its own connection):
 * - `GovernorLedger` stages decoded events in chain order (`stage`) and hands them over
 *   as a plain, structured-clonable `GovernorCommit` (`take`), for the governor-only pass;
 * - `GovernorWriter` writes inside the transaction the CALLER opened — in the joint pass
 *   the one that writes the token's rows and the token cursor of the same block range —
 *   so token rows, governor rows and every cursor commit together or not at all. Rows go
 *   in as they come (`writeEvents`, as often as the caller likes), the tallies and
 *   cursors at the end of the range (`finish`).
 *
 * Writing also marks every proposal it touched as not final in `proposal_status`; the
 * finalize step (src/sync/finalizeGovernors.ts) then reads what needs RPC (quorum at the
 * snapshot, `state()`, snapshot blocks of timestamp clocks) for exactly those proposals.
 */
import type Database from 'better-sqlite3'
import type { Db } from './db.js'
import { fromWord, toWord } from './amount.js'
import { BulkInsert } from './bulkInsert.js'
import { governorStream } from './governors.js'
import { SourceError, StoreError } from '../errors.js'
import type { GovernorEvent } from '../sources/governor/decode.js'
import { proposalTitle as titleOf } from '../sources/governor/proposalTitle.js'

export type GovernorLedgerGovernor = {
  address: string
  /** COUNTING_MODE(): only fractional counting lets one voter vote several times on a proposal. */
  countingMode: string
}

const NO_SPLIT = [null, null, null] as const

type Tally = { forVotes: bigint; againstVotes: bigint; abstainVotes: bigint; votes: number; voters: number }

type Statements = {
  proposal: Database.Statement
  proposalExists: Database.Statement
  voterExists: Database.Statement
  event: Database.Statement
  getTally: Database.Statement
  setTally: Database.Statement
  touch: Database.Statement
  cursor: Database.Statement
}

/** Decoded governor events of one block range, and the governors whose cursors advance with it. */
export type GovernorCommit = {
  /** Chain order. Plain objects: safe to post to a worker thread. */
  events: GovernorEvent[]
  /** Every governor the range was fetched for, events or not. */
  governors: GovernorLedgerGovernor[]
}

/** Staging: collect a range's decoded events, then `take` them as a commit (or `write` them here). */
export class GovernorLedger {
  private readonly governors: GovernorLedgerGovernor[]
  private staged: GovernorEvent[] = []
  private writer: GovernorWriter | undefined

  /** `governors`: every governor whose logs this pass covers; a commit advances all their cursors. */
  constructor(
    private readonly db: Db,
    private readonly daoId: number,
    governors: readonly GovernorLedgerGovernor[],
  ) {
    this.governors = governors.map((g) => ({ address: g.address.toLowerCase(), countingMode: g.countingMode }))
  }

  get stagedEvents(): number {
    return this.staged.length
  }

  /** Stage decoded events of this ledger's governors, in chain order, after everything taken before. */
  stage(events: readonly GovernorEvent[]): void {
    for (const ev of events) this.staged.push(ev)
  }

  /** Hand over everything staged as one commit and start a new stage. */
  take(): GovernorCommit {
    const commit = { events: this.staged, governors: this.governors }
    this.staged = []
    return commit
  }

  /**
   * Write everything staged on this ledger's connection and advance every governor's
   * cursor to `toBlock` (never back). Must run inside a transaction the caller opened;
   * throws StoreError otherwise.
   */
  write(toBlock: number): void {
    this.writer ??= new GovernorWriter(this.db, this.daoId)
    this.writer.write(this.take(), toBlock)
  }

  /** Forget staged events (after a failed commit). */
  discard(): void {
    this.staged = []
  }
}

/** Writes GovernorCommits on one connection; prepare it once per connection (e.g. in the writer thread). */
export class GovernorWriter {
  private readonly st: Statements
  private readonly votes: BulkInsert
  /** Since the last `finish`: the tallies of the proposals voted on, and the proposals touched. */
  private tallies = new Map<string, { governor: string; proposalId: string; tally: Tally }>()
  private touched = new Set<string>()

  constructor(
    private readonly db: Db,
    private readonly daoId: number,
  ) {
    const p = (sql: string) => db.prepare(sql)
    this.st = {
      proposal: p(`INSERT INTO proposal VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      proposalExists: p(`SELECT 1 FROM proposal WHERE dao_id = ? AND governor = ? AND proposal_id = ?`).pluck(),
      voterExists: p(`SELECT 1 FROM vote WHERE dao_id = ? AND governor = ? AND proposal_id = ? AND voter = ? LIMIT 1`).pluck(),
      event: p(`INSERT INTO proposal_event VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      getTally: p(`SELECT for_votes, against_votes, abstain_votes, votes, voters FROM proposal_tally WHERE dao_id = ? AND governor = ? AND proposal_id = ?`),
      setTally: p(
        `INSERT INTO proposal_tally VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (dao_id, governor, proposal_id) DO UPDATE SET for_votes = excluded.for_votes,
           against_votes = excluded.against_votes, abstain_votes = excluded.abstain_votes, votes = excluded.votes, voters = excluded.voters`,
      ),
      touch: p(
        `INSERT INTO proposal_status (dao_id, governor, proposal_id) VALUES (?, ?, ?)
         ON CONFLICT (dao_id, governor, proposal_id) DO UPDATE SET final = 0`,
      ),
      // A governor's cursor never moves back (a pass may start before a governor's own cursor).
      cursor: p(
        `INSERT INTO cursor (dao_id, stream, block_number) VALUES (?, ?, ?)
         ON CONFLICT (dao_id, stream) DO UPDATE SET block_number = max(block_number, excluded.block_number)`,
      ),
    }
    // Votes are the governor hot path (hundreds of thousands): several per INSERT.
    this.votes = new BulkInsert(db, `INSERT INTO vote VALUES`, `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  }

  /**
   * Write a commit's rows, the tallies of the proposals it votes on, and advance each of
   * its governors' cursors to `toBlock`. Must run inside the caller's transaction (the
   * one holding the token rows and cursor of the same range); throws StoreError otherwise.
   */
  write({ events, governors }: GovernorCommit, toBlock: number): void {
    try {
      this.writeEvents(events, governors)
      this.finish(governors, toBlock)
    } catch (e) {
      this.reset() // the caller's transaction is rolled back with it
      throw e
    }
  }

  /**
   * Write events' rows (chain order, after everything written before), in the caller's
   * transaction. The tallies they change are kept until `finish`.
   */
  writeEvents(events: readonly GovernorEvent[], governors: readonly GovernorLedgerGovernor[]): void {
    this.inTransaction()
    const { st, daoId } = this
    // Only fractional counting lets a voter vote again; elsewhere every vote is a new voter.
    const fractional = new Set(governors.filter((g) => /(^|[&,=])fractional($|[&,])/.test(g.countingMode)).map((g) => g.address))
    for (const ev of events) {
      switch (ev.kind) {
        case 'ProposalCreated':
          if (st.proposalExists.get(daoId, ev.governor, ev.proposalId) !== undefined)
            throw new SourceError(
              `Governor ${ev.governor} created proposal ${BigInt(`0x${ev.proposalId}`)} twice (again in tx ${ev.transactionHash}, block ${ev.blockNumber}); refusing to index a governor whose proposal ids repeat.`,
            )
          st.proposal.run(
            daoId, ev.blockNumber, ev.logIndex, ev.transactionIndex, ev.transactionHash, ev.governor, ev.proposalId, ev.proposer,
            JSON.stringify(ev.targets), JSON.stringify(ev.values), JSON.stringify(ev.signatures), JSON.stringify(ev.calldatas),
            ev.voteStart, ev.voteEnd, ev.description, titleOf(ev.description),
          )
          this.touch(ev.governor, ev.proposalId)
          break
        case 'VoteCast': {
          const key = `${ev.governor}|${ev.proposalId}`
          let entry = this.tallies.get(key)
          if (!entry) {
            entry = { governor: ev.governor, proposalId: ev.proposalId, tally: this.loadTally(ev.governor, ev.proposalId) }
            this.tallies.set(key, entry)
          }
          let again = false
          if (fractional.has(ev.governor)) {
            this.votes.flush() // the lookup must see the votes written before it
            again = st.voterExists.get(daoId, ev.governor, ev.proposalId, ev.voter) !== undefined
          }
          addVote(entry.tally, ev, again)
          this.votes.add(
            daoId, ev.blockNumber, ev.logIndex, ev.transactionIndex, ev.transactionHash, ev.governor, ev.proposalId, ev.voter, ev.event,
            ev.support, ev.weight, ...(ev.support === 255 ? [ev.againstVotes, ev.forVotes, ev.abstainVotes] : NO_SPLIT), ev.reason, ev.params,
          )
          this.touch(ev.governor, ev.proposalId)
          break
        }
        case 'ProposalCanceled':
        case 'ProposalExecuted':
          st.event.run(daoId, ev.blockNumber, ev.logIndex, ev.transactionIndex, ev.transactionHash, ev.governor, ev.proposalId, ev.kind, null, null)
          this.touch(ev.governor, ev.proposalId)
          break
        case 'ProposalQueued':
          st.event.run(daoId, ev.blockNumber, ev.logIndex, ev.transactionIndex, ev.transactionHash, ev.governor, ev.proposalId, ev.kind, ev.eta, null)
          this.touch(ev.governor, ev.proposalId)
          break
        case 'ProposalExtended':
          st.event.run(
            daoId, ev.blockNumber, ev.logIndex, ev.transactionIndex, ev.transactionHash, ev.governor, ev.proposalId, ev.kind, null, ev.extendedDeadline,
          )
          this.touch(ev.governor, ev.proposalId)
          break
      }
    }
  }

  /** The tallies changed since the last `finish`, and each governor's cursor advanced to `toBlock` (never back). */
  finish(governors: readonly GovernorLedgerGovernor[], toBlock: number): void {
    this.inTransaction()
    const { st, daoId } = this
    this.votes.flush()
    for (const { governor, proposalId, tally } of this.tallies.values())
      st.setTally.run(daoId, governor, proposalId, toWord(tally.forVotes), toWord(tally.againstVotes), toWord(tally.abstainVotes), tally.votes, tally.voters)
    for (const g of governors) st.cursor.run(daoId, governorStream(g.address), toBlock)
    this.reset()
  }

  /** Forget what was written since the last `finish` (after the caller rolled its transaction back). */
  reset(): void {
    this.votes.reset()
    this.tallies = new Map()
    this.touched = new Set()
  }

  private inTransaction(): void {
    if (!this.db.inTransaction)
      throw new StoreError('Governor rows must be written inside the transaction that commits the block range and its cursors.')
  }

  /** Mark a proposal as not final (once per range): the finalize step reads it again. */
  private touch(governor: string, proposalId: string): void {
    const key = `${governor}|${proposalId}`
    if (this.touched.has(key)) return
    this.touched.add(key)
    this.st.touch.run(this.daoId, governor, proposalId)
  }

  private loadTally(governor: string, proposalId: string): Tally {
    const row = this.st.getTally.get(this.daoId, governor, proposalId) as TallyRow | undefined
    return row ? fromTallyRow(row) : { forVotes: 0n, againstVotes: 0n, abstainVotes: 0n, votes: 0, voters: 0 }
  }
}

type TallyRow = { for_votes: string; against_votes: string; abstain_votes: string; votes: number; voters: number }

const fromTallyRow = (r: TallyRow): Tally => ({
  forVotes: fromWord(r.for_votes),
  againstVotes: fromWord(r.against_votes),
  abstainVotes: fromWord(r.abstain_votes),
  votes: r.votes,
  voters: r.voters,
})

type VoteAmounts = { support: number; weight: string; forVotes: string | null; againstVotes: string | null; abstainVotes: string | null }

function addVote(t: Tally, ev: VoteAmounts, again: boolean): void {
  t.votes++
  if (!again) t.voters++
  switch (ev.support) {
    case 0:
      t.againstVotes += BigInt(`0x${ev.weight}`)
      break
    case 1:
      t.forVotes += BigInt(`0x${ev.weight}`)
      break
    case 2:
      t.abstainVotes += BigInt(`0x${ev.weight}`)
      break
    default:
      t.forVotes += BigInt(`0x${ev.forVotes!}`)
      t.againstVotes += BigInt(`0x${ev.againstVotes!}`)
      t.abstainVotes += BigInt(`0x${ev.abstainVotes!}`)
  }
}

/**
 * Recompute `proposal_tally` of a DAO from its `vote` rows alone (exact bigint sums,
 * distinct voters), replacing what is there. Runs in its own transaction, or as a
 * savepoint of the caller's. Returns the number of proposals with votes.
 */
export function rebuildProposalTallies(db: Db, daoId: number): number {
  type Row = { governor: string; proposal_id: string; voter: string; support: number; weight: string; for_votes: string | null; against_votes: string | null; abstain_votes: string | null }
  const rows = db
    .prepare(
      `SELECT governor, proposal_id, voter, support, weight, for_votes, against_votes, abstain_votes FROM vote
       WHERE dao_id = ? ORDER BY governor, proposal_id, block_number, log_index`,
    )
    .iterate(daoId) as IterableIterator<Row>
  const out: { governor: string; proposalId: string; tally: Tally }[] = []
  let current: { governor: string; proposalId: string; tally: Tally; voters: Set<string> } | undefined
  for (const r of rows) {
    if (!current || current.governor !== r.governor || current.proposalId !== r.proposal_id) {
      current = { governor: r.governor, proposalId: r.proposal_id, tally: { forVotes: 0n, againstVotes: 0n, abstainVotes: 0n, votes: 0, voters: 0 }, voters: new Set() }
      out.push(current)
    }
    const again = current.voters.has(r.voter)
    current.voters.add(r.voter)
    addVote(current.tally, { support: r.support, weight: r.weight, forVotes: r.for_votes, againstVotes: r.against_votes, abstainVotes: r.abstain_votes }, again)
  }
  const insert = db.prepare(`INSERT INTO proposal_tally VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
  db.transaction(() => {
    db.prepare(`DELETE FROM proposal_tally WHERE dao_id = ?`).run(daoId)
    for (const { governor, proposalId, tally: t } of out)
      insert.run(daoId, governor, proposalId, toWord(t.forVotes), toWord(t.againstVotes), toWord(t.abstainVotes), t.votes, t.voters)
  })()
  return out.length
}
