/**
 * A small seeded PRNG (mulberry32) for deterministic scenarios: the same seed gives the
 * same sequence on every platform. Not for anything secret.
 */
export type Prng = {
  /** Uniform float in [0, 1). */
  next(): number
  /** Uniform integer in [0, n); n must be a positive safe integer. */
  int(n: number): number
  /** Uniform integer in [min, max], both inclusive. */
  between(min: number, max: number): number
  /** true with probability p. */
  chance(p: number): boolean
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T
  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[]
  /** Uniform bigint in [0, n); n > 0. */
  bigint(n: bigint): bigint
}

/** `seed` is any safe integer or string; strings are hashed (FNV-1a) to 32 bits. */
export function createPrng(seed: number | string): Prng {
  let state = typeof seed === 'string' ? fnv1a(seed) : seedFromNumber(seed)
  const next = () => {
    state = (state + 0x6d2b79f5) | 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const int = (n: number) => {
    if (!Number.isSafeInteger(n) || n <= 0) throw new RangeError(`prng.int needs a positive safe integer; got ${n}`)
    return Math.floor(next() * n)
  }
  return {
    next,
    int,
    between: (min, max) => min + int(max - min + 1),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('prng.pick needs a non-empty array')
      return items[int(items.length)] as (typeof items)[number]
    },
    shuffle: (items) => {
      const out = [...items]
      for (let i = out.length - 1; i > 0; i--) {
        const j = int(i + 1)
        ;[out[i], out[j]] = [out[j] as (typeof out)[number], out[i] as (typeof out)[number]]
      }
      return out
    },
    bigint: (n) => {
      if (n <= 0n) throw new RangeError(`prng.bigint needs n > 0; got ${n}`)
      // 64 random bits per step, more than enough words, then reduce (bias < 2^-64).
      let r = 0n
      const words = Math.ceil(n.toString(2).length / 32) + 2
      for (let i = 0; i < words; i++) r = (r << 32n) | BigInt(Math.floor(next() * 4294967296))
      return r % n
    },
  }
}

function seedFromNumber(seed: number): number {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer; got ${seed}`)
  return fnv1a(String(seed))
}

function fnv1a(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h | 0
}
