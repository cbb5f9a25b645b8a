import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { rankingOf, settleRuns, topOrder, topWeights, weightKeys, weightOrder } from '../../src/analysis/weightOrder.js'
import { nakamoto } from '../../src/analysis/nakamoto.js'
import { mulberry32 } from '../../src/analysis/mulberry32.js'
import { byWeightDesc, positiveWeights, type Weighted } from '../../src/analysis/weights.js'
import { UsageError } from '../../src/errors.js'

/** The reference: what nakamoto and concentration sorted with before weightOrder. */
const reference = (ws: Weighted[]) => positiveWeights(ws).sort(byWeightDesc)

/** Exact byWeightDesc ranking through weightOrder + settleRuns('address'). */
function ranked(ws: Weighted[]): Weighted[] {
  const ranking = weightOrder(ws)
  expect(settleRuns(ws, ranking, 'address')).toBe(ranking.population)
  return Array.from(ranking.order, (i) => ws[i]!)
}

const BIG = 2n ** 200n
// Weights that collide as doubles: near 2^200 (one ulp is 2^148), exactly equal, zero,
// tiny, and beyond 2^1024 (Infinity as a double).
const weightArb = fc.oneof(
  fc.bigInt({ min: 0n, max: 5n }),
  fc.bigInt({ min: BIG, max: BIG + 3n }),
  fc.bigInt({ min: 0n, max: 2n ** 256n - 1n }),
  fc.bigInt({ min: 2n ** 1030n, max: 2n ** 1030n + 2n }),
)
const holderArb = fc.record({ address: fc.constantFrom('0xa', '0xb', '0xc', '0xd', '0xe'), weight: weightArb })

describe('weightOrder', () => {
  test('worked: keys, population, and the order after settling', () => {
    const ws = [
      { address: '0xb', weight: 5n },
      { address: '0xz', weight: 0n },
      { address: '0xc', weight: 9n },
      { address: '0xa', weight: 5n },
    ]
    const ranking = weightOrder(ws)
    expect(ranking.population).toBe(3)
    expect(Array.from(ranking.keys)).toEqual([5, 0, 9, 5])
    expect(ranked(ws).map((w) => w.address)).toEqual(['0xc', '0xa', '0xb'])
  })

  test('settled with address ties it equals positiveWeights(...).sort(byWeightDesc), identical entries in input order', () =>
    fc.assert(
      fc.property(fc.array(holderArb, { maxLength: 40 }), (ws) => {
        const got = ranked(ws)
        const want = reference(ws)
        expect(got).toEqual(want)
        // Same objects in the same places: a stable sort keeps identical entries in input order.
        got.forEach((w, i) => expect(w).toBe(want[i]))
      }),
    ))

  test('topWeights(n) is the first n of positiveWeights(...).sort(byWeightDesc), same objects', () =>
    fc.assert(
      fc.property(fc.array(holderArb, { maxLength: 40 }), fc.nat({ max: 45 }), (ws, n) => {
        const got = topWeights(ws, n)
        const want = reference(ws).slice(0, n)
        expect(got).toEqual(want)
        got.forEach((w, i) => expect(w).toBe(want[i]))
      }),
    ))

  test("settled with 'any' ties the weights are exactly descending", () =>
    fc.assert(
      fc.property(fc.array(holderArb, { maxLength: 40 }), (ws) => {
        const ranking = weightOrder(ws)
        settleRuns(ws, ranking, 'any')
        const weights = Array.from(ranking.order, (i) => ws[i]!.weight)
        expect(weights).toEqual(reference(ws).map((w) => w.weight))
        expect(Array.from(ranking.ranked)).toEqual(Array.from(ranking.order, (i) => ranking.keys[i]))
      }),
    ))

  test('topOrder is a complete head of the ranking: at least count entries, ties at its last key included', () =>
    fc.assert(
      fc.property(fc.array(holderArb, { maxLength: 40 }), fc.integer({ min: 1, max: 45 }), (ws, count) => {
        const { keys, population } = weightKeys(ws)
        const head = topOrder(keys, population, count)
        expect(head.length).toBeGreaterThanOrEqual(Math.min(count, population))
        const ranking = rankingOf(keys, population, head)
        settleRuns(ws, ranking, 'address', 0, head.length)
        const want = reference(ws)
        Array.from(head, (i) => ws[i]!).forEach((w, r) => expect(w).toBe(want[r]))
        // The first entry left out has a strictly smaller key than the last one kept.
        if (head.length < population) expect(keys[head[head.length - 1]!]).toBeGreaterThan(Number(want[head.length]!.weight))
      }),
    ))

  test('nakamoto on a long list (the head grows past its first 256) equals the sorted prefix sums', () => {
    // 3,000 equal holders and one of 1: k = 1,501 of 3,000 at 1/2, past the first head.
    const ws = Array.from({ length: 3001 }, (_, i) => ({ address: `0x${String(i).padStart(40, '0')}`, weight: i === 3000 ? 1n : BIG }))
    const r = nakamoto({ weights: ws })
    const sorted = reference(ws)
    let sum = 0n
    const total = sorted.reduce((a, w) => a + w.weight, 0n)
    const k = sorted.findIndex((w) => (sum += w.weight) * 2n > total) + 1
    expect(r.k).toBe(k)
    expect(r.top.map((t) => t.address)).toEqual(sorted.slice(0, k).map((w) => w.address))
  })

  test('weights that round to the same double are still told apart', () => {
    const ws = [0n, 1n, 2n, 3n].map((d, i) => ({ address: `0x${i}`, weight: BIG + d })) // ascending
    expect(new Set(weightOrder(ws).keys).size).toBe(1)
    expect(ranked(ws).map((w) => w.weight)).toEqual([BIG + 3n, BIG + 2n, BIG + 1n, BIG])
  })

  test('a negative weight is refused with the address and value', () => {
    expect(() => weightOrder([{ address: '0xa', weight: 1n }, { address: '0xb', weight: -2n }])).toThrow(UsageError)
    expect(() => weightOrder([{ address: '0xb', weight: -2n }])).toThrow('weight of 0xb must be >= 0; got -2')
  })

  test('past the comparator-sort size (radix passes), shuffled or already descending, the ranking is exact', () => {
    const next = mulberry32(7)
    // 10,000 entries: zeros, ties, weights one apart near 2^200, and uint256-wide ones.
    const ws = Array.from({ length: 10_000 }, (_, i) => {
      const u = next()
      const weight = u % 5 === 0 ? 0n : u % 5 === 1 ? BigInt(u % 97) : u % 5 === 2 ? BIG + BigInt(u % 7) : (BigInt(u) << 200n) + BigInt(i)
      return { address: `0x${String(i).padStart(40, '0')}`, weight }
    })
    for (const input of [ws, reference(ws)]) {
      const ranking = weightOrder(input)
      expect(Array.from(ranking.ranked)).toEqual(Array.from(ranking.order, (i) => ranking.keys[i]))
      expect(ranked(input)).toEqual(reference(input))
    }
  })

  test('radix passes whose digit is the same for every key are skipped, and the ranking is still exact', () => {
    const next = mulberry32(11)
    // Small integers: the low 32 bits of every double are zero (two of the four passes have one digit).
    const ws = Array.from({ length: 6_000 }, (_, i) => ({ address: `0x${String(i).padStart(40, '0')}`, weight: BigInt(next() % 1000) }))
    expect(ranked(ws)).toEqual(reference(ws))
  })

  test('empty and all-zero inputs have no population', () => {
    expect(weightOrder([]).population).toBe(0)
    expect(ranked([{ address: '0xa', weight: 0n }])).toEqual([])
  })
})
