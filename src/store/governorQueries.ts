/**
 * Reading governors' proposals and votes back: proposal lists with tallies, quorum and
 * states; a proposal's voters by weight with shares; the voting-power cross-check of every
 * vote against the indexed token; and votes in the shape `src/analysis/vote.ts` counts.
 *
 * Amounts come back as bigint, proposal ids as bigint (OZ ids are 256-bit hashes).
 */
import { ADDRESS_PARAM, amountText } from './tokenColumns.js'
import type { Db } from './db.js'
import type { Dao } from './daos.js'
import { getCursor } from './daos.js'
import { fromWord, toWord } from './amount.js'
import { TOKEN_STREAM } from './tokenLedger.js'
import { listGovernors } from './governors.js'
import type { ProposalRef, StoredVote, VoteSourceReader } from './proposalVotes.js'
import { UsageError } from '../errors.js'
import type { GovernorStateName, ProposalOutcome } from '../analysis/governorState.js'
import type { Tally } from '../analysis/rules/countingRule.js'
import type { Vote } from '../analysis/vote.js'
import { share } from '../analysis/ratio.js'
import type { GovernorClock } from '../sources/governor/detect.js'
import type { GovernorKind } from '../sources/governor/topics.js'
import type { VoteEventName } from '../sources/governor/decode.js'

export type GovernorProposal = {
  governor: string
  governorKind: GovernorKind
  countingMode: string
  clock: GovernorClock
  id: bigint
  proposer: string
  createdBlock: number
  /** Timestamp of the creation block when its header is stored; null otherwise. */
  createdTimestamp: number | null
  txHash: string
  title: string
  description: string
  targets: string[]
  values: bigint[]
  signatures: string[]
  calldatas: string[]
  /** Snapshot timepoint, in the governor's clock. */
  voteStart: number
  voteEnd: number
  /** voteEnd or a later ProposalExtended deadline. */
  deadline: number
  extended: boolean
  canceledBlock: number | null
  queuedBlock: number | null
  /** ProposalQueued's eta (OZ etaSeconds, Bravo eta). */
  eta: bigint | null
  executedBlock: number | null
  tally: Tally
  /** Vote events (a fractional voter may cast several). */
  votes: number
  voters: number
  /** Block whose end state the vote weights are (the snapshot block); null until known. */
  snapshotBlock: number | null
  quorum: bigint | null
  quorumBlock: number | null
  /** Block the states were checked at; null when never. */
  checkedBlock: number | null
  /** The governor's own `state()` at checkedBlock; null when not callable. */
  chainState: GovernorStateName | null
  /** The state the indexed facts give under the counting rule. */
  derivedState: GovernorStateName | null
  /** chainState when known, else derivedState. */
  state: GovernorStateName | null
  outcome: ProposalOutcome | null
  /** derivedState vs chainState; null when either is unknown. */
  agrees: boolean | null
  disagreement: string | null
}

type ProposalRow = {
  governor: string
  kind: GovernorKind
  counting_mode: string
  clock: GovernorClock
  proposal_id: string
  proposer: string
  block_number: number
  tx_hash: string
  created_ts: number | null
  title: string
  description: string
  targets: string
  call_values: string
  signatures: string
  calldatas: string
  vote_start: number
  vote_end: number
  extended: number | null
  canceled_block: number | null
  queued_block: number | null
  eta: string | null
  executed_block: number | null
  for_votes: string | null
  against_votes: string | null
  abstain_votes: string | null
  votes: number | null
  voters: number | null
  snapshot_block: number | null
  quorum: string | null
  quorum_block: number | null
  checked_block: number | null
  chain_state: GovernorStateName | null
  derived_state: GovernorStateName | null
  outcome: ProposalOutcome | null
  agrees: number | null
  disagreement: string | null
}

const eventBlock = (event: string) =>
  `(SELECT min(block_number) FROM proposal_event e WHERE e.dao_id = p.dao_id AND e.governor = p.governor AND e.proposal_id = p.proposal_id AND e.event = '${event}')`

