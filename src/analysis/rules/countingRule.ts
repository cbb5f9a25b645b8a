/** A vote's direction, as Governor `support`: 0 against, 1 for, 2 abstain. */
export type Support = 'for' | 'against' | 'abstain'

/** Totals of one proposal, exact vote units. */
export type Tally = { for: bigint; against: bigint; abstain: bigint }

/**
 * One counting rule, as an OZ counting module describes itself: its `COUNTING_MODE()`,
 * which supports count toward quorum, and the two hooks every Governor asks.
 * Every rule here succeeds on `for > against` and reaches quorum when the sum of the
 * `quorumSupports` amounts is >= quorum; `decisive` relies on that linear shape.
 */
export type CountingRule = {
  readonly id: 'bravo' | 'oz-simple' | 'oz-bravo-quorum'
  readonly countingMode: string
  readonly quorumSupports: readonly Support[]
  quorumReached(tally: Tally, quorum: bigint): boolean
  voteSucceeded(tally: Tally): boolean
}

/** Sum of the amounts of `tally` that count toward quorum under `supports`. */
export function quorumWeight(tally: Tally, supports: readonly Support[]): bigint {
  let sum = 0n
  for (const s of supports) sum += tally[s]
  return sum
}
