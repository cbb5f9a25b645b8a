import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { delegationFlows } from '../../src/analysis/delegationFlows.js'

describe('delegationFlows', () => {
  test('a worked example: self, to others, undelegated; delegators counted without the delegate itself', () => {
    const r = delegationFlows({
      balances: [
        { address: '0xa', weight: 50n }, // self
        { address: '0xb', weight: 30n }, // -> a
        { address: '0xc', weight: 15n }, // -> a
        { address: '0xd', weight: 5n }, // never delegated
        { address: '0xe', weight: 0n }, // -> a, but holds nothing
      ],
      delegations: [
        { delegator: '0xa', delegate: '0xa' },
        { delegator: '0xb', delegate: '0xa' },
        { delegator: '0xc', delegate: '0xf' },
        { delegator: '0xe', delegate: '0xa' },
      ],
      votingPower: [
        { address: '0xf', weight: 15n },
        { address: '0xa', weight: 80n },
      ],
    })
    expect(r).toEqual({
      totalSupply: 100n,
      totalVotingPower: 95n,
      selfDelegated: { weight: 50n, holders: 1 },
      delegatedToOthers: { weight: 45n, holders: 2 },
      undelegated: { weight: 5n, holders: 1 },
      delegates: 2,
      topDelegates: [
        { address: '0xa', votingPower: 80n, delegators: 1, selfDelegated: true, delegatedBalance: 80n },
        { address: '0xf', votingPower: 15n, delegators: 1, selfDelegated: false, delegatedBalance: 15n },
      ],
    })
  })

  test('the parts add up to the supply, and consistent voting power equals the balance delegated to it', () => {
    const account = fc.constantFrom('0x1', '0x2', '0x3', '0x4', '0x5', '0x6')
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.record({ address: account, weight: fc.bigInt({ min: 0n, max: 100n }) }), { selector: (w) => w.address }),
        fc.uniqueArray(fc.record({ delegator: account, delegate: account }), { selector: (d) => d.delegator }),
        (balances, delegations) => {
          // Voting power as ERC20Votes keeps it: the sum of the balances delegated to each delegate.
          const vp = new Map<string, bigint>()
          for (const d of delegations) vp.set(d.delegate, (vp.get(d.delegate) ?? 0n) + (balances.find((b) => b.address === d.delegator)?.weight ?? 0n))
          const r = delegationFlows({ balances, delegations, votingPower: [...vp].map(([address, weight]) => ({ address, weight })), top: 6 })
          expect(r.selfDelegated.weight + r.delegatedToOthers.weight + r.undelegated.weight).toBe(r.totalSupply)
          expect(r.selfDelegated.weight + r.delegatedToOthers.weight).toBe(r.totalVotingPower)
          for (const t of r.topDelegates) expect(t.delegatedBalance).toBe(t.votingPower)
          const counts = r.topDelegates.map((t) => t.votingPower)
          expect(counts).toEqual([...counts].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)))
        },
      ),
    )
  })
})
