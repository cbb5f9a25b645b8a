import type { Support, Tally } from './countingRule.js'

/**
 * OZ counting with `quorum=bravo` (e.g. GovernorCompatibilityBravo, v4): only `for`
 * votes count toward quorum (`quorum(snapshot) <= for`); the vote succeeds when
 * `for > against`. Arithmetically the same rule as GovernorBravo's.
 */
export const id = 'oz-bravo-quorum'
export const countingMode = 'support=bravo&quorum=bravo'
export const quorumSupports: readonly Support[] = ['for']

/** `for >= quorum`: exactly at quorum is enough; abstain and against never count. */
export function quorumReached(tally: Tally, quorum: bigint): boolean {
  return tally.for >= quorum
}

/** `for > against`, strictly: a tie is defeated. */
export function voteSucceeded(tally: Tally): boolean {
  return tally.for > tally.against
}
