import { UsageError } from '../errors.js'
import { minimumRemoval, type MinimumRemovalResult } from './minimumRemoval.js'
import { nakamoto } from './nakamoto.js'
import { quorumWeight, type CountingRule, type Tally } from './rules/countingRule.js'
import { mergeVotes, tallyVotes, voteWeight, type Vote } from './vote.js'

export { summarizeDecisive, type SummarizeDecisiveParameters, type SummarizeDecisiveResult } from './summarizeDecisive.js'
export {
  counterfactualNonVoters,
  type CounterfactualNonVotersParameters,
  type CounterfactualNonVotersResult,
} from './counterfactualNonVoters.js'
export { decisiveSnapshot, type DecisiveSnapshotParameters, type DecisiveSnapshotResult } from './decisiveSnapshot.js'

export type GovernorOutcome = 'passed' | 'defeated' | 'quorum-failed'

/**
 * Which removal flips the proposal: `for-margin` (for ≤ against after), `quorum`
 * (quorum lost), `against-margin` (a defeated proposal's against side removed).
 */
export type DecisiveStrategy = 'for-margin' | 'quorum' | 'against-margin'

export type DecisiveParameters = {
  /** Votes as cast; several rows of one voter (fractional voting) are merged. */
  votes: readonly Vote[]
  /** The quorum that applied to this proposal (vote units, >= 0). */
  quorum: bigint
  rule: CountingRule
  /** Whale-decided when decisive <= whales (default 1). */
  whales?: number
  /** Search budget for the one case greedy is not exact (see `decisive`). */
  maxNodes?: number
}

export type DecisiveResult = {
  outcome: GovernorOutcome
  /** Fewest voters whose removal flips the outcome; null when no removal can. */
  decisive: number | null
  /** One smallest such set, largest contribution first. */
  decisiveVoters: string[]
  strategy: DecisiveStrategy | null
  whaleDecided: boolean
  /** True when `decisive` is proven minimal (always, except a search cut short by maxNodes). */
  exact: boolean
  /** Nakamoto coefficient (threshold 1/2) of the votes cast, over total votes cast. */
  nakamoto: number | null
  tally: Tally
  quorum: bigint
  /** The rule's id and COUNTING_MODE. */
  rule: { id: CountingRule['id']; countingMode: string }
  whales: number
  /** Distinct voters. */
  voters: number
}

/**
 * Decisive voters of one Governor proposal (DESIGN §7, removal counterfactual).
 *
 * The outcome comes from the votes: passed iff quorumReached && voteSucceeded;
 * quorum-failed iff quorum not reached; defeated otherwise. Removing a voter removes
 * all of their amounts (for, against and abstain alike).
 *
 * - passed: the minimum of (a) fewest voters whose removal makes for <= against —
 *   greedy on each voter's `for − against`, needing Σ ≥ F − A — and (b) fewest voters
 *   whose removal makes the quorum fail — greedy on each voter's quorum-counting amount
 *   (for, or for + abstain), needing Σ > QW − quorum. The flip condition is "(a) or
 *   (b)", so the minimum over both is the minimum over all removal sets; each greedy is
 *   exact (k items never sum past the k largest).
 * - defeated with quorum met: fewest voters whose removal makes for > against while
 *   quorum still holds: Σ(against − for) > A − F with Σ quorum-amount ≤ QW − quorum.
 *   With simple votes the against voters count nothing toward quorum and greedy by
 *   against is exact. A fractional voter who also cast for/abstain spends quorum slack,
 *   which makes this a two-constraint knapsack: then `minimumRemoval` searches exactly
 *   (branch and bound) and sets exact = false only if `maxNodes` runs out.
 *   null when impossible (e.g. nobody voted for).
 * - quorum-failed: null — removing voters never adds quorum weight.
 *
 * Assumes the rule succeeds on for > against and reaches quorum on its `quorumSupports`
 * sum (true of every rule in rules/). Ties between strategies prefer the margin.
 */
export function decisive({ votes, quorum, rule, whales = 1, maxNodes }: DecisiveParameters): DecisiveResult {
  if (quorum < 0n) throw new UsageError(`quorum must be >= 0; got ${quorum}`)
  if (!Number.isSafeInteger(whales) || whales < 0) throw new UsageError(`--whales must be a non-negative integer; got ${whales}`)
  const merged = mergeVotes(votes)
  const tally = tallyVotes(merged)
  const quorumOf = (v: Vote | Tally) => quorumWeight(v as Tally, rule.quorumSupports)
  const qw = quorumOf(tally)
  const reached = rule.quorumReached(tally, quorum)
  const succeeded = rule.voteSucceeded(tally)
  const outcome: GovernorOutcome = !reached ? 'quorum-failed' : succeeded ? 'passed' : 'defeated'

  let found: { strategy: DecisiveStrategy; removal: MinimumRemovalResult } | null = null
  let exact = true
  if (outcome === 'passed') {
    const margin = minimumRemoval({
      items: merged.map((v) => ({ id: v.voter, key: v.for - v.against, cost: 0n })),
      target: tally.for - tally.against,
    })
    const quorumLoss = minimumRemoval({
      items: merged.map((v) => ({ id: v.voter, key: quorumOf(v), cost: 0n })),
      target: qw - quorum + 1n,
    })
    exact = margin.exact && quorumLoss.exact
    if (margin.count !== null && (quorumLoss.count === null || margin.count <= quorumLoss.count))
      found = { strategy: 'for-margin', removal: margin }
    else if (quorumLoss.count !== null) found = { strategy: 'quorum', removal: quorumLoss }
  } else if (outcome === 'defeated') {
    const removal = minimumRemoval({
      items: merged.map((v) => ({ id: v.voter, key: v.against - v.for, cost: quorumOf(v) })),
      target: tally.against - tally.for + 1n,
      budget: qw - quorum,
      ...(maxNodes === undefined ? {} : { maxNodes }),
    })
    exact = removal.exact
    if (removal.count !== null) found = { strategy: 'against-margin', removal }
  }

  const count = found?.removal.count ?? null
  return {
    outcome,
    decisive: count,
    decisiveVoters: found?.removal.chosen ?? [],
    strategy: found?.strategy ?? null,
    whaleDecided: count !== null && count <= whales,
    exact,
    nakamoto: nakamoto({ weights: merged.map((v) => ({ address: v.voter, weight: voteWeight(v) })) }).k,
    tally,
    quorum,
    rule: { id: rule.id, countingMode: rule.countingMode },
    whales,
    voters: merged.length,
  }
}
