/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054

export type WilsonIntervalParameters = { successes: number; trials: number; z?: number }

/**
 * Wilson score interval for a binomial proportion (default 95%). Unlike the normal
 * approximation it stays inside [0, 1] and is usable at 0 or `trials` successes
 * (0 of N gives [0, ≈ z²/N]). trials = 0 gives [0, 1].
 */
export function wilsonInterval({ successes, trials, z = Z95 }: WilsonIntervalParameters): [number, number] {
  if (trials <= 0) return [0, 1]
  const p = successes / trials
  const z2 = z * z
  const denom = 1 + z2 / trials
  const center = (p + z2 / (2 * trials)) / denom
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / trials + z2 / (4 * trials * trials))
  return [Math.max(0, center - half), Math.min(1, center + half)]
}