const PROPOSAL_SQL = `
  SELECT p.governor, g.kind, g.counting_mode, g.clock, p.proposal_id, p.proposer, p.block_number, p.tx_hash,
    (SELECT b.timestamp FROM block b JOIN dao d ON d.id = p.dao_id WHERE b.chain_id = d.chain_id AND b.number = p.block_number) AS created_ts,
    p.title, p.description, p.targets, p.call_values, p.signatures, p.calldatas, p.vote_start, p.vote_end,
    (SELECT max(extended_deadline) FROM proposal_event e WHERE e.dao_id = p.dao_id AND e.governor = p.governor AND e.proposal_id = p.proposal_id AND e.event = 'ProposalExtended') AS extended,
    ${eventBlock('ProposalCanceled')} AS canceled_block,
    ${eventBlock('ProposalQueued')} AS queued_block,
    (SELECT eta FROM proposal_event e WHERE e.dao_id = p.dao_id AND e.governor = p.governor AND e.proposal_id = p.proposal_id AND e.event = 'ProposalQueued' ORDER BY block_number DESC, log_index DESC LIMIT 1) AS eta,
    ${eventBlock('ProposalExecuted')} AS executed_block,
    t.for_votes, t.against_votes, t.abstain_votes, t.votes, t.voters,
    s.snapshot_block, s.quorum, s.quorum_block, s.checked_block, s.chain_state, s.derived_state, s.outcome, s.agrees, s.disagreement
  FROM proposal p
  JOIN governor g ON g.dao_id = p.dao_id AND g.address = p.governor
  LEFT JOIN proposal_tally t ON t.dao_id = p.dao_id AND t.governor = p.governor AND t.proposal_id = p.proposal_id
  LEFT JOIN proposal_status s ON s.dao_id = p.dao_id AND s.governor = p.governor AND s.proposal_id = p.proposal_id`

function toProposal(r: ProposalRow): GovernorProposal {
  const word = (w: string | null) => (w === null ? 0n : fromWord(w))
  return {
    governor: r.governor,
    governorKind: r.kind,
    countingMode: r.counting_mode,
    clock: r.clock,
    id: fromWord(r.proposal_id),
    proposer: r.proposer,
    createdBlock: r.block_number,
    createdTimestamp: r.created_ts,
    txHash: r.tx_hash,
    title: r.title,
    description: r.description,
    targets: JSON.parse(r.targets) as string[],
    values: (JSON.parse(r.call_values) as string[]).map((v) => BigInt(v)),
    signatures: JSON.parse(r.signatures) as string[],
    calldatas: JSON.parse(r.calldatas) as string[],
    voteStart: r.vote_start,
    voteEnd: r.vote_end,
    deadline: r.extended === null ? r.vote_end : Math.max(r.vote_end, r.extended),
    extended: r.extended !== null && r.extended > r.vote_end,
    canceledBlock: r.canceled_block,
    queuedBlock: r.queued_block,
    eta: r.eta === null ? null : fromWord(r.eta),
    executedBlock: r.executed_block,
    tally: { for: word(r.for_votes), against: word(r.against_votes), abstain: word(r.abstain_votes) },
    votes: r.votes ?? 0,
    voters: r.voters ?? 0,
    snapshotBlock: r.snapshot_block,
    quorum: r.quorum === null ? null : fromWord(r.quorum),
    quorumBlock: r.quorum_block,
    checkedBlock: r.checked_block,
    chainState: r.chain_state,
    derivedState: r.derived_state,
    state: r.chain_state ?? r.derived_state,
    outcome: r.outcome,
    agrees: r.agrees === null ? null : r.agrees === 1,
    disagreement: r.disagreement,
  }
}

export type ListGovernorProposalsParameters = {
  /** Only this governor (lowercase address). */
  governor?: string
  /** Only proposals in this state (the governor's `state()` when known, else the derived one). */
  state?: GovernorStateName
}

/** The DAO's governor proposals, oldest first. */
export function listGovernorProposals(db: Db, dao: Dao, p: ListGovernorProposalsParameters = {}): GovernorProposal[] {
  const where = ['p.dao_id = ?']
  const args: unknown[] = [dao.id]
  if (p.governor !== undefined) {
    where.push('p.governor = ?')
    args.push(p.governor.toLowerCase())
  }
  const rows = db.prepare(`${PROPOSAL_SQL} WHERE ${where.join(' AND ')} ORDER BY p.block_number, p.log_index`).all(...args) as ProposalRow[]
  const all = rows.map(toProposal)
  return p.state === undefined ? all : all.filter((x) => x.state === p.state)
}

export type GetGovernorProposalParameters = { id: bigint; governor?: string }

/**
 * One proposal by id. UsageError when the DAO has no governor, the id is unknown, or it
 * exists under several governors and `governor` is not given.
 */
