import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { nakamoto } from '../../src/analysis/nakamoto.js'
import { weightOrder } from '../../src/analysis/weightOrder.js'
import type { Ratio } from '../../src/analysis/ratio.js'
import type { Weighted } from '../../src/analysis/weights.js'

const holders = (...ws: bigint[]): Weighted[] => ws.map((weight, i) => ({ address: `0x${String(i).padStart(40, '0')}`, weight }))

/** Brute force: smallest k for which SOME k-subset exceeds the threshold (tries every subset). */
function bruteNakamoto(weights: bigint[], total: bigint, t: Ratio): number | null {
  const n = weights.length
  const best = new Array<bigint>(n + 1).fill(-1n) // best[k] = max sum over k-subsets
  for (let mask = 0; mask < 1 << n; mask++) {
    let sum = 0n
    let k = 0
    for (let i = 0; i < n; i++)
      if (mask & (1 << i)) {
        sum += weights[i]!
        k++
      }
    if (sum > best[k]!) best[k] = sum
  }
  for (let k = 1; k <= n; k++) if (best[k]! * t.den > total * t.num) return k
  return null
}

describe('nakamoto', () => {
  test('worked: 60/30/10 at 1/2 -> 1 (60·2 = 120 > 100)', () => {
    const r = nakamoto({ weights: holders(30n, 60n, 10n) })
    expect(r.k).toBe(1)
    expect(r.total).toBe(100n)
    expect(r.top).toEqual([{ address: holders(0n, 60n)[1]!.address, weight: 60n, share: 0.6 }])
    expect(r.topWeight).toBe(60n)
  })

  test('worked: a tie at the threshold is not enough (50·2 = 100, not > 100) -> 2', () => {
    expect(nakamoto({ weights: holders(50n, 30n, 20n) }).k).toBe(2)
  })

  test('worked: 2/3 threshold: 40+30 = 70, 70·3 = 210 > 100·2 = 200 -> 2; 60·3 = 180 < 200', () => {
    expect(nakamoto({ weights: holders(40n, 30n, 20n, 10n), threshold: { num: 2n, den: 3n } }).k).toBe(2)
    expect(nakamoto({ weights: holders(30n, 30n, 40n), threshold: { num: 2n, den: 3n } }).k).toBe(2)
  })

  test('single holder -> 1; zero-weight holders are not population', () => {
    const r = nakamoto({ weights: holders(0n, 7n, 0n) })
    expect(r.k).toBe(1)
    expect(r.population).toBe(1)
  })

  test('all zero or empty -> null', () => {
    expect(nakamoto({ weights: holders(0n, 0n) })).toMatchObject({ k: null, population: 0, total: 0n, top: [] })
    expect(nakamoto({ weights: [] }).k).toBeNull()
  })

  test('total supply as denominator can make it impossible: 40 of supply 100 held by voters', () => {
    // weights sum 40; 40·2 = 80 is not > 100
    expect(nakamoto({ weights: holders(20n, 20n), total: 100n }).k).toBeNull()
    expect(nakamoto({ weights: holders(30n, 30n), total: 100n }).k).toBe(2)
  })

  test('exact beyond 2^53: 2^53+1 of 2^54+2 is exactly half -> 2', () => {
    const big = 2n ** 53n + 1n
    expect(nakamoto({ weights: holders(big, big) }).k).toBe(2)
  })

  test('exact near 2^256', () => {
    const h = 2n ** 255n
    // h + (h - 1) = 2^256 - 1; ×2 > 2^256. h alone ×2 = 2^256, not >.
    expect(nakamoto({ weights: holders(h, h - 1n, 1n) }).k).toBe(2)
    expect(nakamoto({ weights: holders(h + 1n, h - 2n, 1n) }).k).toBe(1)
  })

  test('ties: order of equal weights does not change k; output is sorted by address', () => {
    const a = nakamoto({ weights: holders(5n, 5n, 5n, 5n) })
    const b = nakamoto({ weights: holders(5n, 5n, 5n, 5n).reverse() })
    expect(a).toEqual(b)
    expect(a.k).toBe(3)
  })

  test('equals brute force over every subset size', () =>
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: 50n }), { maxLength: 9 }),
        fc.bigInt({ min: 0n, max: 40n }),
        fc.integer({ min: 1, max: 9 }).chain((den) => fc.tuple(fc.integer({ min: 1, max: den }), fc.constant(den + 1))),
        (ws, extra, [num, den]) => {
          const t = { num: BigInt(num), den: BigInt(den) }
          const total = ws.reduce((a, b) => a + b, 0n) + extra
          expect(nakamoto({ weights: holders(...ws), total, threshold: t }).k).toBe(bruteNakamoto(ws, total, t))
        },
      ),
    ))

  test('a shared ranking (weightOrder) gives the same result: ties, zeros, and weights that collide as doubles (10^30, 10^30 + 1)', () =>
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            address: fc.constantFrom('0xa', '0xb', '0xc', '0xd'),
            weight: fc.oneof(fc.constantFrom(0n, 7n, 10n ** 30n, 10n ** 30n + 1n, 10n ** 30n + 2n), fc.bigInt({ min: 0n, max: 2n ** 256n - 1n })),
          }),
          { maxLength: 30 },
        ),
        fc.bigInt({ min: 0n, max: 10n ** 31n }),
        (ws, extra) => {
          const total = ws.reduce((a, w) => a + w.weight, 0n) + extra
          for (const p of [{ weights: ws }, { weights: ws, total }]) expect(nakamoto({ ...p, ranking: weightOrder(ws) })).toEqual(nakamoto(p))
        },
      ),
    ))

  test('a shared ranking past the radix size with one long run of colliding keys: the same k and top', () => {
    // 5,000 weights 10^30 + i: one double, so one run to settle exactly; they alone decide.
    const ws = Array.from({ length: 5_000 }, (_, i) => ({ address: `0x${String(i % 7).padStart(40, '0')}`, weight: 10n ** 30n + BigInt(i % 13) }))
    const alone = nakamoto({ weights: ws })
    expect(nakamoto({ weights: ws, ranking: weightOrder(ws) })).toEqual(alone)
    // The reference: exact descending prefix sums, and byWeightDesc for the listed top.
    const sorted = ws.map((w) => w.weight).sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))
    const total = sorted.reduce((a, b) => a + b, 0n)
    let sum = 0n
    const k = sorted.findIndex((w) => (sum += w) * 2n > total) + 1
    expect(alone.k).toBe(k)
    expect(alone.top.map((h) => [h.address, h.weight])).toEqual(
      [...ws].sort((a, b) => (a.weight === b.weight ? (a.address < b.address ? -1 : a.address > b.address ? 1 : 0) : a.weight > b.weight ? -1 : 1)).slice(0, k).map((h) => [h.address, h.weight]),
    )
  })
})
