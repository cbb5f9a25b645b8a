import type { Support, Tally } from './countingRule.js'

/**
 * OZ GovernorCountingSimple (`support=bravo&quorum=for,abstain`), and the fractional
 * module GovernorCountingFractional, which counts the same way: quorum is reached when
 * `quorum(snapshot) <= for + abstain`, the vote succeeds when `for > against`.
 */
export const id = 'oz-simple'
export const countingMode = 'support=bravo&quorum=for,abstain'
export const quorumSupports: readonly Support[] = ['for', 'abstain']

/** `for + abstain >= quorum`: exactly at quorum is enough; against never counts. */
export function quorumReached(tally: Tally, quorum: bigint): boolean {
  return tally.for + tally.abstain >= quorum
}

/** `for > against`, strictly (OZ `_voteSucceeded`): a tie is defeated. */
export function voteSucceeded(tally: Tally): boolean {
  return tally.for > tally.against
}
