import { UsageError } from '../errors.js'
import { HALF, share, type Ratio } from './ratio.js'
import { rankingOf, settleRun, topOrder, type WeightRanking } from './weightOrder.js'
import { asPopulation, type Weights } from './population.js'

export type NakamotoParameters = {
  weights: Weights
  /**
   * The denominator: total voting power, total supply, or total votes cast (the caller
   * says which in its output). Defaults to the sum of `weights`. It may exceed that sum
   * (e.g. total supply including undelegated tokens), which can make k impossible.
   */
  total?: bigint
  /** Share to exceed, strictly: 0 < num/den < 1. Default 1/2. */
  threshold?: Ratio
  /**
   * `weightOrder(weights)` of these same weights, when the caller ranks them anyway (to
   * measure `concentration` too): walked instead of ranking a head again. Its runs of
   * equal keys are settled in place, which leaves it valid for `concentration`.
   */
  ranking?: WeightRanking
}

export type NakamotoTop = { address: string; weight: bigint; share: number }

export type NakamotoResult = {
  /** Smallest k whose k largest weights sum to strictly more than threshold × total; null if none. */
  k: number | null
  total: bigint
  threshold: Ratio
  /** Holders with weight > 0 (zero weights never change k). */
  population: number
  /** Sum of all positive weights given (≤ total in consistent input). */
  weightSum: bigint
  /** Sum of the top-k weights (0n when k is null). */
  topWeight: bigint
  /** The k largest holders, byWeightDesc; share = weight / total. Empty when k is null. */
  top: NakamotoTop[]
}

/**
 * Nakamoto coefficient: the smallest k such that the k largest weights sum to strictly
 * more than `threshold × total`, compared as `sum × den > total × num` (no float).
 *
 * Edges: ties in weight do not matter (every order of equal weights gives the same
 * prefix sums, hence the same k; the listed `top` breaks ties by address). `total = 0`
 * (nobody holds anything) gives k = null, as does a `total` larger than the weights can
 * exceed (all weights together ≤ threshold × total). A single holder of everything has
 * k = 1. A weight exactly at the threshold is not enough: 50 of 100 at 1/2 is not > 50.
 */
export function nakamoto({ weights: given, total, threshold = HALF, ranking: full }: NakamotoParameters): NakamotoResult {
  const weights = asPopulation(given)
  // Checks weights >= 0 first (weightOrder did, for a given ranking); sums them in input order, where they lie in memory.
  const { keys, population, sum: weightSum } = full ?? weights.keys()
  if (threshold.den <= 0n || threshold.num <= 0n || threshold.num >= threshold.den)
    throw new UsageError(`threshold must be in (0, 1); got ${threshold.num}/${threshold.den}`)
  const denominator = total ?? weightSum
  if (denominator < 0n) throw new UsageError(`total must be >= 0; got ${denominator}`)
  const base = { total: denominator, threshold, population, weightSum }
  if (denominator === 0n) return { ...base, k: null, topWeight: 0n, top: [] }
  // Usually a few holders decide: rank only the head (topOrder), 8 times longer until the
  // threshold is crossed or the head is everyone (a given full ranking is everyone at
  // once). Each run of equal keys is settled (byWeightDesc) before it is summed, so the
  // walk follows the exact ranking.
  for (let count = Math.min(population, 256); ; count = Math.min(population, count * 8)) {
    const ranking = full ?? rankingOf(keys, population, topOrder(keys, population, count))
    const { order } = ranking
    let sum = 0n
    let settled = 0
    for (let r = 0; r < order.length; r++) {
      if (r === settled) settled = settleRun(weights, ranking, r, 'address')
      sum += weights.weight(order[r]!)
      if (sum * threshold.den > denominator * threshold.num) {
        const top = Array.from(order.subarray(0, r + 1), (i) => {
          const weight = weights.weight(i)
          return { address: weights.address(i), weight, share: share(weight, denominator) }
        })
        return { ...base, k: r + 1, topWeight: sum, top }
      }
    }
    if (order.length === population) return { ...base, k: null, topWeight: 0n, top: [] }
  }
}
