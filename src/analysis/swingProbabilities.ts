export type SwingProbabilitiesParameters = {
  /** Integer weights > 0, safe integers. */
  units: readonly number[]
  /** Winning when a coalition's sum >= quota; 1 <= quota (the DP allocates `quota` states). */
  quota: number
}

export type SwingProbabilitiesResult = {
  /** Per unit (same order): probability that a uniformly random coalition of the others is swung by it. */
  absolute: Float64Array
  /** True when every value is exact (at most 53 voters: all counts are integers below 2^53). */
  integerExact: boolean
  /** Absolute error bound on each value when not integer-exact (0 when exact). */
  errorBound: number
}

const U = 2 ** -53

/**
 * Banzhaf swing probabilities by subset-sum DP, O(n·quota) time, O(quota) memory.
 *
 * 1. P(s) = Pr[a random coalition of all voters sums to s], for s < quota only (sums at
 *    or above the quota never feed lower ones), built voter by voter as
 *    P(s) ← (P(s) + P(s − w)) / 2 — probabilities, so nothing overflows for any n.
 * 2. Removing voter i (deflation): P(s) = (R(s) + R(s − w)) / 2 for R the distribution
 *    without i, so R(s) = 2·Σ_j (−1)^j P(s − j·w). The swing probability is
 *    η_i = Σ_{s ∈ [quota − w, quota)} R(s) = 2·Σ_{t < quota} (−1)^{⌊(quota−1−t)/w⌋} P(t):
 *    each t < quota appears once. With prefix sums of P that is an alternating sum of
 *    ⌈quota/w⌉ block sums — O(quota/w) per distinct weight, not O(quota).
 *
 * Exactness and error: with ≤ 53 voters every P is k/2^n with k < 2^53 and every
 * operation is exact. Otherwise each P(t) carries relative error ≤ ~n·u (u = 2^-53; only
 * additions of non-negative terms), prefix sums and the alternating sum are kept in
 * double-double, so |η_i − exact| ≤ 2·n·u·Pr[sum < quota] + O(u) ≤ (3n + 8)·u, stated as
 * `errorBound`. (Values below 2^-1022 lose precision to underflow; their total is
 * negligible at that bound.) The deflation never subtracts near-equal large numbers
 * without that bound holding, because every error term is weighted by a probability
 * that sums to at most Pr[sum < quota].
 */
export function swingProbabilities({ units, quota }: SwingProbabilitiesParameters): SwingProbabilitiesResult {
  const Q = quota
  const P = new Float64Array(Q)
  P[0] = 1
  let hi = 0
  const ascending = [...units].sort((a, b) => a - b)
  for (const raw of ascending) {
    const w = Math.min(raw, Q)
    const top = Math.min(Q - 1, hi + w)
    for (let s = top; s >= w; s--) P[s] = 0.5 * (P[s]! + P[s - w]!)
    for (let s = Math.min(w - 1, top); s >= 0; s--) P[s] = 0.5 * P[s]!
    hi = top
  }
  // Prefix sums C[k] = Σ_{t<k} P(t) in double-double (Chi + Clo).
  const Chi = new Float64Array(Q + 1)
  const Clo = new Float64Array(Q + 1)
  let sh = 0
  let sl = 0
  for (let t = 0; t < Q; t++) {
    const x = P[t]!
    const s = sh + x
    const bp = s - sh
    sl += sh - (s - bp) + (x - bp)
    sh = s
    Chi[t + 1] = sh
    Clo[t + 1] = sl
  }
  const cache = new Map<number, number>()
  const eta = (raw: number): number => {
    const w = Math.min(raw, Q)
    const cached = cache.get(w)
    if (cached !== undefined) return cached
    let ah = 0
    let al = 0
    let negative = false
    for (let top = Q; top > 0; top -= w) {
      const bottom = Math.max(0, top - w)
      // Block sum C[top] − C[bottom], hi part exactly by TwoSum.
      const a = Chi[top]!
      const b = -Chi[bottom]!
      const d = a + b
      const bv = d - a
      const blockLo = a - (d - bv) + (b - bv) + (Clo[top]! - Clo[bottom]!)
      const x = negative ? -d : d
      const xl = negative ? -blockLo : blockLo
      const s = ah + x
      const sv = s - ah
      al += ah - (s - sv) + (x - sv) + xl
      ah = s
      negative = !negative
    }
    const value = Math.max(0, 2 * (ah + al))
    cache.set(w, value)
    return value
  }
  const absolute = new Float64Array(units.length)
  for (const [i, w] of units.entries()) absolute[i] = eta(w)
  const integerExact = units.length <= 53
  return { absolute, integerExact, errorBound: integerExact ? 0 : (3 * units.length + 8) * U }
}
