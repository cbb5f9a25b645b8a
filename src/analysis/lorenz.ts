import { UsageError } from '../errors.js'
import { share } from './ratio.js'
import { asPopulation, type Weights } from './population.js'
import { settleRuns, weightOrder, type WeightRanking } from './weightOrder.js'

export type LorenzParameters = {
  weights: Weights
  /** Number of intervals; the curve has `points + 1` points, x = 0, 1/points, ..., 1. Default 100. */
  points?: number
  /** `weightOrder(weights)` of these same weights, shared with `nakamoto` / `concentration`. */
  ranking?: WeightRanking
}

export type LorenzPoint = { x: number; y: number }

export type LorenzResult = {
  /** Holders with weight > 0: the population on the x axis. */
  population: number
  total: bigint
  curve: LorenzPoint[]
}

/**
 * Lorenz curve for a chart: holders with weight > 0 sorted ascending; x is the share of
 * holders, y the share of weight they hold. Between holders the curve is the straight
 * line of the exact piecewise-linear Lorenz curve, evaluated exactly in bigint and
 * converted last: y(x) = (C_i·P + (x·n·P − i·P)·w_{i+1}) / (T·P), i = ⌊x·n⌋.
 *
 * Only the `points + 1` sums C_i are needed: each is the total less the n − i largest
 * weights, summed along the (exactly settled) descending ranking, so a million holders
 * cost one ranking and one pass, not a bigint sort.
 *
 * Edges: an empty or all-zero population gives the line of equality y = x (nothing to
 * be unequal about, consistent with a Gini of 0); one holder gives y = x too.
 * `points` must be a positive safe integer (UsageError otherwise). UsageError for a
 * negative weight.
 */
export function lorenz({ weights: given, points = 100, ranking }: LorenzParameters): LorenzResult {
  if (!Number.isSafeInteger(points) || points < 1)
    throw new UsageError(`points must be a positive integer; got ${points}`)
  const weights = asPopulation(given)
  ranking ??= weightOrder(weights) // checks weights >= 0
  const { population: n, sum: total, order } = ranking
  if (n === 0) return { population: 0, total, curve: Array.from({ length: points + 1 }, (_, j) => ({ x: j / points, y: j / points })) }
  // Exact by weight, so rank n − 1 − i holds the (i + 1)-th smallest weight.
  settleRuns(weights, ranking, 'any')
  const P = BigInt(points)
  const N = BigInt(n)
  const at = Array.from({ length: points + 1 }, (_, j) => {
    const position = BigInt(j) * N // x·n·P
    return { position, i: Number(position / P) }
  })
  // C_i = total − (sum of the n − i largest); the sums are taken in ascending count order.
  const largest = weights.prefixSums(order, at.map(({ i }) => n - i).reverse()).reverse()
  const curve = at.map(({ position, i }, j): LorenzPoint => {
    const cumulative = total - largest[j]!
    const num = i >= n ? total * P : cumulative * P + (position - BigInt(i) * P) * weights.weight(order[n - 1 - i]!)
    return { x: j / points, y: share(num, total * P) }
  })
  return { population: n, total, curve }
}
