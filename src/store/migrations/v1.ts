/**
 * Schema v1: DAOs, cursors, blocks, raw token events and the token state derived from them.
 *
 * Conventions:
 * - addresses are lowercase 0x hex; amounts are 64 lowercase hex digits (see amount.ts);
 * - raw event rows are keyed by (dao_id, block_number, log_index): unique on a canonical
 *   chain and already in chain order, so inserts in block order append to the B-tree;
 * - derived tables (balance*, vp_checkpoint, voting_power, delegation) can be rebuilt
 *   from the raw tables alone.
 */
export const v1 = `
CREATE TABLE dao (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  chain_id INTEGER NOT NULL,
  token TEXT NOT NULL,
  token_standard TEXT NOT NULL CHECK (token_standard IN ('erc20', 'erc721', 'unknown')),
  start_block INTEGER NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE cursor (
  dao_id INTEGER NOT NULL REFERENCES dao(id),
  stream TEXT NOT NULL,
  block_number INTEGER NOT NULL,
  PRIMARY KEY (dao_id, stream)
) STRICT, WITHOUT ROWID;

CREATE TABLE block (
  chain_id INTEGER NOT NULL,
  number INTEGER NOT NULL,
  hash TEXT NOT NULL,
  timestamp INTEGER NOT NULL,
  PRIMARY KEY (chain_id, number)
) STRICT, WITHOUT ROWID;

CREATE TABLE transfer (
  dao_id INTEGER NOT NULL,
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  tx_index INTEGER NOT NULL,
  tx_hash TEXT NOT NULL,
  from_address TEXT NOT NULL,
  to_address TEXT NOT NULL,
  value TEXT NOT NULL,
  token_id TEXT,
  PRIMARY KEY (dao_id, block_number, log_index)
) STRICT, WITHOUT ROWID;

CREATE TABLE delegate_changed (
  dao_id INTEGER NOT NULL,
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  tx_index INTEGER NOT NULL,
  tx_hash TEXT NOT NULL,
  delegator TEXT NOT NULL,
  from_delegate TEXT NOT NULL,
  to_delegate TEXT NOT NULL,
  PRIMARY KEY (dao_id, block_number, log_index)
) STRICT, WITHOUT ROWID;
CREATE INDEX delegate_changed_by_delegator ON delegate_changed (dao_id, delegator, block_number, log_index);

CREATE TABLE delegate_votes_changed (
  dao_id INTEGER NOT NULL,
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  tx_index INTEGER NOT NULL,
  tx_hash TEXT NOT NULL,
  delegate TEXT NOT NULL,
  previous_votes TEXT NOT NULL,
  new_votes TEXT NOT NULL,
  PRIMARY KEY (dao_id, block_number, log_index)
) STRICT, WITHOUT ROWID;

-- Derived: voting power of a delegate after each DelegateVotesChanged (DESIGN.md §4).
CREATE TABLE vp_checkpoint (
  dao_id INTEGER NOT NULL,
  delegate TEXT NOT NULL,
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  votes TEXT NOT NULL,
  PRIMARY KEY (dao_id, delegate, block_number, log_index)
) STRICT, WITHOUT ROWID;

-- Derived: a holder's balance after each Transfer touching it.
CREATE TABLE balance_checkpoint (
  dao_id INTEGER NOT NULL,
  holder TEXT NOT NULL,
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  balance TEXT NOT NULL,
  PRIMARY KEY (dao_id, holder, block_number, log_index)
) STRICT, WITHOUT ROWID;

-- Derived: state at the DAO's token cursor, so "now" queries read one row per account.
CREATE TABLE balance (
  dao_id INTEGER NOT NULL,
  holder TEXT NOT NULL,
  balance TEXT NOT NULL,
  PRIMARY KEY (dao_id, holder)
) STRICT, WITHOUT ROWID;

CREATE TABLE voting_power (
  dao_id INTEGER NOT NULL,
  delegate TEXT NOT NULL,
  votes TEXT NOT NULL,
  PRIMARY KEY (dao_id, delegate)
) STRICT, WITHOUT ROWID;

CREATE TABLE delegation (
  dao_id INTEGER NOT NULL,
  delegator TEXT NOT NULL,
  delegate TEXT NOT NULL,
  PRIMARY KEY (dao_id, delegator)
) STRICT, WITHOUT ROWID;
`
