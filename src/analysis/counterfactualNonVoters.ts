import { UsageError } from '../errors.js'
import type { CountingRule, Tally } from './rules/countingRule.js'
import type { GovernorOutcome } from './decisive.js'
import { assertWeights, byWeightDesc, positiveWeights, sumWeights, type Weighted } from './weights.js'

export type CounterfactualNonVotersParameters = {
  tally: Tally
  quorum: bigint
  rule: CountingRule
  /** Voting power at the proposal's snapshot of delegates who did not vote. */
  nonVoters: readonly Weighted[]
  /** How many of the largest non-voters to ask about (default 10). */
  k?: number
}

export type CounterfactualNonVotersResult = {
  outcome: GovernorOutcome
  /** How the non-voters would have voted to flip it: against a passed proposal, for otherwise. */
  direction: 'against' | 'for'
  k: number
  /** The k largest non-voters (weight > 0), byWeightDesc. */
  considered: Weighted[]
  consideredWeight: bigint
  /** Fewest non-voters (any of them, largest first) whose votes flip it; null if all together cannot. */
  needed: number | null
  /** Those non-voters. */
  flippers: Weighted[]
  /** True when needed <= k: the k largest non-voters could have flipped it. */
  flipped: boolean
}

/**
 * Would the largest non-voting delegates have flipped the outcome?
 *
 * A passed proposal gets their weight as `against`; a defeated or quorum-failed one gets
 * it as `for` (which also counts toward quorum under every rule). Adding weight moves
 * each condition monotonically, so the fewest non-voters needed are the largest ones:
 * any m of them add at most what the m largest add — greedy by weight is exact.
 *
 * Edges: non-voters with weight 0 are ignored; with none left, needed is null.
 * A passed proposal with against added never fails quorum here (against counts toward
 * no rule's quorum), so only the margin can flip it.
 */
export function counterfactualNonVoters({
  tally,
  quorum,
  rule,
  nonVoters,
  k = 10,
}: CounterfactualNonVotersParameters): CounterfactualNonVotersResult {
  assertWeights(nonVoters)
  if (!Number.isSafeInteger(k) || k < 0) throw new UsageError(`k must be a non-negative integer; got ${k}`)
  const passes = (t: Tally) => rule.quorumReached(t, quorum) && rule.voteSucceeded(t)
  const passedNow = passes(tally)
  const outcome: GovernorOutcome = passedNow ? 'passed' : rule.quorumReached(tally, quorum) ? 'defeated' : 'quorum-failed'
  const direction = passedNow ? 'against' : 'for'
  const ranked = positiveWeights(nonVoters).sort(byWeightDesc)
  const considered = ranked.slice(0, k)
  let needed: number | null = null
  let added = 0n
  for (const [i, nv] of ranked.entries()) {
    added += nv.weight
    const t = { ...tally, [direction]: tally[direction] + added }
    if (passes(t) !== passedNow) {
      needed = i + 1
      break
    }
  }
  return {
    outcome,
    direction,
    k,
    considered,
    consideredWeight: sumWeights(considered),
    needed,
    flippers: needed === null ? [] : ranked.slice(0, needed),
    flipped: needed !== null && needed <= k,
  }
}
