import type { CountingRule, Tally } from './rules/countingRule.js'

/** A Governor's `ProposalState`, by enum value (OZ, Bravo and Alpha share the order). */
export const GOVERNOR_STATES = ['pending', 'active', 'canceled', 'defeated', 'succeeded', 'queued', 'expired', 'executed'] as const
export type GovernorStateName = (typeof GOVERNOR_STATES)[number]

/**
 * What the votes decided: `passed` (quorum reached and for > against), `defeated`
 * (quorum reached, for <= against), `quorum-failed`; or `canceled`, or not decided yet
 * (`pending` before voting starts, `active` while it runs).
 */
export type ProposalOutcome = 'passed' | 'defeated' | 'quorum-failed' | 'canceled' | 'pending' | 'active'

export type GovernorStateParameters = {
  rule: CountingRule
  tally: Tally
  /** The quorum that applied; null when unknown (then an ended proposal's state is unknown). */
  quorum: bigint | null
  /** The governor's clock at the block the state is asked for (block number or timestamp). */
  now: number
  /** Snapshot timepoint: voting opens after it (OZ voteStart, Bravo/Alpha startBlock). */
  voteStart: number
  /** Deadline after extensions: voting is open up to and including it. */
  deadline: number
  canceled: boolean
  queued: boolean
  executed: boolean
}

export type GovernorStateResult = {
  /** The state the governor's own `state()` should report, from indexed facts; null when the quorum is unknown. */
  state: GovernorStateName | null
  outcome: ProposalOutcome | null
  /** Lifecycle events that contradict the votes (queued or executed without passing); null when none. */
  contradiction: string | null
}

/**
 * The governor state machine on indexed facts (OZ `Governor.state`, Bravo/Alpha `state`):
 * executed, else canceled, else pending while `now <= voteStart`, active while
 * `now <= deadline`, else defeated unless `rule.quorumReached && rule.voteSucceeded`,
 * else queued once queued, else succeeded. Bravo's `expired` (a grace period after eta)
 * is not derived: compare with `statesAgree`, which accepts it for `queued`.
 */
export function governorState(p: GovernorStateParameters): GovernorStateResult {
  const timing = p.now <= p.voteStart ? 'pending' : p.now <= p.deadline ? 'active' : 'ended'
  let voted: 'passed' | 'defeated' | 'quorum-failed' | null = null
  if (timing === 'ended' && p.quorum !== null)
    voted = !p.rule.quorumReached(p.tally, p.quorum) ? 'quorum-failed' : p.rule.voteSucceeded(p.tally) ? 'passed' : 'defeated'
  const outcome: ProposalOutcome | null = p.canceled ? 'canceled' : timing === 'ended' ? voted : timing
  let contradiction: string | null = null
  if ((p.queued || p.executed) && voted !== null && voted !== 'passed')
    contradiction = `${p.executed ? 'executed' : 'queued'} although the indexed votes say ${voted}`
  else if ((p.queued || p.executed) && timing !== 'ended')
    contradiction = `${p.executed ? 'executed' : 'queued'} before its voting ended by the indexed deadline`

  let state: GovernorStateName | null
  if (p.executed) state = 'executed'
  else if (p.canceled) state = 'canceled'
  else if (timing !== 'ended') state = timing
  else if (voted === null) state = null
  else if (voted !== 'passed') state = 'defeated'
  else state = p.queued ? 'queued' : 'succeeded'
  return { state, outcome, contradiction }
}

/** Whether the governor's `state()` matches the derived one; Bravo/Alpha `expired` counts as `queued`. */
export function statesAgree(derived: GovernorStateName, chain: GovernorStateName): boolean {
  return derived === chain || (derived === 'queued' && chain === 'expired')
}
