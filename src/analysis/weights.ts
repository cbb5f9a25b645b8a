import { UsageError } from '../errors.js'

/** One holder's vote units (voting power, balance, or votes cast), exact. */
export type Weighted = { address: string; weight: bigint }

/**
 * Sort order for every ranked output: weight descending, ties by address ascending, so
 * the same input always gives the same output whatever order it arrived in.
 */
export function byWeightDesc(a: Weighted, b: Weighted): number {
  if (a.weight !== b.weight) return a.weight > b.weight ? -1 : 1
  return a.address < b.address ? -1 : a.address > b.address ? 1 : 0
}

/** Sum of all weights (0n for an empty list). */
export function sumWeights(weights: readonly Weighted[]): bigint {
  let sum = 0n
  for (const w of weights) sum += w.weight
  return sum
}

/** Only the entries with weight > 0: the population every measure is stated over. */
export function positiveWeights<T extends Weighted>(weights: readonly T[]): T[] {
  return weights.filter((w) => w.weight > 0n)
}

/**
 * Throws UsageError when a weight is negative (a uint256 never is: such input is corrupt),
 * naming the address and the value.
 */
export function assertWeights(weights: readonly Weighted[]): void {
  for (const w of weights)
    if (w.weight < 0n) throw new UsageError(`weight of ${w.address} must be >= 0; got ${w.weight}`)
}

/**
 * One entry per address (compared lowercase, output lowercase) with the weights summed,
 * for inputs where an address can appear more than once. Order: byWeightDesc.
 */
export function mergeByAddress(weights: readonly Weighted[]): Weighted[] {
  const sums = new Map<string, bigint>()
  for (const w of weights) {
    const key = w.address.toLowerCase()
    sums.set(key, (sums.get(key) ?? 0n) + w.weight)
  }
  return [...sums].map(([address, weight]) => ({ address, weight })).sort(byWeightDesc)
}