export function getGovernorProposal(db: Db, dao: Dao, { id, governor }: GetGovernorProposalParameters): GovernorProposal {
  const governors = listGovernors(db, dao)
  if (governors.length === 0)
    throw new UsageError(`DAO "${dao.name}" has no indexed governor; index one with \`govaudit index ${dao.name} --governor ADDR\`.`)
  if (governor !== undefined && !governors.some((g) => g.address === governor.toLowerCase()))
    throw new UsageError(`${governor} is not a governor of "${dao.name}"; known: ${governors.map((g) => g.address).join(', ')}.`)
  const where = ['p.dao_id = ?', 'p.proposal_id = ?']
  const args: unknown[] = [dao.id, toWord(id)]
  if (governor !== undefined) {
    where.push('p.governor = ?')
    args.push(governor.toLowerCase())
  }
  const rows = (db.prepare(`${PROPOSAL_SQL} WHERE ${where.join(' AND ')}`).all(...args) as ProposalRow[]).map(toProposal)
  if (rows.length > 1)
    throw new UsageError(
      `Proposal ${id} exists under ${rows.length} governors of "${dao.name}" (${rows.map((r) => r.governor).join(', ')}); pass --governor to pick one.`,
    )
  if (rows.length === 0) {
    const known = db
      .prepare(`SELECT proposal_id FROM proposal WHERE dao_id = ? ORDER BY block_number DESC, log_index DESC LIMIT 5`)
      .pluck()
      .all(dao.id) as string[]
    throw new UsageError(
      known.length
        ? `No proposal ${id} in "${dao.name}"; the latest are ${known.map((w) => fromWord(w).toString()).join(', ')} (see \`govaudit proposals ${dao.name}\`).`
        : `DAO "${dao.name}" has no governor proposals indexed yet.`,
    )
  }
  return rows[0]!
}

/** One vote event as stored. */
export type GovernorVote = {
  voter: string
  blockNumber: number
  logIndex: number
  txHash: string
  event: VoteEventName
  support: number
  weight: bigint
  for: bigint
  against: bigint
  abstain: bigint
  reason: string | null
  params: string | null
}

type VoteRow = {
  voter: string
  block_number: number
  log_index: number
  tx_hash: string
  event: VoteEventName
  support: number
  weight: string
  for_votes: string | null
  against_votes: string | null
  abstain_votes: string | null
  reason: string | null
  params: string | null
}

/** Every vote event of a proposal, in chain order. */
export function governorVotes(db: Db, dao: Dao, proposal: Pick<GovernorProposal, 'governor' | 'id'>): GovernorVote[] {
  const rows = db
    .prepare(
      `SELECT voter, block_number, log_index, tx_hash, event, support, weight, for_votes, against_votes, abstain_votes, reason, params
       FROM vote WHERE dao_id = ? AND governor = ? AND proposal_id = ? ORDER BY block_number, log_index`,
    )
    .all(dao.id, proposal.governor, toWord(proposal.id)) as VoteRow[]
  return rows.map((r) => {
    const weight = fromWord(r.weight)
    // A simple vote stores no split: its whole weight is on its support.
    const part = (stored: string | null, support: number) => (stored !== null ? fromWord(stored) : r.support === support ? weight : 0n)
    return {
      voter: r.voter,
      blockNumber: r.block_number,
      logIndex: r.log_index,
      txHash: r.tx_hash,
      event: r.event,
      support: r.support,
      weight,
      for: part(r.for_votes, 1),
      against: part(r.against_votes, 0),
      abstain: part(r.abstain_votes, 2),
      reason: r.reason,
      params: r.params,
    }
  })
}

/**
 * A proposal's votes as `src/analysis/vote.ts` counts them: one Vote per vote event, exact
 * amounts per support (a fractional voter's several events stay separate; `mergeVotes`
 * joins them).
 */
export function governorProposalVotes(db: Db, dao: Dao, proposal: Pick<GovernorProposal, 'governor' | 'id'>): Vote[] {
  return governorVotes(db, dao, proposal).map((v) => ({ voter: v.voter, for: v.for, against: v.against, abstain: v.abstain }))
}

/** How a voter's total cast compares with their indexed voting power at the snapshot. */
export type VotingPowerVerdict =
  /** cast = voting power. */
  | 'ok'
  /** Fractional voting left part of the power unspent: cast < voting power, not an error. */
  | 'partial'
  /** cast != voting power (or more than it): an indexed event is missing, or the snapshot clock is wrong. */
  | 'mismatch'
  /** The snapshot block is unknown or outside the indexed token range. */
  | 'unchecked'

