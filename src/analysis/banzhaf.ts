import { UsageError } from '../errors.js'
import { monteCarloSwings } from './monteCarloSwings.js'
import { gcd, share, type Ratio } from './ratio.js'
import { enumerateSwings } from './enumerateSwings.js'
import { swingProbabilities } from './swingProbabilities.js'
import { wilsonInterval } from './wilsonInterval.js'
import { assertWeights, byWeightDesc, sumWeights, type Weighted } from './weights.js'

/**
 * - exact: the game exactly — weights divided by their gcd and counted by DP with
 *   integer-exact arithmetic (at most 53 voters), or, when that does not fit, every
 *   coalition listed in bigint (at most `maxEnumerate` voters). `swings` are exact counts.
 * - dp: the game exactly, counts in float64 with a proven `errorBound` on every
 *   `absolute` (used above 53 voters, where counts exceed 2^53).
 * - scaled-dp: weights rounded to multiples of `divisor` to fit the budget: an
 *   approximate game, approximate indices (no bound).
 * - hybrid: scaled-dp for voters with >= minUnits units of the divisor (their rounding
 *   error is under 1/(2·minUnits) of their weight), seeded Monte Carlo on the exact game
 *   with a 95% interval for the rest. Each index says which.
 * - monte-carlo: seeded Monte Carlo on the exact game for everyone, with 95% intervals.
 */
export type BanzhafMethod = 'exact' | 'dp' | 'scaled-dp' | 'hybrid' | 'monte-carlo'

export type BanzhafParameters = {
  weights: readonly Weighted[]
  /**
   * A coalition wins when its weight sum is >= quota. For "strictly more than half of
   * T" pass `banzhafQuota({ total: T })` (⌊T/2⌋ + 1). quota <= 0 (everyone, even the
   * empty coalition, wins) or quota > Σ weights (nobody can win) leaves no swings:
   * every index is 0.
   */
  quota: bigint
  /** auto (default): exact/dp when the exact game fits, else exact enumeration for few voters, else hybrid. Or force scaled-dp / monte-carlo. */
  method?: 'auto' | 'scaled-dp' | 'monte-carlo'
  /** Most DP states (float64 each, plus 16 bytes of prefix sums). Default 2,000,000. */
  maxStates?: number
  /** Most voter × state steps of DP work. Default 3e9 (about 3 s in Node 20: 10,000 voters × 252,000 states took 2.2 s). */
  maxWork?: number
  /** Monte Carlo samples. Default 20,000 (95% half-width ≤ ~0.007 on an absolute index). */
  samples?: number
  /** Monte Carlo seed (mulberry32). Default 1. */
  seed?: number
  /** hybrid: fewest divisor units for a voter to keep its scaled-dp estimate. Default 1000. */
  minUnits?: number
  /** auto: when the DP does not fit, up to this many voters are enumerated exactly (n·2^n). Default 16. */
  maxEnumerate?: number
}

export type BanzhafIndex = {
  address: string
  weight: bigint
  /** Exact swing count over all 2^(n−1) coalitions of the others (method exact only). */
  swings?: bigint
  /** Absolute Banzhaf index: the probability of being a swing in a random coalition of the others. */
  absolute: number
  /** Normalized Banzhaf index: absolute / Σ absolute (0 when nobody ever swings). */
  index: number
  /** 95% Wilson interval on `absolute` (Monte Carlo estimates only). */
  ci95?: [number, number]
  estimate: 'exact' | 'dp' | 'scaled-dp' | 'monte-carlo'
}

export type BanzhafResult = {
  method: BanzhafMethod
  quota: bigint
  total: bigint
  /** Voters with weight > 0 (zero-weight voters never swing; they are listed with index 0). */
  population: number
  /** Weights were divided by this: their gcd (exact game) or the rounding unit (scaled). */
  divisor: bigint
  /** DP states used (the effective quota in divisor units); 0 when no DP ran. */
  states: number
  /** dp: bound on |absolute − exact| for every voter; 0 when exact. */
  errorBound?: number
  samples?: number
  seed?: number
  /** byWeightDesc. */
  indices: BanzhafIndex[]
}

export type BanzhafQuotaParameters = { total: bigint; threshold?: Ratio }

