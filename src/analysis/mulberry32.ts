/**
 * mulberry32: a tiny seeded PRNG (32-bit state) returning uint32s. Deterministic: the same
 * seed gives the same stream on every machine, so Monte Carlo results are reproducible.
 * Not cryptographic; its period (2^32) is far beyond the sample counts used here.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return (t ^ (t >>> 14)) >>> 0
  }
}
