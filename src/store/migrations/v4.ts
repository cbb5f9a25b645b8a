/**
 * Schema v4: Snapshot spaces (DESIGN.md §3, §6) — off-chain proposals and votes as the
 * hub's GraphQL API gave them, keyed by DAO.
 *
 * - `snapshot_proposal`: one row per proposal. `choices` and `scores` are JSON arrays as
 *   given by the hub (`scores` are floats: the hub's own tally, kept to compare with a
 *   recomputation); `scores_total` and `quorum` are REAL for the same reason.
 * - `snapshot_vote`: one row per vote. `vp` is REAL — the one float of the store: Snapshot
 *   voting power is computed off-chain by the space's strategies and is not an exact
 *   integer, so it is kept exactly as the hub gave it (`SnapshotVp`). `choice` and
 *   `vp_by_strategy` are JSON text (choice: a number, an array or an object by type).
 * - `snapshot_space`: the per-space cursor: the largest proposal `created` seen, and when
 *   the space was last indexed. Rows and this cursor advance in one transaction.
 * - `snapshot_delegation`: SetDelegate / ClearDelegate events of the Gnosis DelegateRegistry
 *   for a space's id (the space name as bytes32) and the global id (zero), keyed like the
 *   token events by (dao_id, block_number, log_index); the cursor is the `cursor` row of
 *   stream `snapshot-delegation:<registry>:<space>`.
 */
export const v4 = `
CREATE TABLE snapshot_space (
  dao_id INTEGER NOT NULL REFERENCES dao(id),
  space TEXT NOT NULL,
  hub TEXT NOT NULL,             -- the hub's URL, redacted (scheme, host, port)
  proposals_created INTEGER,     -- largest proposal 'created' (unix s) stored; NULL before any
  indexed_at INTEGER NOT NULL,   -- unix s of the last successful run
  PRIMARY KEY (dao_id, space)
) STRICT, WITHOUT ROWID;

CREATE TABLE snapshot_proposal (
  dao_id INTEGER NOT NULL,
  id TEXT NOT NULL,
  space TEXT NOT NULL,
  author TEXT NOT NULL,
  title TEXT NOT NULL,
  type TEXT NOT NULL,
  choices TEXT NOT NULL,         -- JSON array of labels
  created INTEGER NOT NULL,
  start INTEGER NOT NULL,
  "end" INTEGER NOT NULL,
  snapshot_block INTEGER,        -- NULL when the hub gives none
  network TEXT,
  state TEXT NOT NULL,
  scores TEXT NOT NULL,          -- JSON array of floats, as given by the hub
  scores_total REAL NOT NULL,
  quorum REAL NOT NULL,
  votes_count INTEGER NOT NULL,  -- the hub's count
  PRIMARY KEY (dao_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX snapshot_proposal_by_space ON snapshot_proposal (dao_id, space, created);

CREATE TABLE snapshot_vote (
  dao_id INTEGER NOT NULL,
  id TEXT NOT NULL,
  proposal TEXT NOT NULL,
  voter TEXT NOT NULL,
  choice TEXT NOT NULL,          -- JSON: number | array | object, by proposal type
  vp REAL NOT NULL,              -- SnapshotVp: the one float, kept as given
  vp_by_strategy TEXT,           -- JSON array of floats, or NULL
  created INTEGER NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (dao_id, id)
) STRICT, WITHOUT ROWID;
CREATE INDEX snapshot_vote_by_proposal ON snapshot_vote (dao_id, proposal, created, id);

CREATE TABLE snapshot_delegation (
  dao_id INTEGER NOT NULL,
  block_number INTEGER NOT NULL,
  log_index INTEGER NOT NULL,
  tx_index INTEGER NOT NULL,
  tx_hash TEXT NOT NULL,
  registry TEXT NOT NULL,        -- lowercase address
  event TEXT NOT NULL CHECK (event IN ('SetDelegate', 'ClearDelegate')),
  delegator TEXT NOT NULL,       -- lowercase address
  id TEXT NOT NULL,              -- 0x + 64 hex: the space name as bytes32, or zero (all spaces)
  delegate TEXT NOT NULL,        -- lowercase address
  PRIMARY KEY (dao_id, block_number, log_index)
) STRICT, WITHOUT ROWID;
CREATE INDEX snapshot_delegation_by_delegator ON snapshot_delegation (dao_id, registry, id, delegator, block_number, log_index);
`
