import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { concentration, lorenz } from '../../src/analysis/concentration.js'
import { nakamoto } from '../../src/analysis/nakamoto.js'
import { weightOrder } from '../../src/analysis/weightOrder.js'
import type { Weighted } from '../../src/analysis/weights.js'
import { mulberry32 } from '../../src/analysis/mulberry32.js'

const holders = (...ws: bigint[]): Weighted[] => ws.map((weight, i) => ({ address: `0x${i}`, weight }))

describe('concentration', () => {
  test('worked: 1,2,3,4 -> Gini (2·30 − 5·10)/(4·10) = 1/4; HHI 10000·30/100 = 3000', () => {
    // ascending 1,2,3,4: Σ i·x_i = 1+4+9+16 = 30, T = 10, n = 4
    const r = concentration({ weights: holders(3n, 1n, 4n, 2n) })
    expect(r.giniExact).toEqual({ num: 1n, den: 4n })
    expect(r.gini).toBe(0.25)
    expect(r.hhiExact).toEqual({ num: 3000n, den: 1n })
    expect(r.hhi).toBe(3000)
    expect(r.top1).toBe(0.4)
    expect(r.top5).toBe(1)
    expect(r.topWeight).toEqual({ top1: 4n, top5: 10n, top10: 10n, top100: 10n })
    const p = [0.1, 0.2, 0.3, 0.4]
    expect(r.entropy).toBeCloseTo(-p.reduce((a, x) => a + x * Math.log(x), 0), 14)
  })

  test('equal holders: Gini 0, HHI 10000/n, entropy ln n', () => {
    const r = concentration({ weights: holders(10n, 10n, 10n, 10n) })
    expect(r.gini).toBe(0)
    expect(r.hhi).toBe(2500)
    expect(r.entropy).toBeCloseTo(Math.log(4), 14)
    expect(r.top1).toBe(0.25)
  })

  test('single holder (zeros ignored): Gini 0, HHI 10000, entropy 0', () => {
    const r = concentration({ weights: holders(0n, 0n, 5n) })
    expect(r).toMatchObject({ population: 1, total: 5n, gini: 0, hhi: 10000, entropy: 0, top1: 1 })
  })

  test('empty and all-zero: population 0 and zeros', () => {
    for (const weights of [[], holders(0n, 0n)])
      expect(concentration({ weights })).toMatchObject({ population: 0, total: 0n, gini: 0, hhi: 0, entropy: 0, top1: 0 })
  })

  test('exact near 2^256', () => {
    const h = 2n ** 255n
    const r = concentration({ weights: holders(h, h - 1n) })
    // ascending h−1, h: Σ i·x = (h−1) + 2h = 3h − 1; T = 2h − 1; G = (6h − 2 − 3(2h − 1)) / (2(2h − 1)) = 1 / (4h − 2)
    expect(r.giniExact).toEqual({ num: 1n, den: 4n * h - 2n })
    expect(r.gini).toBeGreaterThan(0)
  })

  test('Gini equals the mean-absolute-difference definition, exactly', () =>
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 10n ** 30n }), { maxLength: 20 }), (ws) => {
        const xs = ws.filter((w) => w > 0n)
        const r = concentration({ weights: holders(...ws) })
        if (xs.length === 0) return r.gini === 0
        const n = BigInt(xs.length)
        const T = xs.reduce((a, b) => a + b, 0n)
        let mad = 0n
        for (const a of xs) for (const b of xs) mad += a > b ? a - b : b - a
        // G = ΣΣ|xi − xj| / (2 n T)
        expect(r.giniExact.num * 2n * n * T).toBe(mad * r.giniExact.den)
        const sq = xs.reduce((a, b) => a + b * b, 0n)
        expect(r.hhiExact.num * T * T).toBe(10000n * sq * r.hhiExact.den)
        expect(r.entropy).toBeLessThanOrEqual(Math.log(xs.length) + 1e-12)
        return r.gini >= 0 && r.gini < 1
      }),
    ))

  /** Σ i·x_i (x ascending, i from 1) and Σ x², as plain bigint arithmetic. */
  function referenceSums(ws: bigint[]): { T: bigint; n: bigint; ranked: bigint; sq: bigint } {
    const xs = ws.filter((w) => w > 0n).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    return {
      T: xs.reduce((a, b) => a + b, 0n),
      n: BigInt(xs.length),
      ranked: xs.reduce((a, x, i) => a + BigInt(i + 1) * x, 0n),
      sq: xs.reduce((a, x) => a + x * x, 0n),
    }
  }
  const expectExact = (ws: bigint[]) => {
    const r = concentration({ weights: holders(...ws) })
    const { T, n, ranked, sq } = referenceSums(ws)
    expect(r.giniExact.num * n * T).toBe((2n * ranked - (n + 1n) * T) * r.giniExact.den)
    expect(r.hhiExact.num * T * T).toBe(10000n * sq * r.hhiExact.den)
  }

  // Weights of every size: around each 16-bit boundary, past 2^53 (where doubles stop being
  // exact), wide random ones up to uint256.
  const near = (p: bigint) => fc.bigInt({ min: p > 3n ? p - 3n : 0n, max: p + 3n })
  const wide = fc.oneof(
    fc.bigInt({ min: 0n, max: 2n ** 53n }),
    ...[16n, 32n, 48n, 53n, 64n, 80n, 96n, 112n, 114n, 115n, 116n, 128n].map((b) => near(2n ** b)),
    near(2n ** 115n - 2n ** 61n),
    fc.bigInt({ min: 0n, max: 2n ** 115n }),
    fc.bigInt({ min: 2n ** 110n, max: 2n ** 125n }),
    fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
  )
  test('Gini and HHI are the exact bigint sums for weights of every size', () =>
    fc.assert(fc.property(fc.array(wide, { maxLength: 70 }), (ws) => expectExact(ws)), { numRuns: 300 }))

  test('exact over 20,000 holders (the radix-sorted ranking), some of them near 2^114', () => {
    const next = mulberry32(3)
    expectExact(Array.from({ length: 20_000 }, (_, i) => (i % 3 === 0 ? 2n ** 114n - 1n - BigInt(next()) : (BigInt(next()) << 80n) + BigInt(next()))))
  })
})

