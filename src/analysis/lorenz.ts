import { UsageError } from '../errors.js'
import { share } from './ratio.js'
import { assertWeights, positiveWeights, sumWeights } from './weights.js'
import { entriesOf, type Weights } from './population.js'

export type LorenzParameters = {
  weights: Weights
  /** Number of intervals; the curve has `points + 1` points, x = 0, 1/points, ..., 1. Default 100. */
  points?: number
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
 * Edges: an empty or all-zero population gives the line of equality y = x (nothing to
 * be unequal about, consistent with a Gini of 0); one holder gives y = x too.
 * `points` must be a positive safe integer (UsageError otherwise).
 */
export function lorenz({ weights: given, points = 100 }: LorenzParameters): LorenzResult {
  const weights = entriesOf(given)
  assertWeights(weights)
  if (!Number.isSafeInteger(points) || points < 1)
    throw new UsageError(`points must be a positive integer; got ${points}`)
  const ascending = positiveWeights(weights)
    .map((w) => w.weight)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  const n = ascending.length
  const total = sumWeights(positiveWeights(weights))
  const curve: LorenzPoint[] = []
  if (n === 0) {
    for (let j = 0; j <= points; j++) curve.push({ x: j / points, y: j / points })
    return { population: 0, total, curve }
  }
  const cumulative: bigint[] = [0n]
  for (const w of ascending) cumulative.push(cumulative[cumulative.length - 1]! + w)
  const P = BigInt(points)
  const N = BigInt(n)
  for (let j = 0; j <= points; j++) {
    const J = BigInt(j)
    const position = J * N // x·n·P
    const i = position / P
    const num =
      i >= N ? cumulative[n]! * P : cumulative[Number(i)]! * P + (position - i * P) * ascending[Number(i)]!
    curve.push({ x: j / points, y: share(num, total * P) })
  }
  return { population: n, total, curve }
}
