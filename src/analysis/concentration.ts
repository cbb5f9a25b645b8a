import { reduceRatio, share, type Ratio } from './ratio.js'
import { nakamoto } from './nakamoto.js'
import { settleRuns, weightOrder, type WeightOrderResult, type WeightRanking } from './weightOrder.js'
import { asPopulation, type Population, type Weights } from './population.js'

export { lorenz, type LorenzParameters, type LorenzPoint, type LorenzResult } from './lorenz.js'

export type ConcentrationParameters = {
  weights: Weights
  /** `weightOrder(weights)` of these same weights, shared with `nakamoto`: used instead of ranking again. */
  ranking?: WeightRanking
}

export type TopWeights = { top1: bigint; top5: bigint; top10: bigint; top100: bigint }

export type ConcentrationResult = {
  /** Holders with weight > 0: every measure below is over this population. */
  population: number
  /** Sum of their weights: the denominator of every share. */
  total: bigint
  /** Gini coefficient, exact, in lowest terms: 0 = equal, → 1 = one holder of all. */
  giniExact: Ratio
  gini: number
  /** Herfindahl–Hirschman index on shares: 10000 · Σ w² / T², exact. 10000 = one holder. */
  hhiExact: Ratio
  hhi: number
  /** Shannon entropy of the shares in nats, −Σ p ln p: a float (see `concentration`). */
  entropy: number
  top1: number
  top5: number
  top10: number
  top100: number
  /** Exact sums behind top1..top100 (fewer holders than n: all of them). */
  topWeight: TopWeights
  /**
   * Nakamoto coefficient over this population's own total: the fewest holders with
   * strictly more than half of it (`nakamoto` with its default threshold); null when
   * nobody holds anything.
   */
  nakamoto: number | null
}

/**
 * Concentration of a weight distribution over the holders with weight > 0.
 *
 * - Gini, exact: with x ascending, G = (2·Σ i·x_i − (n+1)·T) / (n·T), i from 1.
 * - HHI, exact: 10000·Σ w_i² / T² (0..10000; 10000/n for n equal holders).
 * - Entropy in nats: −Σ p_i ln p_i with p_i = w_i / T as floats (ln has no exact form;
 *   error ~1e-15 relative per term). ln(n) for n equal holders.
 * - topN: share of the N largest (all of them when fewer than N).
 * - nakamoto: the fewest holders with more than half of T.
 *
 * Edges: no holders (empty or all zero) → population 0, total 0, every measure 0 (Gini
 * 0/1, HHI 0/1). One holder → Gini 0 (no inequality among holders; zero-weight
 * addresses are not counted), HHI 10000, entropy 0, every top share 1.
 */
export function concentration({ weights: given, ranking }: ConcentrationParameters): ConcentrationResult {
  const weights = asPopulation(given)
  ranking ??= weightOrder(weights) // checks weights >= 0
  const { order, population: n, sum: total } = ranking
  if (n === 0) {
    const zero: Ratio = { num: 0n, den: 1n }
    return {
      population: 0, total: 0n, giniExact: zero, gini: 0, hhiExact: zero, hhi: 0, entropy: 0,
      top1: 0, top5: 0, top10: 0, top100: 0, topWeight: { top1: 0n, top5: 0n, top10: 0n, top100: 0n }, nakamoto: null,
    }
  }
  // Exact by weight (ties do not change any measure), so each holder's rank is exact.
  settleRuns(weights, ranking, 'any')
  // Rank of each input entry, so the exact pass below reads the weights in input order
  // (where they lie in memory: walking them in rank order costs a cache miss per holder).
  // With x ascending and i from 1, Σ i·x_i = Σ (n − rank)·w over descending ranks from 0,
  // so the multiplier n − rank is stored directly (0 for zero weights, which add nothing).
  const multiplier = new Uint32Array(weights.size)
  for (let r = 0; r < n; r++) multiplier[order[r]!] = n - r
  const { squares, weighted: weightedRanks } = weights.moments(multiplier)
  const topSum = (count: number) => {
    let sum = 0n
    for (let r = 0; r < Math.min(count, n); r++) sum += weights.weight(order[r]!)
    return sum
  }
  const topWeight: TopWeights = { top1: topSum(1), top5: topSum(5), top10: topSum(10), top100: topSum(100) }
  const N = BigInt(n)
  const giniExact = reduceRatio({ num: 2n * weightedRanks - (N + 1n) * total, den: N * total })
  const hhiExact = reduceRatio({ num: 10000n * squares, den: total * total })
  return {
    population: n,
    total,
    giniExact,
    gini: share(giniExact.num, giniExact.den),
    hhiExact,
    hhi: share(hhiExact.num, hhiExact.den),
    entropy: Math.max(0, entropyOf(weights, ranking, total)),
    top1: share(topWeight.top1, total),
    top5: share(topWeight.top5, total),
    top10: share(topWeight.top10, total),
    top100: share(topWeight.top100, total),
    topWeight,
    // On the ranking settled above, so no second sort.
    nakamoto: nakamoto({ weights, ranking }).k,
  }
}

/**
 * −Σ p ln p with p = w / T, summed largest first (so the float result depends on the
 * weights only, not on their input order). When T is a finite double (below 2^1024,
 * true of any sum of uint256 amounts) p is key / Number(T): two correctly rounded
 * conversions and a division, ≤ ~3·2^-53 relative error, the order of `share`'s (exact
 * to ~2^-64, then rounded). Beyond that, each share is computed from the bigints.
 */
function entropyOf(weights: Population, { order, ranked }: WeightOrderResult, total: bigint): number {
  const T = Number(total)
  let entropy = 0
  for (let r = 0; r < order.length; r++) {
    const p = Number.isFinite(T) ? ranked[r]! / T : share(weights.weight(order[r]!), total)
    if (p > 0) entropy -= p * Math.log(p)
  }
  return entropy
}
