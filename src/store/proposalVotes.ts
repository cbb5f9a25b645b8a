/**
 * Votes cast on proposals, whatever stored them. Each source registers a reader here;
 * `decisive` and `nakamoto --basis votes` only see `ProposalRef` and `StoredVote`, so the
 * governor and Snapshot sources plug in by adding their reader to READERS (with their own
 * counting mode, quorum, state and snapshot block filled in) — no command changes.
 *
 * Stored today: on-chain Governor votes (src/store/governorQueries.ts, with the governor's
 * counting mode, quorum at the snapshot and state), Snapshot votes (snapshotVoteReader.ts:
 * counting mode `snapshot-<type>`, vp read as the hub's decimals on a per-proposal scale)
 * and imported votes (`govaudit import --votes`), which carry no title, counting rule,
 * quorum, state or snapshot block (all null) and whose amounts are in units of 10^-scale
 * of the file's numbers.
 */
import type { Db } from './db.js'
import type { Dao } from './daos.js'
import { fromWord } from './amount.js'
import { VOTE_SOURCES, type VoteSource } from './voteSources.js'
import { UsageError } from '../errors.js'
import { governorVoteReader } from './governorQueries.js'
import { snapshotVoteReader } from './snapshotVoteReader.js'

export { VOTE_SOURCES, type VoteSource } from './voteSources.js'

export type ProposalRef = {
  source: VoteSource
  id: string
  title: string | null
  /** Amounts are integers in units of 10^-scale of the source's numbers (0: exact on-chain units). */
  scale: number
  /** The governor's COUNTING_MODE() or family name, when the source knows it; null if unknown. */
  countingMode: string | null
  /** The quorum that applied (same units as the votes), when the source knows it; null if unknown. */
  quorum: bigint | null
  /** The source's own final state ('canceled', 'executed', …), or null. */
  state: string | null
  /** Block (or timepoint) the vote weights were taken at, or null. */
  snapshotBlock: number | null
}

/** One row of votes: a voter's amounts per support (a voter may have several rows). */
export type StoredVote = { voter: string; for: bigint; against: bigint; abstain: bigint }

/** One voter's total cast on a proposal, in the ProposalRef's units. */
export type VoterWeight = { address: string; weight: bigint }

export type VoteSourceReader = {
  /** Every proposal of the DAO in this source, in a stable order. */
  proposals(db: Db, dao: Dao): ProposalRef[]
  votes(db: Db, dao: Dao, id: string): StoredVote[]
  /** Each voter's total cast, for a source whose votes are not all for/against/abstain (Snapshot choices); default: `votes` summed per voter. */
  votesCast?(db: Db, dao: Dao, id: string): VoterWeight[]
}

const SUPPORT_KEY = ['against', 'for', 'abstain'] as const

const importReader: VoteSourceReader = {
  proposals(db, dao) {
    const rows = db
      .prepare(
        `SELECT p.proposal_id AS id, b.scale AS scale FROM imported_proposal p JOIN import_batch b ON b.id = p.batch_id
         WHERE p.dao_id = ?`,
      )
      .all(dao.id) as { id: string; scale: number }[]
    return rows
      .sort((a, b) => compareIds(a.id, b.id))
      .map((r) => ({ source: 'import', id: r.id, title: null, scale: r.scale, countingMode: null, quorum: null, state: null, snapshotBlock: null }))
  },
  votes(db, dao, id) {
    const rows = db
      .prepare(`SELECT voter, support, weight FROM imported_vote WHERE dao_id = ? AND proposal_id = ? ORDER BY line`)
      .all(dao.id, id) as { voter: string; support: 0 | 1 | 2; weight: string }[]
    return rows.map((r) => ({ voter: r.voter, for: 0n, against: 0n, abstain: 0n, [SUPPORT_KEY[r.support]]: fromWord(r.weight) }))
  },
}

/** Readers by source; a source without one is not stored by this version. */
const READERS: { readonly [S in VoteSource]?: VoteSourceReader } = { governor: governorVoteReader, snapshot: snapshotVoteReader, import: importReader }

/** Decimal ids numerically, then everything else as text. */
function compareIds(a: string, b: string): number {
  const da = /^\d+$/.test(a)
  const db = /^\d+$/.test(b)
  if (da && db) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)
  if (da !== db) return da ? -1 : 1
  return a < b ? -1 : a > b ? 1 : 0
}

/** Every stored proposal of the DAO (from one source, or all): empty when there are none. */
export function storedProposals(db: Db, dao: Dao, source?: VoteSource): ProposalRef[] {
  const sources = source ? [source] : VOTE_SOURCES.filter((s) => READERS[s])
  return sources.flatMap((s) => READERS[s]?.proposals(db, dao) ?? [])
}

export type ListProposalsParameters = { source?: VoteSource; proposal?: string }

/**
 * The DAO's proposals from one source (or every stored one), optionally just one id.
 * UsageError when the source is not stored by this version, when nothing is stored, when
 * the id is unknown, or when the id exists in several sources and --source is missing.
 */
export function listProposals(db: Db, dao: Dao, { source, proposal }: ListProposalsParameters = {}): ProposalRef[] {
  if (source !== undefined && !READERS[source])
    throw new UsageError(
      `--source ${source}: this version does not store ${source} proposals yet; use --source ${VOTE_SOURCES.filter((s) => READERS[s]).join(', ')}.`,
    )
  const all = storedProposals(db, dao, source)
  if (all.length === 0)
    throw new UsageError(
      `DAO "${dao.name}" has no stored proposals${source ? ` from ${source}` : ''}; index its governor (\`govaudit index --governor ADDR\`) or Snapshot space (\`--snapshot SPACE\`), or import votes (\`govaudit import ${dao.name} --votes FILE.csv\`).`,
    )
  if (proposal === undefined) return all
  const found = all.filter((p) => p.id === proposal)
  if (found.length > 1)
    throw new UsageError(`Proposal ${proposal} exists in ${found.map((p) => p.source).join(' and ')}; pass --source to pick one.`)
  if (found.length === 0) {
    const known = all.slice(0, 10).map((p) => p.id)
    throw new UsageError(
      `No proposal "${proposal}" for DAO "${dao.name}"; known: ${known.join(', ')}${all.length > known.length ? `, … (${all.length} in all)` : ''}.`,
    )
  }
  return found
}

function readerFor(source: VoteSource): VoteSourceReader {
  const reader = READERS[source]
  if (!reader) throw new UsageError(`This version does not store ${source} proposals yet.`)
  return reader
}

/** The votes of one proposal, as stored rows (merge per voter before counting). */
export function proposalVotes(db: Db, dao: Dao, ref: Pick<ProposalRef, 'source' | 'id'>): StoredVote[] {
  return readerFor(ref.source).votes(db, dao, ref.id)
}

/** Every voter's total cast (for + against + abstain), rows of one voter summed, exact. */
export function votesCastWeights(votes: readonly StoredVote[]): VoterWeight[] {
  const sums = new Map<string, bigint>()
  for (const v of votes) sums.set(v.voter, (sums.get(v.voter) ?? 0n) + v.for + v.against + v.abstain)
  return [...sums].map(([address, weight]) => ({ address, weight }))
}

/** Each voter's total cast on one proposal, whatever the source's votes are (supports or Snapshot choices). */
export function proposalVotesCast(db: Db, dao: Dao, ref: Pick<ProposalRef, 'source' | 'id'>): VoterWeight[] {
  const reader = readerFor(ref.source)
  return reader.votesCast ? reader.votesCast(db, dao, ref.id) : votesCastWeights(reader.votes(db, dao, ref.id))
}
