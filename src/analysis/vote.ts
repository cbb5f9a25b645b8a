import { UsageError } from '../errors.js'
import type { Support, Tally } from './rules/countingRule.js'

/**
 * One voter's votes on one proposal, as exact amounts per support. A simple vote puts
 * its whole weight on one support; a fractional vote (OZ GovernorCountingFractional,
 * support = 255) splits it. A voter who voted several times (fractional voting allows
 * it) is one Vote after `mergeVotes`.
 */
export type Vote = { voter: string; for: bigint; against: bigint; abstain: bigint }

/** Governor `support` codes: 0 against, 1 for, 2 abstain (Alpha's bool: false 0, true 1). */
const SUPPORT_CODES: Readonly<Record<number, Support>> = { 0: 'against', 1: 'for', 2: 'abstain' }

export type VoteFromSupportParameters = { voter: string; support: number; weight: bigint }

/** A simple `VoteCast` as a Vote; throws UsageError for a support other than 0, 1, 2. */
export function voteFromSupport({ voter, support, weight }: VoteFromSupportParameters): Vote {
  const key = SUPPORT_CODES[support]
  if (key === undefined) throw new UsageError(`support of ${voter} must be 0, 1 or 2; got ${support}`)
  if (weight < 0n) throw new UsageError(`vote weight of ${voter} must be >= 0; got ${weight}`)
  return { voter, for: 0n, against: 0n, abstain: 0n, [key]: weight }
}

/**
 * One Vote per voter (addresses compared and returned lowercase), amounts summed: removing
 * a voter removes everything they cast. Order: first appearance. Negative amounts throw
 * UsageError. Inputs are never modified; a voter with one lowercase row is returned as
 * that same object (no copy per vote), so treat the result as read-only.
 */
export function mergeVotes(votes: readonly Vote[]): Vote[] {
  const merged = new Map<string, Vote>()
  for (const v of votes) {
    if (v.for < 0n || v.against < 0n || v.abstain < 0n)
      throw new UsageError(`vote amounts of ${v.voter} must be >= 0; got ${v.for}/${v.against}/${v.abstain}`)
    const key = v.voter.toLowerCase()
    const prev = merged.get(key)
    if (prev) merged.set(key, { voter: key, for: prev.for + v.for, against: prev.against + v.against, abstain: prev.abstain + v.abstain })
    else merged.set(key, key === v.voter ? v : { voter: key, for: v.for, against: v.against, abstain: v.abstain })
  }
  return [...merged.values()]
}

/** Totals per support. */
export function tallyVotes(votes: readonly Vote[]): Tally {
  const tally: Tally = { for: 0n, against: 0n, abstain: 0n }
  for (const v of votes) {
    tally.for += v.for
    tally.against += v.against
    tally.abstain += v.abstain
  }
  return tally
}

/** Everything a voter cast: the weight of their vote for Nakamoto over votes cast. */
export function voteWeight(v: Vote): bigint {
  return v.for + v.against + v.abstain
}
