/**
 * The composition every analysis command (and the demo, and the report) shares: read the
 * weights a query asks for, apply labels, run the pure metric, and package what the
 * renderers need to state basis, denominator, block and labels.
 */
import type { Db } from '../store/db.js'
import type { Dao } from '../store/daos.js'
import { resolveWeights, type ResolvedWeights, type ResolveWeightsParameters } from '../store/weights.js'
import type { LoadedLabels } from '../config/labelsFile.js'
import { applyLabels, type ApplyLabelsResult } from '../analysis/labels.js'
import { nakamoto } from '../analysis/nakamoto.js'
import { concentration } from '../analysis/concentration.js'
import { weightKeys, weightOrder, type WeightRanking } from '../analysis/weightOrder.js'
import type { Ratio } from '../analysis/ratio.js'
import type { NakamotoReport } from '../report/nakamoto.js'
import type { ConcentrationReport } from '../report/concentration.js'
import { listProposals, proposalVotes, type ProposalRef, type StoredVote } from '../store/proposalVotes.js'
import type { VoteSource } from '../store/voteSources.js'
import { ceilScaled, type DecimalAmount } from '../config/decimalAmount.js'
import { decisive, summarizeDecisive } from '../analysis/decisive.js'
import { entityAddress } from '../analysis/labels.js'
import { mergeVotes, voteWeight } from '../analysis/vote.js'
import { ruleFor, rules, type CountingRule } from '../analysis/rules/index.js'
import type { DecisiveReport, DecisiveRow } from '../report/decisive.js'
import type { SnapshotDecisiveRow } from '../report/decisiveSnapshot.js'
import { decisiveSnapshot } from '../analysis/decisiveSnapshot.js'
import { isSnapshotType } from '../analysis/snapshotScoring.js'
import { readFittingSnapshotVotes } from '../store/snapshotVoteReader.js'
import { UsageError } from '../errors.js'

/** The report, with the labelled weights it counted (the report's holder lists reuse them). */
export type MeasuredNakamoto = NakamotoReport & { labels: { applied: ApplyLabelsResult } }

/** The weights a query reads, with labels applied: what both holder measures start from. */
type Labelled = { measured: ResolvedWeights; counted: ApplyLabelsResult }

function readLabelled(db: Db, dao: Dao, query: ResolveWeightsParameters, labels: LoadedLabels): Labelled {
  const measured = resolveWeights(db, dao, query)
  return { measured, counted: applyLabels({ weights: measured.weights, labels: labels.map }) }
}

export function measureNakamoto(db: Db, dao: Dao, query: ResolveWeightsParameters & { threshold: Ratio }, labels: LoadedLabels): MeasuredNakamoto {
  refuseSnapshotOnChainDenominator(db, dao, query)
  return nakamotoOf(dao, readLabelled(db, dao, query, labels), query.threshold, labels)
}

export function measureConcentration(db: Db, dao: Dao, query: ResolveWeightsParameters, labels: LoadedLabels): ConcentrationReport {
  return concentrationOf(dao, readLabelled(db, dao, query, labels), labels)
}

/**
 * Both holder measures of one population, as `measureNakamoto` and `measureConcentration`
 * give them, from one read and one ranking (which `lorenz` can share too): what a report
 * or a scan row shows side by side. `read` is the population as read, before labels.
 */
export function measureHolders(
  db: Db,
  dao: Dao,
  query: ResolveWeightsParameters & { threshold: Ratio },
  labels: LoadedLabels,
): { nakamoto: MeasuredNakamoto; concentration: ConcentrationReport; ranking: WeightRanking; read: ResolvedWeights['weights'] } {
  refuseSnapshotOnChainDenominator(db, dao, query)
  const labelled = readLabelled(db, dao, query, labels)
  const ranking = weightOrder(labelled.counted.weights)
  return {
    nakamoto: nakamotoOf(dao, labelled, query.threshold, labels, ranking),
    concentration: concentrationOf(dao, labelled, labels, ranking),
    ranking,
    read: labelled.measured.weights,
  }
}

function nakamotoOf(dao: Dao, { measured, counted }: Labelled, threshold: Ratio, labels: LoadedLabels, ranking?: WeightRanking): MeasuredNakamoto {
  // The same labels apply to the denominator's population (exclusions leave the total too).
  const denominated =
    measured.denominatorWeights === measured.weights ? counted : applyLabels({ weights: measured.denominatorWeights, labels: labels.map })
  // Its own total is the one nakamoto sums anyway: no second pass over a million weights.
  const total = denominated === counted ? undefined : weightKeys(denominated.weights).sum
  const result = nakamoto({ weights: counted.weights, total, threshold, ...(ranking ? { ranking } : {}) })
  return { dao: dao.name, measured, result, labels: { file: labels.file, applied: counted }, names: counted.names }
}

function concentrationOf(dao: Dao, { measured, counted }: Labelled, labels: LoadedLabels, ranking?: WeightRanking): ConcentrationReport {
  const result = concentration({ weights: counted.weights, ...(ranking ? { ranking } : {}) })
  return { dao: dao.name, measured, result, labels: { file: labels.file, applied: counted } }
}

