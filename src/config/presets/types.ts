/**
 * What a preset says about a known DAO: its governance token, its governor(s) with their
 * family, its Snapshot space, the chain, and the first block worth indexing — each fact
 * with the public source it was checked against (a URL, a commit-pinned GitHub file where
 * possible). A fact that could not be checked is left `undefined`, never guessed.
 */

/**
 * How the token records voting power, as far as govaudit's token indexer is concerned:
 * - `erc20votes`: OpenZeppelin ERC20Votes (or ERC20VotesUpgradeable);
 * - `comp`: Compound's Comp.sol and its forks (uint96 checkpoints);
 * - `erc721votes`: an ERC721 emitting the same delegation events (one vote per token);
 * - `unsupported`: delegation events differ (or there is no delegation); `index` refuses
 *   it and says why (`unsupportedReason`).
 * The first three emit the same `DelegateChanged(address,address,address)` and
 * `DelegateVotesChanged(address,uint256,uint256)` events, which is what `index` reads.
 */
export const TOKEN_VOTES = ['erc20votes', 'comp', 'erc721votes', 'unsupported'] as const
export type TokenVotes = (typeof TOKEN_VOTES)[number]

/**
 * Governor families: `oz` (OpenZeppelin Governor), `bravo` (GovernorBravo and
 * Bravo-derived), `alpha` (GovernorAlpha) are the ones DESIGN §5 indexes; the others are
 * named so the preset is complete, and are not indexable by govaudit.
 */
export const PRESET_GOVERNOR_KINDS = ['oz', 'bravo', 'alpha', 'aave-v2', 'aave-v3', 'aragon-voting'] as const
export type PresetGovernorKind = (typeof PRESET_GOVERNOR_KINDS)[number]

/** The families the governor indexer reads (DESIGN §5). */
export const INDEXABLE_GOVERNOR_KINDS: readonly PresetGovernorKind[] = ['oz', 'bravo', 'alpha']

/** Where a fact was checked: a URL (commit-pinned GitHub file where possible). */
export type Source = string

export type PresetToken = {
  /** EIP-55 checksummed. */
  address: string
  /** The ERC20 symbol, where a source shows it. */
  symbol: string | undefined
  votes: TokenVotes
  /** Why `index` cannot read its voting power; set exactly when `votes` is `unsupported`. */
  unsupportedReason?: string
  /**
   * First block to index: the deployment block where a source states it, or the block a
   * cited indexer starts reading the token at (at or before its first event). undefined
   * when unverified (`index` then finds the deployment block on chain).
   */
  fromBlock: number | undefined
  note?: string
  sources: Source[]
}

export type PresetGovernor = {
  /** EIP-55 checksummed (the proxy, where there is one). */
  address: string
  kind: PresetGovernorKind
  /** e.g. "GovernorBravo (current)". */
  label: string
  /** First block worth reading, when a source states it; undefined otherwise. */
  fromBlock: number | undefined
  note?: string
  sources: Source[]
}

export type PresetSnapshot = { space: string; sources: Source[] }

export type Preset = {
  /** Lowercase; also the default DAO name in the database. */
  name: string
  title: string
  chainId: number
  chainName: string
  token: PresetToken
  governors: PresetGovernor[]
  /** The Snapshot space token holders vote in; undefined when none is known. */
  snapshot: PresetSnapshot | undefined
}
