/**
 * Governor families and the topic0 of every event govaudit reads from them (DESIGN.md §5).
 * The hashes are keccak256 of the canonical signatures; test/sources/governor checks them
 * against ethers' `id()`.
 */

/** `oz`: OpenZeppelin Governor (v4, v5); `bravo`: GovernorBravo; `alpha`: GovernorAlpha. */
export const GOVERNOR_KINDS = ['oz', 'bravo', 'alpha'] as const
export type GovernorKind = (typeof GOVERNOR_KINDS)[number]

export const GOVERNOR_TOPIC = {
  /** OZ, Bravo and Alpha: `ProposalCreated(uint256 proposalId, address proposer, address[] targets,
   *  uint256[] values, string[] signatures, bytes[] calldatas, uint256 voteStart, uint256 voteEnd, string description)` */
  ProposalCreated: '0x7d84a6263ae0d98d3329bd7b46bb4e8d6f98cd35a7adb45c274c8b7fd5ebd5e0',
  /** OZ and Bravo: `VoteCast(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason)` */
  VoteCast: '0xb8e138887d0aa13bab447e82de9d5c1777041ecd21ca36ba824ff1e6c07ddda4',
  /** OZ: `VoteCastWithParams(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason, bytes params)` */
  VoteCastWithParams: '0xe2babfbac5889a709b63bb7f598b324e08bc5a4fb9ec647fb3cbc9ec07eb8712',
  /** Alpha: `VoteCast(address voter, uint256 proposalId, bool support, uint256 votes)`, nothing indexed. */
  VoteCastAlpha: '0x877856338e13f63d0c36822ff0ef736b80934cd90574a3a5bc9262c39d217c46',
  /** `ProposalCanceled(uint256 proposalId)` */
  ProposalCanceled: '0x789cf55be980739dad1d0699b93b58e806b51c9d96619bfa8fe0a28abaa7b30c',
  /** `ProposalQueued(uint256 proposalId, uint256 etaSeconds)` (Bravo/Alpha: `eta`) */
  ProposalQueued: '0x9a2e42fd6722813d69113e7d0079d3d940171428df7373df9c7f7617cfda2892',
  /** `ProposalExecuted(uint256 proposalId)` */
  ProposalExecuted: '0x712ae1383f79ac853f8d882153778e0260ef8f03b504e2866e0593e04d2b291f',
  /** OZ GovernorPreventLateQuorum: `ProposalExtended(uint256 indexed proposalId, uint64 extendedDeadline)` */
  ProposalExtended: '0x541f725fb9f7c98a30cc9c0ff32fbb14358cd7159c847a3aa20a2bdc442ba511',
} as const

export type GovernorTopicName = keyof typeof GOVERNOR_TOPIC

const COMMON = [
  GOVERNOR_TOPIC.ProposalCreated,
  GOVERNOR_TOPIC.ProposalCanceled,
  GOVERNOR_TOPIC.ProposalQueued,
  GOVERNOR_TOPIC.ProposalExecuted,
]

/**
 * The topic0 list to request from a governor of `kind`, to merge with the token's in the
 * one eth_getLogs filter of a DAO. Bravo and Alpha both get both VoteCast shapes: the topic
 * tells them apart per log, so a Compound-style governor whose views cannot tell Bravo from
 * Alpha still loses no vote.
 */
export function governorTopics(kind: GovernorKind): string[] {
  switch (kind) {
    case 'oz':
      return [...COMMON, GOVERNOR_TOPIC.VoteCast, GOVERNOR_TOPIC.VoteCastWithParams, GOVERNOR_TOPIC.ProposalExtended]
    case 'bravo':
    case 'alpha':
      return [...COMMON, GOVERNOR_TOPIC.VoteCast, GOVERNOR_TOPIC.VoteCastAlpha]
  }
}