/** Smallest integer sum that is strictly more than threshold × total (default 1/2): ⌊T·num/den⌋ + 1. */
export function banzhafQuota({ total, threshold = { num: 1n, den: 2n } }: BanzhafQuotaParameters): bigint {
  return (total * threshold.num) / threshold.den + 1n
}

/**
 * Banzhaf power of each voter for a weighted game [quota; w_1..w_n]: voter i swings a
 * coalition S ∌ i when Σ_S < quota <= Σ_S + w_i. Swing counts use the complement
 * symmetry swings(q) = swings(W − q + 1) (S swings ↔ the others' complement does), so
 * the DP runs to min(q, W − q + 1) states. See BanzhafMethod for which method gives what,
 * and swingProbabilities / monteCarloSwings for the algorithms and their error.
 */
export function banzhaf({
  weights,
  quota,
  method = 'auto',
  maxStates = 2_000_000,
  maxWork = 3e9,
  samples = 20_000,
  seed = 1,
  minUnits = 1000,
  maxEnumerate = 16,
}: BanzhafParameters): BanzhafResult {
  assertWeights(weights)
  if (!Number.isSafeInteger(maxStates) || maxStates < 1) throw new UsageError(`maxStates must be a positive integer; got ${maxStates}`)
  if (!Number.isSafeInteger(samples) || samples < 1) throw new UsageError(`samples must be a positive integer; got ${samples}`)
  const ranked = [...weights].sort(byWeightDesc)
  const positive = ranked.filter((w) => w.weight > 0n)
  const n = positive.length
  const total = sumWeights(positive)
  const zeros = BigInt(ranked.length - n)
  const base = { quota, total, population: n }
  const zeroIndex = (w: Weighted): BanzhafIndex => ({ address: w.address, weight: w.weight, absolute: 0, index: 0, estimate: 'exact' })

  if (n === 0 || quota <= 0n || quota > total)
    return {
      ...base, method: 'exact', divisor: 1n, states: 0, errorBound: 0,
      indices: ranked.map((w) => ({ ...zeroIndex(w), swings: 0n })),
    }

  const stateBudget = Math.max(1, Math.min(maxStates, Math.floor(maxWork / n)))
  const g = positive.reduce((acc, w) => gcd(acc, w.weight), 0n)
  const exactStates = effectiveQuota(ceilDiv(quota, g), total / g)

  // ranked is byWeightDesc, so the positive voters are exactly its first n entries.
  const entry = (i: number, absolute: number, estimate: BanzhafIndex['estimate']): BanzhafIndex => ({
    address: ranked[i]!.address,
    weight: ranked[i]!.weight,
    absolute,
    index: 0,
    estimate,
  })
  const zerosAfter = (list: BanzhafIndex[], estimate: BanzhafIndex['estimate']): BanzhafIndex[] => {
    for (let i = n; i < ranked.length; i++) list.push({ ...zeroIndex(ranked[i]!), estimate })
    return list
  }

  if (method === 'auto' && exactStates <= BigInt(stateBudget)) {
    const Q = Number(exactStates)
    const dp = swingProbabilities({ units: positive.map((w) => Number(minBig(w.weight / g, exactStates))), quota: Q })
    if (dp.integerExact) {
      // absolute = swings / 2^(n−1) exactly; zero-weight voters double every count.
      const scale = 2 ** (n - 1)
      const swings = Array.from(dp.absolute, (a) => BigInt(a * scale) << zeros)
      const sum = swings.reduce((a, b) => a + b, 0n)
      const indices = ranked.map((w, i): BanzhafIndex => {
        const s = i < n ? swings[i]! : 0n
        return { address: w.address, weight: w.weight, swings: s, absolute: i < n ? dp.absolute[i]! : 0, index: share(s, sum), estimate: 'exact' }
      })
      return { ...base, method: 'exact', divisor: g, states: Q, errorBound: 0, indices }
    }
    const indices = positive.map((_, i) => entry(i, dp.absolute[i]!, 'dp'))
    return { ...base, method: 'dp', divisor: g, states: Q, errorBound: dp.errorBound, indices: normalize(zerosAfter(indices, 'dp')) }
  }

  if (method === 'auto' && n <= maxEnumerate) {
    const counted = enumerateSwings({ weights: positive.map((w) => w.weight), quota }).map((c) => c << zeros)
    const sum = counted.reduce((a, b) => a + b, 0n)
    const scale = 2n ** BigInt(ranked.length - 1)
    const indices = ranked.map((w, i): BanzhafIndex => {
      const s = i < n ? counted[i]! : 0n
      return { address: w.address, weight: w.weight, swings: s, absolute: share(s, scale), index: share(s, sum), estimate: 'exact' }
    })
    return { ...base, method: 'exact', divisor: 1n, states: 0, errorBound: 0, indices }
  }

  const mc = () => monteCarloSwings({ weights: positive.map((w) => w.weight), quota, samples, seed })
  const mcEntry = (i: number, k: number): BanzhafIndex => ({
    ...entry(i, k / samples, 'monte-carlo'),
    ci95: wilsonInterval({ successes: k, trials: samples }),
  })
  if (method === 'monte-carlo') {
    const run = mc()
    const indices = positive.map((_, i) => mcEntry(i, run.swings[i]!))
    return { ...base, method: 'monte-carlo', divisor: 1n, states: 0, samples, seed, indices: normalize(zerosAfter(indices, 'monte-carlo')) }
  }

  // Scaled game: weights rounded to multiples of `unit` so the DP fits the budget.
  const scaled = scaledGame(positive.map((w) => w.weight), quota, stateBudget)
  const dpAbsolute = new Float64Array(n)
  if (scaled.states > 0) {
    const kept = scaled.units.flatMap((u, i) => (u > 0 ? [i] : []))
    const dp = swingProbabilities({ units: kept.map((i) => scaled.units[i]!), quota: scaled.states })
    kept.forEach((i, j) => (dpAbsolute[i] = dp.absolute[j]!))
  }
  if (method === 'scaled-dp') {
    const indices = positive.map((_, i) => entry(i, dpAbsolute[i]!, 'scaled-dp'))
    return { ...base, method: 'scaled-dp', divisor: scaled.unit, states: scaled.states, indices: normalize(zerosAfter(indices, 'scaled-dp')) }
  }
  const run = mc()
  const indices = positive.map((_, i) =>
    scaled.rounded[i]! >= BigInt(minUnits) ? entry(i, dpAbsolute[i]!, 'scaled-dp') : mcEntry(i, run.swings[i]!),
  )
  return {
    ...base, method: 'hybrid', divisor: scaled.unit, states: scaled.states, samples, seed,
    indices: normalize(zerosAfter(indices, 'scaled-dp')),
  }
}

