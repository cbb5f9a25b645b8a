import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { banzhaf, banzhafQuota } from '../../src/analysis/banzhaf.js'
import type { Weighted } from '../../src/analysis/weights.js'

const voters = (...ws: bigint[]): Weighted[] => ws.map((weight, i) => ({ address: `0x${String(i).padStart(2, '0')}`, weight }))

/** Enumerate every coalition: swings_i = #{S ⊆ N∖{i} : Σ_S < q <= Σ_S + w_i}. */
function bruteSwings(ws: bigint[], q: bigint): bigint[] {
  const n = ws.length
  const sums: bigint[] = new Array(1 << n).fill(0n)
  for (let mask = 1; mask < 1 << n; mask++) {
    const low = mask & -mask
    sums[mask] = sums[mask ^ low]! + ws[31 - Math.clz32(low)]!
  }
  return ws.map((w, i) => {
    let count = 0n
    for (let mask = 0; mask < 1 << n; mask++) if (!(mask & (1 << i)) && sums[mask]! < q && q <= sums[mask]! + w) count++
    return count
  })
}

/** Exact swing counts by bigint DP with exact deflation (no float anywhere), for n too large to enumerate. */
function bigintSwings(ws: number[], q: number): bigint[] {
  const C: bigint[] = new Array(q).fill(0n)
  C[0] = 1n
  for (const w of ws) for (let s = q - 1; s >= w; s--) C[s]! += C[s - w]!
  return ws.map((w) => {
    const R: bigint[] = new Array(q).fill(0n)
    let swings = 0n
    for (let s = 0; s < q; s++) {
      R[s] = C[s]! - (s >= w ? R[s - w]! : 0n)
      if (s >= q - w) swings += R[s]!
    }
    return swings
  })
}

describe('banzhaf: worked examples', () => {
  test('[4; 3, 2, 1]: swings 3, 1, 1 -> indices 3/5, 1/5, 1/5', () => {
    // 3 swings {}∪? no: {2}, {1}, {2,1} (sums 2, 1, 3 < 4 <= +3); 2 swings only {3}; 1 swings only {3}.
    const r = banzhaf({ weights: voters(3n, 2n, 1n), quota: 4n })
    expect(r.method).toBe('exact')
    expect(r.indices.map((x) => x.swings)).toEqual([3n, 1n, 1n])
    expect(r.indices.map((x) => x.index)).toEqual([0.6, 0.2, 0.2])
    expect(r.indices.map((x) => x.absolute)).toEqual([0.75, 0.25, 0.25])
  })

  test('a single holder of everything has index 1; a dictator makes the others null players', () => {
    expect(banzhaf({ weights: voters(5n), quota: 3n }).indices[0]).toMatchObject({ swings: 1n, index: 1, absolute: 1 })
    const r = banzhaf({ weights: voters(60n, 20n, 20n), quota: banzhafQuota({ total: 100n }) }) // quota 51
    expect(r.indices.map((x) => x.index)).toEqual([1, 0, 0])
  })

  test('quota at the boundary: exactly q wins', () => {
    // [2; 1, 1]: each swings {other} (1 < 2 <= 2) -> 1, 1
    expect(banzhaf({ weights: voters(1n, 1n), quota: 2n }).indices.map((x) => x.swings)).toEqual([1n, 1n])
  })

  test('no swings when everyone wins (quota <= 0) or nobody can (quota > total); all-zero and empty', () => {
    for (const quota of [0n, -5n, 7n]) expect(banzhaf({ weights: voters(3n, 3n), quota }).indices.map((x) => x.index)).toEqual([0, 0])
    expect(banzhaf({ weights: voters(0n, 0n), quota: 1n }).indices.map((x) => x.swings)).toEqual([0n, 0n])
    expect(banzhaf({ weights: [], quota: 1n }).indices).toEqual([])
  })

  test('zero-weight voters double every count (they may join any coalition) and have index 0', () => {
    const r = banzhaf({ weights: voters(3n, 0n, 2n, 1n), quota: 4n })
    expect(r.indices.map((x) => [x.weight, x.swings])).toEqual([[3n, 6n], [2n, 2n], [1n, 2n], [0n, 0n]])
    expect(r.population).toBe(3)
  })

  test('a common divisor keeps the game exact: wei-scaled [4; 3, 2, 1]', () => {
    const e18 = 10n ** 18n
    const r = banzhaf({ weights: voters(3n * e18, 2n * e18, e18), quota: 4n * e18 })
    expect(r).toMatchObject({ method: 'exact', divisor: e18, states: 3 })
    expect(r.indices.map((x) => x.swings)).toEqual([3n, 1n, 1n])
    // quota 3.5e18 behaves as 4 units (coalitions hold whole units): the same game.
    expect(banzhaf({ weights: voters(3n * e18, 2n * e18, e18), quota: 35n * 10n ** 17n }).indices.map((x) => x.swings)).toEqual([3n, 1n, 1n])
  })
})

