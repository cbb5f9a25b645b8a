/**
 * Schema v3: on-chain governors (OpenZeppelin Governor, GovernorBravo, GovernorAlpha) of a
 * DAO, their proposals and votes (DESIGN.md §3, §5).
 *
 * - `governor`: one row per governor of a DAO — several governors can share the DAO's
 *   token (Compound: Alpha, then Bravo), whose events are stored once, under the DAO.
 *   Each governor's indexing progress is its own cursor row, stream `governor:<address>`.
 * - Raw facts, keyed like the token tables by (dao_id, block_number, log_index):
 *   `proposal` (ProposalCreated), `vote` (VoteCast, VoteCastWithParams, Alpha's VoteCast),
 *   `proposal_event` (ProposalCanceled / Queued / Executed / Extended).
 * - Derived from `vote` alone, rebuildable: `proposal_tally`.
 * - Read from the chain by the finalize step and compared: `proposal_status` (the block
 *   the vote weights are taken at, the quorum that applied, the governor's own `state()`,
 *   the state and outcome derived from the indexed facts, and any disagreement).
 *
 * Proposal ids are uint256 (OZ ids are hashes) and, like amounts, 64 lowercase hex digits
 * (see amount.ts). Timepoints (vote_start, vote_end, extended_deadline) are in the
 * governor's clock: block numbers, or unix seconds for `clock = 'timestamp'`.
 */
export const v3 = `
CREATE TABLE governor (
  dao_id INTEGER NOT NULL REFERENCES dao(id),
  address TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('oz', 'bravo', 'alpha')),
  counting_mode TEXT NOT NULL,
  clock_mode TEXT NOT NULL,
  clock TEXT NOT NULL CHECK (clock IN ('blocknumber', 'timestamp')),
  token TEXT,
  name TEXT,
  start_block INTEGER NOT NULL,
  PRIMARY KEY (dao_id, address)
) STRICT, WITHOUT ROWID;

CREATE TABLE proposal (
  dao_id INTEGER NOT NULL,
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  tx_index INTEGER NOT NULL,
  tx_hash TEXT NOT NULL,
  governor TEXT NOT NULL,
  proposal_id TEXT NOT NULL,
  proposer TEXT NOT NULL,
  targets TEXT NOT NULL,      -- JSON array of lowercase addresses
  call_values TEXT NOT NULL,  -- JSON array of decimal strings (wei)
  signatures TEXT NOT NULL,   -- JSON array of strings
  calldatas TEXT NOT NULL,    -- JSON array of 0x hex
  vote_start INTEGER NOT NULL,
  vote_end INTEGER NOT NULL,
  description TEXT NOT NULL,
  title TEXT NOT NULL,
  PRIMARY KEY (dao_id, block_number, log_index)
) STRICT, WITHOUT ROWID;
CREATE UNIQUE INDEX proposal_by_id ON proposal (dao_id, governor, proposal_id);

CREATE TABLE vote (
  dao_id INTEGER NOT NULL,
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  tx_index INTEGER NOT NULL,
  tx_hash TEXT NOT NULL,
  governor TEXT NOT NULL,
  proposal_id TEXT NOT NULL,
  voter TEXT NOT NULL,
  event TEXT NOT NULL CHECK (event IN ('VoteCast', 'VoteCastWithParams', 'VoteCastAlpha')),
  support INTEGER NOT NULL CHECK (support IN (0, 1, 2, 255)),
  weight TEXT NOT NULL,
  -- The split of a fractional vote (support 255); NULL for a simple vote, whose whole
  -- weight goes to its support (kept out of the row: votes are the governor hot path).
  against_votes TEXT,
  for_votes TEXT,
  abstain_votes TEXT,
  reason TEXT,                -- NULL for Alpha, whose event has none
  params TEXT,                -- 0x hex, VoteCastWithParams only
  PRIMARY KEY (dao_id, block_number, log_index),
  CHECK ((support = 255) = (for_votes IS NOT NULL AND against_votes IS NOT NULL AND abstain_votes IS NOT NULL))
) STRICT, WITHOUT ROWID;
CREATE INDEX vote_by_proposal ON vote (dao_id, governor, proposal_id, voter);

CREATE TABLE proposal_event (
  dao_id INTEGER NOT NULL,
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  tx_index INTEGER NOT NULL,
  tx_hash TEXT NOT NULL,
  governor TEXT NOT NULL,
  proposal_id TEXT NOT NULL,
  event TEXT NOT NULL CHECK (event IN ('ProposalCanceled', 'ProposalQueued', 'ProposalExecuted', 'ProposalExtended')),
  eta TEXT,                   -- ProposalQueued: 64 hex digits
  extended_deadline INTEGER,  -- ProposalExtended: the new deadline
  PRIMARY KEY (dao_id, block_number, log_index)
) STRICT, WITHOUT ROWID;
CREATE INDEX proposal_event_by_proposal ON proposal_event (dao_id, governor, proposal_id);

-- Derived from vote: sums per support, vote events and distinct voters.
CREATE TABLE proposal_tally (
  dao_id INTEGER NOT NULL,
  governor TEXT NOT NULL,
  proposal_id TEXT NOT NULL,
  for_votes TEXT NOT NULL,
  against_votes TEXT NOT NULL,
  abstain_votes TEXT NOT NULL,
  votes INTEGER NOT NULL,
  voters INTEGER NOT NULL,
  PRIMARY KEY (dao_id, governor, proposal_id)
) STRICT, WITHOUT ROWID;

-- Per proposal, as of checked_block: chain reads and the comparison with the indexed facts.
CREATE TABLE proposal_status (
  dao_id INTEGER NOT NULL,
  governor TEXT NOT NULL,
  proposal_id TEXT NOT NULL,
  checked_block INTEGER,      -- NULL until first finalized
  snapshot_block INTEGER,     -- vote weights are voting power at the end of this block; NULL until known
  quorum TEXT,                -- 64 hex digits; NULL until known
  quorum_block INTEGER,       -- the block quorum() / quorumVotes() was read at
  chain_state TEXT CHECK (chain_state IN ('pending', 'active', 'canceled', 'defeated', 'succeeded', 'queued', 'expired', 'executed')),
  derived_state TEXT CHECK (derived_state IN ('pending', 'active', 'canceled', 'defeated', 'succeeded', 'queued', 'expired', 'executed')),
  outcome TEXT CHECK (outcome IN ('passed', 'defeated', 'quorum-failed', 'canceled', 'pending', 'active')),
  agrees INTEGER CHECK (agrees IN (0, 1)),  -- derived_state vs chain_state; NULL when either is unknown
  disagreement TEXT,          -- one sentence when anything disagrees; NULL otherwise
  final INTEGER NOT NULL DEFAULT 0 CHECK (final IN (0, 1)),  -- 1: nothing left to read for it
  PRIMARY KEY (dao_id, governor, proposal_id)
) STRICT, WITHOUT ROWID;
`
