/**
 * The governor fixtures of DESIGN.md §9, each with the token it votes with and its
 * constructor arguments: OpenZeppelin v5 governors (block clock, timestamp clock,
 * fractional counting; all with GovernorTimelockControl and GovernorPreventLateQuorum)
 * and the Bravo- and Alpha-compatible governors written in this project (over CompToken).
 */
import type { GovernorKind } from '../sources/governor/topics.js'
import type { FixtureContractName } from './artifacts.js'

export const GOVERNOR_FIXTURES = ['oz-block', 'oz-timestamp', 'oz-fractional', 'bravo', 'alpha'] as const
export type GovernorFixture = (typeof GOVERNOR_FIXTURES)[number]

export type GovernorContractName = 'OzGovernor' | 'OzFractionalGovernor' | 'BravoGovernor' | 'AlphaGovernor'

export type GovernorFixtureSpec = {
  fixture: GovernorFixture
  contract: GovernorContractName
  kind: GovernorKind
  /** The vote token's fixture contract. */
  token: Extract<FixtureContractName, 'GovToken' | 'GovTokenTimestamp' | 'CompToken'>
  clock: 'blocknumber' | 'timestamp'
  /** Proposals are queued in a TimelockController (GovTimelock). */
  timelock: boolean
  /** GovernorCountingFractional: support 255 with packed params. */
  fractional: boolean
  /** Support 2 exists (not Alpha). */
  abstain: boolean
  /** GovernorPreventLateQuorum: ProposalExtended. */
  lateQuorum: boolean
}

export const GOVERNOR_FIXTURE_SPECS: Record<GovernorFixture, GovernorFixtureSpec> = {
  'oz-block': { fixture: 'oz-block', contract: 'OzGovernor', kind: 'oz', token: 'GovToken', clock: 'blocknumber', timelock: true, fractional: false, abstain: true, lateQuorum: true },
  'oz-timestamp': { fixture: 'oz-timestamp', contract: 'OzGovernor', kind: 'oz', token: 'GovTokenTimestamp', clock: 'timestamp', timelock: true, fractional: false, abstain: true, lateQuorum: true },
  'oz-fractional': { fixture: 'oz-fractional', contract: 'OzFractionalGovernor', kind: 'oz', token: 'GovToken', clock: 'blocknumber', timelock: true, fractional: true, abstain: true, lateQuorum: true },
  bravo: { fixture: 'bravo', contract: 'BravoGovernor', kind: 'bravo', token: 'CompToken', clock: 'blocknumber', timelock: false, fractional: false, abstain: true, lateQuorum: false },
  alpha: { fixture: 'alpha', contract: 'AlphaGovernor', kind: 'alpha', token: 'CompToken', clock: 'blocknumber', timelock: false, fractional: false, abstain: false, lateQuorum: false },
}

/** Governance parameters, in the governor's clock units (blocks, or seconds for the timestamp clock). */
export type GovernorParameters = {
  votingDelay: number
  votingPeriod: number
  /** OZ GovernorVotesQuorumFraction numerator, over 100. */
  quorumNumerator: number
  /** Bravo / Alpha quorumVotes (token units). */
  quorumVotes: bigint
  /** OZ GovernorPreventLateQuorum extension. */
  lateQuorumExtension: number
  /** Seconds between queue and execution (TimelockController minDelay; Bravo/Alpha eta). */
  timelockDelay: number
  /** Bravo's first proposal id is initialProposalId + 1. */
  initialProposalId: number
}

export const DEFAULT_GOVERNOR_PARAMETERS: GovernorParameters = {
  votingDelay: 2,
  votingPeriod: 10,
  quorumNumerator: 10,
  quorumVotes: 200n * 10n ** 18n,
  lateQuorumExtension: 4,
  timelockDelay: 2,
  initialProposalId: 40,
}

/** Constructor arguments of the governor contract of `spec`. */
export function governorConstructorArgs(
  spec: GovernorFixtureSpec,
  { token, timelock, parameters: g = DEFAULT_GOVERNOR_PARAMETERS }: { token: string; timelock: string | null; parameters?: GovernorParameters },
): unknown[] {
  switch (spec.kind) {
    case 'oz':
      return [token, timelock, g.votingDelay, g.votingPeriod, g.quorumNumerator, g.lateQuorumExtension]
    case 'bravo':
      return [token, g.votingDelay, g.votingPeriod, 0, g.quorumVotes, g.timelockDelay, g.initialProposalId]
    case 'alpha':
      return [token, g.votingDelay, g.votingPeriod, 0, g.quorumVotes, g.timelockDelay]
  }
}
