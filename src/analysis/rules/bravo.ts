import type { Support, Tally } from './countingRule.js'

/**
 * GovernorBravo and GovernorAlpha (Compound): a proposal succeeds iff
 * `forVotes > againstVotes && forVotes >= quorumVotes` (Bravo `state()`); only `for`
 * counts toward quorum. Alpha has no abstain; an abstain amount changes nothing.
 * Neither contract has `COUNTING_MODE()`: the string here is the mode OZ's
 * GovernorCompatibilityBravo reported for the same rule.
 */
export const id = 'bravo'
export const countingMode = 'support=bravo&quorum=bravo'
export const quorumSupports: readonly Support[] = ['for']

/** `for >= quorum`: exactly at quorum is enough. */
export function quorumReached(tally: Tally, quorum: bigint): boolean {
  return tally.for >= quorum
}

/** `for > against`, strictly: a tie is defeated. */
export function voteSucceeded(tally: Tally): boolean {
  return tally.for > tally.against
}
