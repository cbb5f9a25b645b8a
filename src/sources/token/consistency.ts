/**
 * The token's two accounts of voting power must agree: the DelegateVotesChanged values the
 * contract emitted, and the sum of balances of each delegate's delegators (ERC20Votes and
 * Comp give undelegated balances no votes). A difference means events are missing (a range
 * the RPC silently dropped, a start block after deployment) or the token is not a plain
 * votes token — either way every number built on it is suspect, so it is reported.
 */
import type { AccountWeight, Delegation } from '../../store/tokenQueries.js'

export type VotingPowerMismatch = { delegate: string; emitted: bigint; fromBalances: bigint }

export type CheckVotingPowerParameters = {
  votingPower: AccountWeight[]
  balances: AccountWeight[]
  delegations: Delegation[]
}

export function checkVotingPower({ votingPower, balances, delegations }: CheckVotingPowerParameters): VotingPowerMismatch[] {
  const balanceOf = new Map(balances.map((b) => [b.address, b.weight]))
  const derived = new Map<string, bigint>()
  for (const { delegator, delegate } of delegations)
    derived.set(delegate, (derived.get(delegate) ?? 0n) + (balanceOf.get(delegator) ?? 0n))
  const emitted = new Map(votingPower.map((v) => [v.address, v.weight]))
  const mismatches: VotingPowerMismatch[] = []
  for (const delegate of new Set([...emitted.keys(), ...derived.keys()])) {
    const e = emitted.get(delegate) ?? 0n
    const d = derived.get(delegate) ?? 0n
    if (e !== d) mismatches.push({ delegate, emitted: e, fromBalances: d })
  }
  return mismatches.sort((a, b) => (a.delegate < b.delegate ? -1 : 1))
}
