import { mulberry32 } from './mulberry32.js'

export type MonteCarloSwingsParameters = {
  /** Exact weights > 0, sorted descending. */
  weights: readonly bigint[]
  quota: bigint
  samples: number
  seed: number
}

export type MonteCarloSwingsResult = {
  /** Per weight (same order): in how many sampled coalitions the voter was a swing. */
  swings: Uint32Array
  samples: number
  seed: number
}

const U = 2 ** -53

/**
 * Seeded Monte Carlo estimate of Banzhaf swings on the exact game. Each sample draws a
 * uniformly random coalition S of all voters (one fair bit each, from mulberry32(seed))
 * and tests every voter at once: with X = Σ_S w, a member i is a swing iff X >= q and
 * w_i > X − q; a non-member iff X < q and w_i >= q − X. So one sample is an unbiased
 * draw of "is i a swing in a random coalition of the others" for every i.
 *
 * Sums are taken in float64 with a rigorous error radius E = 2(n+4)·u·(W + q); any
 * comparison closer than E is redone exactly in bigint, so no sample is misclassified
 * for weights near 2^256 or coalitions exactly at the quota.
 */
export function monteCarloSwings({ weights, quota, samples, seed }: MonteCarloSwingsParameters): MonteCarloSwingsResult {
  const n = weights.length
  const wf = Float64Array.from(weights, (w) => Number(w))
  const qf = Number(quota)
  let total = 0
  for (const x of wf) total += x
  const E = 2 * (n + 4) * U * (total + Math.abs(qf)) + Number.MIN_VALUE
  const member = new Uint8Array(n)
  const swings = new Uint32Array(n)
  const next = mulberry32(seed)
  for (let sample = 0; sample < samples; sample++) {
    let bits = 0
    let x = 0
    for (let i = 0; i < n; i++) {
      if ((i & 31) === 0) bits = next()
      const m = bits & 1
      bits >>>= 1
      member[i] = m
      if (m) x += wf[i]!
    }
    let exactDiff: bigint | undefined
    const diff = (): bigint => {
      if (exactDiff === undefined) {
        let sum = 0n
        for (let i = 0; i < n; i++) if (member[i]) sum += weights[i]!
        exactDiff = sum - quota
      }
      return exactDiff
    }
    const df = x - qf
    const winning = Math.abs(df) <= E ? diff() >= 0n : df >= 0
    const gap = Math.abs(df) // ≈ |X − q|
    for (let i = 0; i < n; i++) {
      const w = wf[i]!
      if (w < gap - E) break // sorted descending: nobody further on can swing
      if (member[i] !== (winning ? 1 : 0)) continue
      let swing: boolean
      if (w > gap + E) swing = true
      else {
        const d = diff()
        swing = winning ? weights[i]! > d : weights[i]! >= -d
      }
      if (swing) swings[i]!++
    }
  }
  return { swings, samples, seed }
}