describe('banzhaf: exact DP equals enumeration of all coalitions', () => {
  test('small games, every quota from below 0 to above the total', () =>
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 20n }), { maxLength: 10 }), fc.integer({ min: 0, max: 1000 }), (ws, seed) => {
        const W = ws.reduce((a, b) => a + b, 0n)
        const q = (BigInt(seed) % (W + 5n)) - 2n
        const r = banzhaf({ weights: voters(...ws), quota: q })
        expect(r.method).toBe('exact')
        const expected = bruteSwings(ws, q)
        // indices are byWeightDesc; map back by address
        for (const x of r.indices) expect(x.swings).toBe(expected[Number(x.address.slice(2))])
        const sum = expected.reduce((a, b) => a + b, 0n)
        for (const x of r.indices) expect(x.index).toBeCloseTo(sum === 0n ? 0 : Number(x.swings) / Number(sum), 14)
      }),
      { numRuns: 300 },
    ))

  test('weights near 2^256 (sums past 2^53) with gcd scaling stay exact', () =>
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 12n }), { minLength: 1, maxLength: 8 }), fc.integer({ min: 0, max: 100 }), (ks, seed) => {
        const unit = 2n ** 252n - 59n // a large odd unit: every weight a multiple of it
        const W = ks.reduce((a, b) => a + b, 0n)
        const q = (BigInt(seed) % (W + 2n)) * unit - BigInt(seed % 3) // just under a multiple sometimes
        const r = banzhaf({ weights: voters(...ks.map((k) => k * unit)), quota: q })
        expect(r.method).toBe('exact')
        const expected = bruteSwings(ks.map((k) => k * unit), q)
        for (const x of r.indices) expect(x.swings).toBe(expected[Number(x.address.slice(2))])
      }),
    ))
})

describe('banzhaf: enumeration for few voters with unscalable weights', () => {
  test('random weights up to 2^256 (gcd 1 almost surely) equal the brute force', () =>
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 2n ** 256n }), { minLength: 1, maxLength: 8 }), fc.bigInt({ min: 0n, max: 1000n }), (ws, permille) => {
        const W = ws.reduce((a, b) => a + b, 0n)
        const q = (W * permille) / 1000n + 1n
        const r = banzhaf({ weights: voters(...ws), quota: q })
        expect(r.method).toBe('exact')
        const expected = bruteSwings(ws, q)
        for (const x of r.indices) expect(x.swings).toBe(expected[Number(x.address.slice(2))])
      }),
      { numRuns: 100 },
    ))
})

describe('banzhaf: float DP above 53 voters', () => {
  test('within its stated error bound of exact bigint counts', () =>
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 25 }), { minLength: 54, maxLength: 90 }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        (ws, frac) => {
          const W = ws.reduce((a, b) => a + b, 0)
          const q = Math.max(1, Math.floor(W * frac))
          const r = banzhaf({ weights: voters(...ws.map(BigInt)), quota: BigInt(q) })
          expect(r.method).toBe('dp')
          expect(r.errorBound).toBeGreaterThan(0)
          const exact = bigintSwings(ws, q)
          const denom = 2 ** (ws.length - 1)
          for (const x of r.indices) {
            const e = Number(exact[Number(x.address.slice(2))]!) / denom
            expect(Math.abs(x.absolute - e)).toBeLessThanOrEqual(r.errorBound!)
          }
        },
      ),
      { numRuns: 15 },
    ))
})