function normalize(indices: BanzhafIndex[]): BanzhafIndex[] {
  let sum = 0
  for (const x of indices) sum += x.absolute
  for (const x of indices) x.index = sum > 0 ? x.absolute / sum : 0
  return indices
}

function ceilDiv(a: bigint, b: bigint): bigint {
  return a <= 0n ? -(-a / b) : (a + b - 1n) / b
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b
}

/** min(Q, W − Q + 1) for 1 <= Q <= W (swing-count symmetry), else 0. */
function effectiveQuota(Q: bigint, W: bigint): bigint {
  if (Q <= 0n || Q > W) return 0n
  return minBig(Q, W - Q + 1n)
}

/**
 * Round every weight to the nearest multiple of `unit`, and the quota to the same fraction
 * of the rounded total (rounded up, at least 1), growing `unit` from effQ/budget until the
 * effective quota fits `budget`.
 */
function scaledGame(
  weights: readonly bigint[],
  quota: bigint,
  budget: number,
): { unit: bigint; rounded: bigint[]; units: number[]; states: number } {
  const W = weights.reduce((a, b) => a + b, 0n)
  let unit = maxBig(1n, effectiveQuota(quota, W) / BigInt(budget))
  for (;;) {
    const round = (x: bigint) => (x + unit / 2n) / unit
    const unitsBig = weights.map(round)
    const Wq = unitsBig.reduce((a, b) => a + b, 0n)
    // The quota keeps its place relative to the rounded total (unanimity stays unanimity).
    const Q = Wq === 0n ? 1n : maxBig(1n, ceilDiv(quota * Wq, W))
    const states = effectiveQuota(Q, Wq)
    if (states <= BigInt(budget))
      return { unit, rounded: unitsBig, units: unitsBig.map((u) => Number(minBig(u, maxBig(states, 1n)))), states: Number(states) }
    unit = unit + unit / 4n + 1n
  }
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b
}
