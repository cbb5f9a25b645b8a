import { describe, expect, test } from 'vitest'
import fc from 'fast-check'
import { planAccountChecks, planAccounts, planBlocks, SAMPLED_BLOCKS, TOP_ACCOUNTS } from '../../src/verify/plan.js'

const addr = (i: number) => `0x${i.toString(16).padStart(40, '0')}`
const population = Array.from({ length: 200 }, (_, i) => addr(i + 1))

describe('planBlocks', () => {
  const base = { startBlock: 100, cursor: 10_000, snapshots: [150, 5000, 20_000, 50], requested: 777 }

  test('the cursor, --block, snapshots in range and the drawn blocks, ascending, each once', () => {
    const blocks = planBlocks({ ...base, seed: 1 })
    const numbers = blocks.map((b) => b.blockNumber)
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b))
    expect(new Set(numbers).size).toBe(numbers.length)
    const why = (n: number) => blocks.find((b) => b.blockNumber === n)?.reasons
    expect(why(10_000)).toEqual(['cursor'])
    expect(why(777)).toEqual(['requested'])
    expect(why(150)).toEqual(['snapshot'])
    expect(why(5000)).toEqual(['snapshot'])
    expect(why(20_000)).toBeUndefined() // after the cursor
    expect(why(50)).toBeUndefined() // before the first indexed block
    const drawn = blocks.filter((b) => b.reasons.includes('sampled'))
    expect(drawn.length).toBe(SAMPLED_BLOCKS)
    for (const b of drawn) expect(b.blockNumber >= 100 && b.blockNumber < 10_000).toBe(true)
  })

  test('same seed, same blocks; the draw depends on the seed', () => {
    expect(planBlocks({ ...base, seed: 42 })).toEqual(planBlocks({ ...base, seed: 42 }))
    const draws = new Set([1, 2, 3, 4, 5].map((seed) => JSON.stringify(planBlocks({ ...base, seed }).filter((b) => b.reasons.includes('sampled')))))
    expect(draws.size).toBeGreaterThan(1)
  })

  test('a range shorter than the draw gives every earlier block once', () => {
    const blocks = planBlocks({ seed: 9, startBlock: 10, cursor: 12, snapshots: [] })
    expect(blocks.map((b) => b.blockNumber)).toEqual([10, 11, 12])
    expect(planBlocks({ seed: 9, startBlock: 10, cursor: 10, snapshots: [] })).toEqual([{ blockNumber: 10, reasons: ['cursor'] }])
  })
})

describe('planAccounts', () => {
  const holders = population.slice(0, 8)
  const delegates = [population[3]!, ...population.slice(20, 27)]

  test('top holders and delegates first, then `sample` other accounts, each once', () => {
    const accounts = planAccounts({ seed: 5, holders, delegates, population, sample: 10, all: false })
    const addresses = accounts.map((a) => a.address)
    expect(new Set(addresses).size).toBe(addresses.length)
    expect(addresses.slice(0, TOP_ACCOUNTS)).toEqual(holders.slice(0, TOP_ACCOUNTS))
    expect(accounts.find((a) => a.address === population[3])!.reasons).toEqual(['top-holder', 'top-delegate'])
    const random = accounts.filter((a) => a.reasons.includes('random'))
    expect(random.length).toBe(10)
    for (const a of random) expect(population).toContain(a.address)
    expect(accounts.length).toBe(TOP_ACCOUNTS + (TOP_ACCOUNTS - 1) + 10)
  })

  test('the sample depends on the seed alone, not on the order the population comes in', () => {
    const p = { holders, delegates, sample: 7, all: false }
    const a = planAccounts({ ...p, seed: 77, population })
    expect(planAccounts({ ...p, seed: 77, population: [...population].reverse() })).toEqual(a)
    expect(planAccounts({ ...p, seed: 78, population })).not.toEqual(a)
  })

  test('property: a sample is a subset of the population, of the asked size (capped), deterministic', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 250 }), fc.integer({ min: 0, max: 200 }), (seed, sample, size) => {
        const pop = population.slice(0, size)
        const run = () => planAccounts({ seed, holders: [], delegates: [], population: pop, sample, all: false })
        const accounts = run()
        expect(accounts.length).toBe(Math.min(sample, size))
        expect(new Set(accounts.map((a) => a.address)).size).toBe(accounts.length)
        for (const a of accounts) expect(pop).toContain(a.address)
        expect(run()).toEqual(accounts)
      }),
    )
  })

  test('--all takes the whole population', () => {
    const accounts = planAccounts({ seed: 1, holders, delegates, population, sample: 3, all: true })
    expect(new Set(accounts.map((a) => a.address))).toEqual(new Set(population))
  })
})

describe('planAccountChecks', () => {
  test('every account at every block, voters at their snapshot merged in', () => {
    const blocks = [
      { blockNumber: 5, reasons: ['snapshot' as const] },
      { blockNumber: 9, reasons: ['cursor' as const] },
    ]
    const accounts = [{ address: addr(1), reasons: ['top-holder' as const] }]
    const checks = planAccountChecks({ blocks, accounts, voters: [{ address: addr(1), blockNumber: 5 }, { address: addr(2), blockNumber: 5 }] })
    expect(checks).toEqual([
      { address: addr(1), blockNumber: 5, kinds: ['votes', 'balance', 'delegate'] },
      { address: addr(2), blockNumber: 5, kinds: ['votes'] },
      { address: addr(1), blockNumber: 9, kinds: ['votes', 'balance', 'delegate'] },
    ])
  })
})
