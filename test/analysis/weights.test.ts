import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { assertWeights, byWeightDesc, mergeByAddress } from '../../src/analysis/weights.js'
import { UsageError } from '../../src/errors.js'

describe('weights', () => {
  test('byWeightDesc: weight descending, ties by address ascending', () => {
    const ws = [
      { address: '0xb', weight: 5n },
      { address: '0xc', weight: 9n },
      { address: '0xa', weight: 5n },
    ]
    expect([...ws].sort(byWeightDesc).map((w) => w.address)).toEqual(['0xc', '0xa', '0xb'])
  })

  test('sorting is independent of input order', () =>
    fc.assert(
      fc.property(fc.array(fc.record({ address: fc.constantFrom('0xa', '0xb', '0xc', '0xd'), weight: fc.bigInt({ min: 0n, max: 3n }) })), (ws) => {
        expect([...ws].sort(byWeightDesc)).toEqual([...ws].reverse().sort(byWeightDesc))
      }),
    ))

  test('mergeByAddress sums case-insensitively', () => {
    expect(mergeByAddress([{ address: '0xAB', weight: 1n }, { address: '0xab', weight: 2n }, { address: '0xcd', weight: 2n }])).toEqual([
      { address: '0xab', weight: 3n },
      { address: '0xcd', weight: 2n },
    ])
  })

  test('negative weights are refused with the address and value', () => {
    expect(() => assertWeights([{ address: '0xa', weight: -1n }])).toThrow(UsageError)
    expect(() => assertWeights([{ address: '0xa', weight: -1n }])).toThrow('weight of 0xa must be >= 0; got -1')
  })
})
