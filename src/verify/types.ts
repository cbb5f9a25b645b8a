/**
 * What `govaudit verify` found: one check per (what, whom, at which block), each with the
 * stored value beside the chain's. Shared by the orchestration (src/verify) and the pure
 * renderer (src/report/verify.ts), which imports these types only.
 */

/** What a check compares; the view that answered is in `VerifyCheck.via`. */
export type VerifyCheckKind =
  /** Voting power of an account at a block: `getPastVotes` / `getPriorVotes`, or `getVotes` / `getCurrentVotes` at the block. */
  | 'votes'
  /** `balanceOf(account)` at the block. */
  | 'balance'
  /** `delegates(account)` at the block (the zero address when undelegated). */
  | 'delegate'
  /** `getPastTotalSupply`, or `totalSupply()` at the block, vs the sum of stored balances. */
  | 'total-supply'
  /** A proposal's for / against / abstain: OZ `proposalVotes(id)`, Bravo / Alpha `proposals(id)`. */
  | 'tally'
  /** The quorum that applied: OZ `quorum(snapshot)`, Bravo / Alpha `quorumVotes()`. */
  | 'quorum'
  /** The governor's own `state(id)`. */
  | 'state'

export const VERIFY_CHECK_KINDS: readonly VerifyCheckKind[] = ['votes', 'balance', 'delegate', 'total-supply', 'tally', 'quorum', 'state']

export type VerifyCheck = {
  check: VerifyCheckKind
  /** An account (lowercase), the token address, or a proposal as `<id>` / `<id>@<governor>`. */
  subject: string
  /** The block the compared values are as of. */
  block: number
  /** Amounts as decimal strings, addresses lowercase, a tally as `for X, against Y, abstain Z`; null when the store has none. */
  stored: string | null
  /** The same, as the contract answered; null when the view could not be read. */
  chain: string | null
  ok: boolean
  /** The view (and the block it was called at when that differs from `block`), e.g. `getPastVotes@120`. */
  via: string
}

/** Why a block was checked. */
export type BlockReason = 'cursor' | 'requested' | 'sampled' | 'snapshot'

export type PlannedBlock = { blockNumber: number; reasons: BlockReason[] }

export type VerifyReport = {
  dao: string
  seed: number
  /** The token cursor: the last indexed block, where "now" is checked. */
  block: number
  blocks: PlannedBlock[]
  /** Accounts sampled (each checked at every planned block). */
  accounts: number
  /** Governor proposals checked. */
  proposals: number
  checks: VerifyCheck[]
  /** Checks the planner wanted but no view could answer (e.g. a token without totalSupply()). */
  notes: string[]
}