/** Snapshot vp is not in token units: votes cast on a Snapshot proposal are measured over their own total only. */
function refuseSnapshotOnChainDenominator(db: Db, dao: Dao, query: ResolveWeightsParameters): void {
  if (query.proposal === undefined || query.denominator === undefined || query.denominator === 'votes-cast') return
  const [ref] = listProposals(db, dao, { proposal: query.proposal, ...(query.source ? { source: query.source } : {}) })
  if (ref?.source === 'snapshot')
    throw new UsageError(
      `Proposal ${ref.id} is a Snapshot proposal: its vp is the space's strategy score (an off-chain float), not token units, so it cannot be divided by --denominator ${query.denominator}; use --denominator votes-cast.`,
    )
}

/**
 * A proposal that was canceled, or whose vote has not ended, has no outcome to flip: its
 * tally must not be read as passed or defeated (DESIGN §8: `decisive` is null for them).
 */
export function unsettledOutcome(ref: Pick<ProposalRef, 'state'>): 'canceled' | 'pending' | null {
  if (ref.state === 'canceled') return 'canceled'
  if (ref.state === 'pending' || ref.state === 'active') return 'pending'
  return null
}

export type DecisiveQuery = {
  proposal?: string
  source?: VoteSource
  /** --rule / --quorum override what the source says (imported votes carry neither). */
  rule?: CountingRule
  quorum?: DecimalAmount
  whales: number
}

/** Every stored proposal (or one), assessed under its counting rule, and the whale-decided summary. */
export function measureDecisive(db: Db, dao: Dao, query: DecisiveQuery, labels: LoadedLabels): DecisiveReport {
  const refs = listProposals(db, dao, { proposal: query.proposal, source: query.source })
  // --rule / --quorum name a Governor counting rule: asked of Snapshot proposals alone, they are a mistake.
  if ((query.rule || query.quorum) && refs.length > 0 && refs.every((ref) => ref.source === 'snapshot'))
    throw new UsageError('--rule and --quorum apply to Governor and imported votes; Snapshot proposals are counted by their own type and quorum.')
  return decisiveOfRefs(db, dao, refs, query, labels)
}

/** These proposals, in this order, assessed as `measureDecisive` does, and the whale-decided summary over them. */
/**
 * `votesOf`: how a governor or imported proposal's votes are read, called exactly once per
 * such proposal (a caller may count what it sees on the way: scan counts voters so).
 */
export function decisiveOfRefs(
  db: Db,
  dao: Dao,
  refs: readonly ProposalRef[],
  query: DecisiveQuery,
  labels: LoadedLabels,
  votesOf: (ref: ProposalRef) => StoredVote[] = (ref) => proposalVotes(db, dao, ref),
): DecisiveReport {
  const rows = refs.map((ref) => (ref.source === 'snapshot' ? assessSnapshot(db, dao, ref, query.whales) : assess(ref, votesOf(ref), query, labels)))
  const summary = summarizeDecisive({ results: rows.filter((r) => r.assessed && r.unsettled === null).map((r) => r.result), whales: query.whales })
  return { dao: dao.name, whales: query.whales, summary, proposals: rows, labelsFile: labels.file }
}

/**
 * One Snapshot proposal through `decisiveSnapshot` (exact for single-choice and basic, a
 * greedy bound otherwise): the hub's floats as stored, the votes whose choice fits the
 * type (the others are out of the hub's scores too), the proposal's quorum against the
 * total. Labels are not applied: an entity's addresses may have chosen differently.
 */
export function assessSnapshot(db: Db, dao: Dao, ref: ProposalRef, whales: number): SnapshotDecisiveRow {
  const { proposal, votes, leftOut } = readFittingSnapshotVotes(db, dao, ref.id)
  const row = { kind: 'snapshot' as const, ref, choices: proposal.choices, unsettled: unsettledOutcome(ref), anomalies: leftOut }
  if (!isSnapshotType(proposal.type))
    return { ...row, assessed: false, result: { outcome: 'not-scored', decisive: null, exact: false, type: proposal.type } }
  const result = decisiveSnapshot({ votes, type: proposal.type, quorum: proposal.quorum, choices: proposal.choices, whales })
  return { ...row, assessed: true, result }
}

/** One proposal: rule and quorum from the flags or the source, labels applied, then `decisive`. */
function assess(ref: ProposalRef, stored: StoredVote[], opts: DecisiveQuery, labels: LoadedLabels): DecisiveRow {
  const rule = opts.rule ?? (ref.countingMode !== null ? ruleFor(ref.countingMode) : undefined)
  const quorum = opts.quorum !== undefined ? ceilScaled(opts.quorum, ref.scale) : (ref.quorum ?? 0n)
  // An entity's addresses are one voter: removing it removes all of them.
  const votes = stored.map((v) => {
    const label = labels.map.get(v.voter)
    return label?.entity !== undefined && !label.exclude ? { ...v, voter: entityAddress(label.entity) } : v
  })
  // Unassessed proposals are counted with quorum 0 (any rule then reads for > against); decisive is not reported.
  const result = decisive({ votes, quorum: rule ? quorum : 0n, rule: rule ?? rules.bravo, whales: opts.whales })
  const applied = applyLabels({
    weights: mergeVotes(stored).map((v) => ({ address: v.voter, weight: voteWeight(v) })),
    labels: labels.map,
  })
  return {
    ref,
    result,
    assessed: rule !== undefined,
    unsettled: unsettledOutcome(ref),
    ruleFrom: opts.rule ? 'flag' : rule ? 'source' : null,
    quorumFrom: rule === undefined ? 'default-zero' : opts.quorum !== undefined ? 'flag' : ref.quorum !== null ? 'source' : 'default-zero',
    nakamoto: nakamoto({ weights: applied.weights }).k,
    labels: applied,
  }
}
