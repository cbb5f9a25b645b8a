/**
 * A packed population (records as the store reads them) must answer every question exactly
 * as the list of the same weights does: keys are Number(weight), sums and moments exact,
 * and the measures built on them identical.
 */
import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { listPopulation, packedPopulation, type Population } from '../../src/analysis/population.js'
import { concentration } from '../../src/analysis/concentration.js'
import { nakamoto } from '../../src/analysis/nakamoto.js'
import { topWeights, weightOrder } from '../../src/analysis/weightOrder.js'
import { lorenz } from '../../src/analysis/lorenz.js'
import { applyLabels, type Label } from '../../src/analysis/labels.js'
import { entriesOf } from '../../src/analysis/population.js'
import type { Weighted } from '../../src/analysis/weights.js'

const MAX = 2n ** 256n - 1n

/** Records laid out as the store's: a 42-byte address, then the 32-byte big-endian word. */
function packed(weights: readonly Weighted[]): Population {
  const stride = 74
  const bytes = Buffer.alloc(weights.length * stride)
  weights.forEach((w, i) => {
    bytes.write(w.address, i * stride, 'latin1')
    bytes.write(w.weight.toString(16).padStart(64, '0'), i * stride + 42, 'hex')
  })
  return packedPopulation({ bytes, size: weights.length, stride, wordOffset: 42, address: (i) => bytes.toString('latin1', i * stride, i * stride + 42) })
}

const address = (i: number) => `0x${i.toString(16).padStart(40, '0')}`

/**
 * Weights where rounding to a double is delicate: exact halves between two doubles (ties
 * to even both ways), one unit above and below them, every width from 1 to 32 bytes, and
 * the largest uint256.
 */
const delicate = fc.oneof(
  fc.bigInt({ min: 0n, max: MAX }),
  fc.bigInt({ min: 0n, max: 2n ** 64n }),
  fc.tuple(fc.bigInt({ min: 2n ** 52n, max: 2n ** 53n - 1n }), fc.integer({ min: 1, max: 203 }), fc.constantFrom(-1n, 0n, 1n)).map(
    ([mantissa, shift, nudge]) => {
      const half = (2n * mantissa + 1n) << BigInt(shift - 1) // halfway between two doubles
      const w = half + nudge
      return w < 0n ? 0n : w > MAX ? MAX : w
    },
  ),
  fc.integer({ min: 0, max: 255 }).map((bits) => (1n << BigInt(bits)) - 1n),
  fc.constant(MAX),
)

const lists = fc.array(delicate, { maxLength: 60 }).map((ws) => ws.map((weight, i) => ({ address: address(i), weight })))

