import { topWeights, weightKeys } from './weightOrder.js'
import { asPopulation, type Weights } from './population.js'

export type DelegationFlowsParameters = {
  /** Every holder's balance at one block (zero balances are ignored). */
  balances: Weights
  /** Every delegator's delegate at the same block; undelegated holders are absent. */
  delegations: readonly { delegator: string; delegate: string }[]
  /** Every delegate's voting power at the same block. */
  votingPower: Weights
  /** How many of the largest delegates to describe. Default 10. */
  top?: number
}

/** A part of the supply: its balance and how many holders (balance > 0) hold it. */
export type FlowPart = { weight: bigint; holders: number }

export type DelegateFlow = {
  address: string
  votingPower: bigint
  /** Holders with a balance > 0 who delegate to this address, not counting itself. */
  delegators: number
  /** The address delegates to itself (its own balance is part of its voting power). */
  selfDelegated: boolean
  /** Sum of the balances pointing here, its own included when self-delegated. */
  delegatedBalance: bigint
}

export type DelegationFlowsResult = {
  /** Sum of the balances: the supply as the indexed events say. */
  totalSupply: bigint
  totalVotingPower: bigint
  selfDelegated: FlowPart
  delegatedToOthers: FlowPart
  /** Balance that votes for no one: its holder never delegated (or delegated to the zero address). */
  undelegated: FlowPart
  /** Delegates with voting power > 0. */
  delegates: number
  /** The largest delegates by voting power, byWeightDesc. */
  topDelegates: DelegateFlow[]
}

/**
 * Where the supply's votes go (ERC20Votes / Comp semantics): a balance counts toward the
 * voting power of its holder's delegate, and toward nobody's until the holder delegates —
 * to itself or to another. For each of the largest delegates, how many holders point at it.
 * With consistent inputs a delegate's `delegatedBalance` equals its `votingPower`.
 */
export function delegationFlows({ balances, delegations, votingPower, top = 10 }: DelegationFlowsParameters): DelegationFlowsResult {
  const delegateOf = new Map(delegations.map((d) => [d.delegator, d.delegate]))
  const parts = { self: { weight: 0n, holders: 0 }, others: { weight: 0n, holders: 0 }, none: { weight: 0n, holders: 0 } }
  const pointing = new Map<string, { delegators: number; self: boolean; balance: bigint }>()
  const holders = asPopulation(balances)
  for (let i = 0; i < holders.size; i++) {
    const weight = holders.weight(i)
    if (weight <= 0n) continue
    // Nobody delegated: every balance is undelegated, and no address needs reading.
    const address = delegateOf.size === 0 ? '' : holders.address(i)
    const delegate = delegateOf.get(address)
    const part = delegate === undefined ? parts.none : delegate === address ? parts.self : parts.others
    part.weight += weight
    part.holders++
    if (delegate === undefined) continue
    const p = pointing.get(delegate) ?? { delegators: 0, self: false, balance: 0n }
    if (delegate === address) p.self = true
    else p.delegators++
    p.balance += weight
    pointing.set(delegate, p)
  }
  const { population, sum } = weightKeys(votingPower)
  return {
    totalSupply: parts.self.weight + parts.others.weight + parts.none.weight,
    totalVotingPower: sum,
    selfDelegated: parts.self,
    delegatedToOthers: parts.others,
    undelegated: parts.none,
    delegates: population,
    topDelegates: topWeights(votingPower, top).map((w) => {
      const p = pointing.get(w.address)
      return { address: w.address, votingPower: w.weight, delegators: p?.delegators ?? 0, selfDelegated: p?.self ?? false, delegatedBalance: p?.balance ?? 0n }
    }),
  }
}