export type ProposalVoter = {
  voter: string
  /** Everything the voter cast: for + against + abstain. */
  weight: bigint
  for: bigint
  against: bigint
  abstain: bigint
  /** weight / total cast on the proposal. */
  share: number
  /** Where the weight went: one support, or `split` (fractional). */
  support: 'for' | 'against' | 'abstain' | 'split' | 'none'
  /** Vote events of this voter (several only with fractional voting). */
  votes: number
  /** Non-empty reasons, in chain order. */
  reasons: string[]
  /** Indexed voting power at the snapshot block; null when unchecked. */
  votingPower: bigint | null
  verdict: VotingPowerVerdict
}

export type ProposalVotersResult = {
  proposal: GovernorProposal
  /** Sum of every voter's weight. */
  total: bigint
  /** Largest weight first; ties by address. */
  voters: ProposalVoter[]
  /** Why voting power could not be checked; null when it was. */
  unchecked: string | null
}

/** The voters of a proposal, merged per voter, sorted by weight, with shares and the voting-power verdict. */
export function proposalVoters(db: Db, dao: Dao, proposal: GovernorProposal): ProposalVotersResult {
  const byVoter = new Map<string, ProposalVoter & { fractional: boolean }>()
  for (const v of governorVotes(db, dao, proposal)) {
    let e = byVoter.get(v.voter)
    if (!e) {
      e = { voter: v.voter, weight: 0n, for: 0n, against: 0n, abstain: 0n, share: 0, support: 'none', votes: 0, reasons: [], votingPower: null, verdict: 'unchecked', fractional: false }
      byVoter.set(v.voter, e)
    }
    e.for += v.for
    e.against += v.against
    e.abstain += v.abstain
    e.weight += v.weight
    e.votes++
    if (v.support === 255) e.fractional = true
    if (v.reason) e.reasons.push(v.reason)
  }
  let total = 0n
  for (const e of byVoter.values()) total += e.weight
  const power = snapshotPower(db, dao, proposal)
  const voters: ProposalVoter[] = [...byVoter.values()]
    .map(({ fractional, ...e }) => {
      const parts = (['for', 'against', 'abstain'] as const).filter((k) => e[k] > 0n)
      const support: ProposalVoter['support'] = parts.length === 0 ? 'none' : parts.length === 1 ? parts[0]! : 'split'
      const votingPower = power.lookup ? power.lookup(e.voter) : null
      return { ...e, share: share(e.weight, total), support, votingPower, verdict: verdict(e.weight, votingPower, fractional) }
    })
    .sort((a, b) => (a.weight === b.weight ? (a.voter < b.voter ? -1 : 1) : a.weight > b.weight ? -1 : 1))
  return { proposal, total, voters, unchecked: power.unchecked }
}

function verdict(cast: bigint, power: bigint | null, fractional: boolean): VotingPowerVerdict {
  if (power === null) return 'unchecked'
  if (cast === power) return 'ok'
  return fractional && cast < power ? 'partial' : 'mismatch'
}

/**
 * A voter's indexed voting power at the proposal's snapshot block: the `newVotes` of their
 * last DelegateVotesChanged at or before it (the same rule as tokenQueries.votingPowerAt,
 * as a point lookup on vp_checkpoint's primary key).
 */
function snapshotPower(db: Db, dao: Dao, proposal: GovernorProposal): { lookup: ((voter: string) => bigint) | null; unchecked: string | null } {
  const block = proposal.snapshotBlock
  if (block === null)
    return { lookup: null, unchecked: `the snapshot block of proposal ${proposal.id} is not known yet (its snapshot has not passed at the last check)` }
  const cursor = getCursor(db, dao.id, TOKEN_STREAM)
  if (cursor === null || block > cursor)
    return { lookup: null, unchecked: `the token is indexed to block ${cursor ?? 'none'}, before the snapshot block ${block}` }
  if (block < dao.startBlock)
    return { lookup: null, unchecked: `the snapshot block ${block} is before the DAO's first indexed block ${dao.startBlock}` }
  const st = db
    .prepare(
      `SELECT ${amountText('votes')} FROM vp_checkpoint WHERE dao_id = ? AND delegate = ${ADDRESS_PARAM} AND block_number <= ?
       ORDER BY block_number DESC, log_index DESC LIMIT 1`,
    )
    .pluck()
  return {
    lookup: (voter) => {
      const w = st.get(dao.id, voter, block) as string | undefined
      return w === undefined ? 0n : fromWord(w)
    },
    unchecked: null,
  }
}