describe('packedPopulation', () => {
  test('keys are Number(weight); population, sum, weight, address, compare as the list says', () =>
    fc.assert(
      fc.property(lists, (ws) => {
        const p = packed(ws)
        const l = listPopulation(ws)
        const { keys, population, sum } = p.keys()
        expect(Array.from(keys)).toEqual(ws.map((w) => Number(w.weight)))
        expect({ population, sum }).toEqual({ population: l.keys().population, sum: l.keys().sum })
        for (let i = 0; i < ws.length; i++) {
          expect(p.weight(i)).toBe(ws[i]!.weight)
          expect(p.entry(i)).toEqual(ws[i])
          for (let j = 0; j < ws.length; j += 7) expect(p.compare(i, j)).toBe(l.compare(i, j))
        }
      }),
      { numRuns: 300 },
    ))

  test('moments are exact for any multipliers, however wide the weights and however many', () =>
    fc.assert(
      fc.property(lists, fc.array(fc.nat(), { minLength: 60, maxLength: 60 }), (ws, ms) => {
        const multiplier = Uint32Array.from(ws, (_, i) => ms[i]!)
        expect(packed(ws).moments(multiplier)).toEqual(listPopulation(ws).moments(multiplier))
      }),
      { numRuns: 300 },
    ))

  test('prefixSums along any order are the exact sums of the first entries', () =>
    fc.assert(
      fc.property(lists.chain((ws) => fc.tuple(fc.constant(ws), fc.shuffledSubarray([...ws.keys()], { minLength: ws.length }), fc.array(fc.nat({ max: ws.length }), { maxLength: 8 }))), ([ws, order, counts]) => {
        const o = Uint32Array.from(order)
        const sorted = [...counts].sort((a, b) => a - b)
        const want = sorted.map((c) => order.slice(0, c).reduce((a, i) => a + ws[i]!.weight, 0n))
        expect(packed(ws).prefixSums(o, sorted)).toEqual(want)
        expect(listPopulation(ws).prefixSums(o, sorted)).toEqual(want)
      }),
      { numRuns: 300 },
    ))

  test('moments flush before a double loses a unit: 70,000 full-width weights, multipliers up to 2^32 − 1', () => {
    // Every limb 0xffff and the largest multipliers: the column bounds are reached many times over.
    const ws = Array.from({ length: 70_000 }, (_, i) => ({ address: address(i), weight: MAX - BigInt(i) }))
    const multiplier = Uint32Array.from(ws, (_, i) => 2 ** 32 - 1 - i)
    expect(packed(ws).moments(multiplier)).toEqual(listPopulation(ws).moments(multiplier))
  })

  test('nakamoto, concentration and topWeights give the same results over either kind', () =>
    fc.assert(
      fc.property(lists, (ws) => {
        const p = packed(ws)
        expect(nakamoto({ weights: p })).toEqual(nakamoto({ weights: ws }))
        expect(concentration({ weights: p })).toEqual(concentration({ weights: ws }))
        expect(concentration({ weights: p, ranking: weightOrder(p) })).toEqual(concentration({ weights: ws }))
        expect(topWeights(p, 5)).toEqual(topWeights(ws, 5))
        expect(lorenz({ weights: p, points: 7 })).toEqual(lorenz({ weights: ws, points: 7 }))
      }),
      { numRuns: 200 },
    ))

  test('labels keep a packed population packed and measure exactly as on the list', () =>
    fc.assert(
      fc.property(
        lists,
        fc.array(fc.tuple(fc.nat({ max: 59 }), fc.constantFrom<Label>({ label: 'T', exclude: true }, { label: 'A', entity: 'a' }, { label: 'B', entity: 'b' }, { label: 'named' })), { maxLength: 12 }),
        (lower, picks) => {
          // Some addresses in upper case: labels match them lowercased, packed or not.
          const ws = lower.map((w, i) => (i % 3 === 1 ? { address: `0x${w.address.slice(2).toUpperCase()}`, weight: w.weight } : w))
          const labels = new Map(picks.filter(([i]) => i < ws.length).map(([i, label]) => [address(i), label]))
          const fromList = applyLabels({ weights: ws, labels })
          const fromPacked = applyLabels({ weights: packed(ws), labels })
          if (labels.size > 0) expect(Array.isArray(fromPacked.weights)).toBe(false)
          expect({ ...fromPacked, weights: null }).toEqual({ ...fromList, weights: null })
          const byAddress = (xs: readonly { address: string; weight: bigint }[]) =>
            xs.filter((w) => w.weight > 0n).sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0))
          expect(byAddress(entriesOf(fromPacked.weights))).toEqual(byAddress(entriesOf(fromList.weights)))
          expect(nakamoto({ weights: fromPacked.weights })).toEqual(nakamoto({ weights: fromList.weights }))
          expect(concentration({ weights: fromPacked.weights })).toEqual(concentration({ weights: fromList.weights }))
          expect(lorenz({ weights: fromPacked.weights, points: 5 })).toEqual(lorenz({ weights: fromList.weights, points: 5 }))
          expect(topWeights(fromPacked.weights, 4)).toEqual(topWeights(fromList.weights, 4))
        },
      ),
      { numRuns: 300 },
    ))
})