describe('banzhaf: beyond the state budget', () => {
  // Near 2^256 with an odd offset per weight: gcd 1, astronomically many states. Same game as [4; 3, 2, 1].
  const B = 2n ** 250n
  const whales = voters(3n * B + 1n, 2n * B + 3n, B + 5n)

  test('few voters: exact by listing every coalition, whatever the weights', () => {
    const weights = [...whales, { address: '0xsmall', weight: 7n }]
    const r = banzhaf({ weights, quota: 4n * B })
    expect(r).toMatchObject({ method: 'exact', states: 0 })
    // the small voter doubles every whale's count and never swings: 6, 2, 2, 0
    expect(r.indices.map((x) => x.swings)).toEqual([6n, 2n, 2n, 0n])
    expect(r.indices.map((x) => x.index)).toEqual([0.6, 0.2, 0.2, 0])
  })

  test('hybrid: big voters by scaled DP (the same game here), small ones by Monte Carlo with intervals', () => {
    // 20 voters of a few wei: no coalition of whales lands within 200 wei below the quota, so they never swing.
    const smalls = Array.from({ length: 20 }, (_, i) => ({ address: `0xs${String(i).padStart(2, '0')}`, weight: 7n + BigInt(i) }))
    const r = banzhaf({ weights: [...whales, ...smalls], quota: 4n * B })
    expect(r.method).toBe('hybrid')
    expect(r.indices.slice(0, 3).map((x) => x.estimate)).toEqual(['scaled-dp', 'scaled-dp', 'scaled-dp'])
    expect(r.indices.slice(0, 3).map((x) => x.index)).toEqual([0.6, 0.2, 0.2])
    for (const x of r.indices.slice(3)) {
      expect(x).toMatchObject({ estimate: 'monte-carlo', absolute: 0 })
      expect(x.ci95![0]).toBe(0)
      expect(x.ci95![1]).toBeLessThan(0.001)
    }
    expect(r.samples).toBe(20_000)
  })

  test('monte-carlo on request: same seed, same result; intervals cover the exact values', () => {
    const a = banzhaf({ weights: whales, quota: 4n * B, method: 'monte-carlo', samples: 4000, seed: 42 })
    const b = banzhaf({ weights: whales, quota: 4n * B, method: 'monte-carlo', samples: 4000, seed: 42 })
    expect(a).toEqual(b)
    expect(a.method).toBe('monte-carlo')
    const exact = [0.75, 0.25, 0.25]
    a.indices.forEach((x, i) => {
      expect(x.ci95![0]).toBeLessThanOrEqual(exact[i]!)
      expect(x.ci95![1]).toBeGreaterThanOrEqual(exact[i]!)
    })
  })

  test('scaled-dp on request is labelled and normalised', () => {
    const r = banzhaf({ weights: voters(...Array.from({ length: 40 }, (_, i) => BigInt(1000 + i * 37))), quota: 12_345n, method: 'scaled-dp', maxStates: 500 })
    expect(r.method).toBe('scaled-dp')
    expect(r.divisor).toBeGreaterThan(1n)
    expect(r.states).toBeLessThanOrEqual(500)
    expect(r.indices.reduce((a, x) => a + x.index, 0)).toBeCloseTo(1, 12)
  })
})

describe('banzhaf: Monte Carlo 95% intervals', () => {
  test('cover the exact absolute index for >= 90% of (seed, voter) pairs over 100 seeds, ties at the quota included', () => {
    // Huge weights whose sums hit the quota exactly: the float fast path must defer to bigint.
    const base = 2n ** 200n
    const ks = [9n, 7n, 6n, 5n, 4n, 3n, 2n, 1n]
    const ws = ks.map((k, i) => k * base + BigInt(i))
    const q = ws[0]! + ws[3]! + ws[6]! // exactly the sum of one coalition
    const exact = bruteSwings(ws, q).map((s) => Number(s) / 2 ** (ws.length - 1))
    let hits = 0
    let pairs = 0
    for (let seed = 1; seed <= 100; seed++) {
      const r = banzhaf({ weights: voters(...ws), quota: q, method: 'monte-carlo', samples: 1500, seed })
      for (const x of r.indices) {
        const e = exact[Number(x.address.slice(2))]!
        pairs++
        if (x.ci95![0] <= e && e <= x.ci95![1]) hits++
      }
    }
    expect(hits / pairs).toBeGreaterThanOrEqual(0.9)
  })
})