export type VotingPowerException = {
  governor: string
  proposalId: bigint
  voter: string
  snapshotBlock: number
  /** Everything the voter cast on the proposal. */
  cast: bigint
  /** Indexed voting power at the snapshot block. */
  votingPower: bigint
}

export type VotingPowerCheckResult = {
  /** Voters checked (one per proposal and voter). */
  checked: number
  /** Fractional voters who left part of their power unspent (not exceptions). */
  partial: VotingPowerException[]
  /** Votes whose weight is not the voter's indexed voting power at the snapshot. */
  exceptions: VotingPowerException[]
  /** Proposals with votes that could not be checked, and why. */
  unchecked: { governor: string; proposalId: bigint; reason: string }[]
}

/**
 * The voting-power cross-check (issue 4): every vote's weight must equal the voter's
 * indexed voting power at the proposal's snapshot block (a fractional voter's votes may
 * sum to less). Exceptions reveal missing token events or a wrong snapshot clock.
 */
export function votingPowerCheck(db: Db, dao: Dao, p: { governor?: string; id?: bigint } = {}): VotingPowerCheckResult {
  const proposals = p.id !== undefined ? [getGovernorProposal(db, dao, { id: p.id, ...(p.governor ? { governor: p.governor } : {}) })] : listGovernorProposals(db, dao, p.governor ? { governor: p.governor } : {})
  const result: VotingPowerCheckResult = { checked: 0, partial: [], exceptions: [], unchecked: [] }
  for (const proposal of proposals) {
    if (proposal.votes === 0) continue
    const { voters, unchecked } = proposalVoters(db, dao, proposal)
    if (unchecked !== null) {
      result.unchecked.push({ governor: proposal.governor, proposalId: proposal.id, reason: unchecked })
      continue
    }
    for (const v of voters) {
      result.checked++
      if (v.verdict === 'ok') continue
      const row = { governor: proposal.governor, proposalId: proposal.id, voter: v.voter, snapshotBlock: proposal.snapshotBlock!, cast: v.weight, votingPower: v.votingPower! }
      if (v.verdict === 'partial') result.partial.push(row)
      else result.exceptions.push(row)
    }
  }
  return result
}

/**
 * Proposal ids as the vote-source registry (proposalVotes.ts) names them: the decimal id,
 * or `<id>@<governor>` when the same id exists under two governors of the DAO.
 */
function refIds(proposals: readonly GovernorProposal[]): string[] {
  const count = new Map<string, number>()
  for (const p of proposals) count.set(p.id.toString(), (count.get(p.id.toString()) ?? 0) + 1)
  return proposals.map((p) => (count.get(p.id.toString())! > 1 ? `${p.id}@${p.governor}` : p.id.toString()))
}

/** Parse a registry id: decimal or 0x id, optionally `@<governor address>`. */
function parseGovernorRef(ref: string): { id: bigint; governor?: string } | undefined {
  const m = /^(\d+|0x[0-9a-fA-F]+)(?:@(0x[0-9a-fA-F]{40}))?$/.exec(ref.trim())
  if (!m) return undefined
  const id = BigInt(m[1]!)
  if (id >= 1n << 256n) return undefined
  return m[2] ? { id, governor: m[2].toLowerCase() } : { id }
}

/**
 * The governor source for `proposalVotes.ts`' READERS: proposals with their counting
 * mode, the quorum that applied, the state (the governor's own when known) and the
 * snapshot block (a block number even for timestamp clocks), and votes per event.
 */
export const governorVoteReader: VoteSourceReader = {
  proposals(db, dao): ProposalRef[] {
    const proposals = listGovernorProposals(db, dao)
    const ids = refIds(proposals)
    return proposals.map((p, i) => ({
      source: 'governor',
      id: ids[i]!,
      title: p.title,
      scale: 0,
      countingMode: p.governorKind === 'oz' ? p.countingMode : p.governorKind,
      quorum: p.quorum,
      state: p.state,
      snapshotBlock: p.snapshotBlock,
    }))
  },
  votes(db, dao, id): StoredVote[] {
    const ref = parseGovernorRef(id)
    if (!ref) throw new UsageError(`"${id}" is not a governor proposal id (decimal or 0x hex, optionally @<governor address>).`)
    return governorProposalVotes(db, dao, getGovernorProposal(db, dao, ref))
  },
}