describe('concentration and nakamoto sharing one ranking', () => {
  const tied = (n: number, seed: number) => {
    const next = mulberry32(seed)
    // Ties, zeros, and runs of weights one apart near 10^30 (one double for all of them).
    return Array.from({ length: n }, (_, i) => {
      const u = next()
      const weight = u % 4 === 0 ? 0n : u % 4 === 1 ? BigInt(u % 5) : u % 4 === 2 ? 10n ** 30n + BigInt(u % 3) : BigInt(u) << 90n
      return { address: `0x${String(i % 11).padStart(40, '0')}`, weight }
    })
  }
  test('either one first, every figure equals the one measured alone (small and past the radix size)', () => {
    for (const ws of [tied(40, 1), tied(9_000, 2)]) {
      const alone = { c: concentration({ weights: ws }), k: nakamoto({ weights: ws }) }
      const first = weightOrder(ws)
      expect(nakamoto({ weights: ws, ranking: first })).toEqual(alone.k)
      expect(concentration({ weights: ws, ranking: first })).toEqual(alone.c)
      const second = weightOrder(ws)
      expect(concentration({ weights: ws, ranking: second })).toEqual(alone.c)
      expect(nakamoto({ weights: ws, ranking: second })).toEqual(alone.k)
    }
  })
})

describe('lorenz', () => {
  test('worked: 1,1,2 (T = 4) at thirds: 0, 1/4, 2/4, 1', () => {
    const r = lorenz({ weights: holders(2n, 1n, 1n), points: 3 })
    expect(r.curve.map((p) => p.y)).toEqual([0, 0.25, 0.5, 1])
  })

  test('worked: between holders the curve is linear: x = 1/2 of 1,1,2 -> (1·2 + 1·1)/(4·2) = 3/8', () => {
    expect(lorenz({ weights: holders(2n, 1n, 1n), points: 2 }).curve).toEqual([
      { x: 0, y: 0 },
      { x: 0.5, y: 0.375 },
      { x: 1, y: 1 },
    ])
  })

  test('empty -> line of equality', () => {
    expect(lorenz({ weights: [], points: 4 }).curve.map((p) => p.y)).toEqual([0, 0.25, 0.5, 0.75, 1])
  })

  test('equals the direct evaluation (sort ascending, cumulative sums) for any weights, ties and wide ones included', () => {
    const reference = (ws: bigint[], points: number) => {
      const ascending = ws.filter((w) => w > 0n).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      const n = ascending.length
      const total = ascending.reduce((a, w) => a + w, 0n)
      const cumulative = [0n]
      for (const w of ascending) cumulative.push(cumulative.at(-1)! + w)
      const P = BigInt(points)
      return Array.from({ length: points + 1 }, (_, j) => {
        if (n === 0) return { x: j / points, y: j / points }
        const position = BigInt(j) * BigInt(n)
        const i = position / P
        const num = i >= BigInt(n) ? total * P : cumulative[Number(i)]! * P + (position - i * P) * ascending[Number(i)]!
        return { x: j / points, y: Number((num * 10n ** 18n) / (total * P)) / 1e18 }
      })
    }
    const wide = fc.oneof(fc.bigInt({ min: 0n, max: 1000n }), fc.bigInt({ min: 10n ** 30n, max: 10n ** 30n + 3n }), fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }))
    fc.assert(
      fc.property(fc.array(wide, { maxLength: 40 }), fc.integer({ min: 1, max: 60 }), (ws, points) => {
        const got = lorenz({ weights: holders(...ws), points }).curve
        const want = reference(ws, points)
        for (let j = 0; j <= points; j++) {
          expect(got[j]!.x).toBe(want[j]!.x)
          expect(got[j]!.y).toBeCloseTo(want[j]!.y, 15)
        }
      }),
    )
  })

  test('monotone, convex, below the diagonal, ends at (1, 1)', () =>
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 1000n }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 1, max: 50 }), (ws, points) => {
        const { curve } = lorenz({ weights: holders(...ws), points })
        expect(curve).toHaveLength(points + 1)
        expect(curve[points]!.y).toBe(1)
        for (let j = 1; j <= points; j++) {
          expect(curve[j]!.y).toBeGreaterThanOrEqual(curve[j - 1]!.y)
          expect(curve[j]!.y).toBeLessThanOrEqual(curve[j]!.x + 1e-12)
        }
        for (let j = 1; j < points; j++)
          expect(curve[j + 1]!.y - curve[j]!.y).toBeGreaterThanOrEqual(curve[j]!.y - curve[j - 1]!.y - 1e-12)
      }),
    ))
})
