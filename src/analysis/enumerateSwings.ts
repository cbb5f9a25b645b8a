export type EnumerateSwingsParameters = {
  /** Exact weights (any size); at most ~20 of them (2^n coalitions are listed). */
  weights: readonly bigint[]
  quota: bigint
}

/**
 * Exact Banzhaf swing counts by listing every coalition: for voter i, the number of
 * S ⊆ N∖{i} with Σ_S < quota <= Σ_S + w_i. O(n·2^n) bigint comparisons, no scaling, so
 * it is exact for weights of any size (e.g. gcd 1 near 2^256) when n is small.
 */
export function enumerateSwings({ weights, quota }: EnumerateSwingsParameters): bigint[] {
  const n = weights.length
  const sums = new Array<bigint>(2 ** n).fill(0n)
  for (let mask = 1; mask < sums.length; mask++) {
    const low = mask & -mask
    sums[mask] = sums[mask ^ low]! + weights[31 - Math.clz32(low)]!
  }
  return weights.map((w, i) => {
    const bit = 1 << i
    const floor = quota - w
    let count = 0n
    for (let mask = 0; mask < sums.length; mask++) {
      if (mask & bit) continue
      const s = sums[mask]!
      if (s < quota && s >= floor) count++
    }
    return count
  })
}
