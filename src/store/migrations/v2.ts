/**
 * Schema v2: DAOs built from imported CSV files instead of (or besides) an indexed token.
 *
 * - `dao.kind`: 'indexed' (a token indexed from a chain, the v1 meaning) or 'imported'
 *   (created by `govaudit import`: chain_id 0, token 'import', no cursor).
 * - `import_batch`: one row per imported file — its path, sha256, row count and the
 *   decimal `scale` its weights were multiplied by (stored weight = value × 10^scale), so
 *   every stored amount stays an exact integer and can be traced to its file.
 * - `imported_proposal` / `imported_vote`: votes cast on proposals, from a votes file. A
 *   proposal's votes all come from one batch (re-importing a proposal replaces them), so
 *   one scale applies to all of them.
 * - `holder_weight`: a generic per-DAO holder weight list keyed by `source` ('import' for
 *   now), replaced as a whole on re-import; its scale is its batch's.
 *
 * Amounts are 64 lowercase hex digits, as in v1 (see amount.ts).
 */
export const v2 = `
ALTER TABLE dao ADD COLUMN kind TEXT NOT NULL DEFAULT 'indexed' CHECK (kind IN ('indexed', 'imported'));

CREATE TABLE import_batch (
  id INTEGER PRIMARY KEY,
  dao_id INTEGER NOT NULL REFERENCES dao(id),
  kind TEXT NOT NULL CHECK (kind IN ('votes', 'holders')),
  file TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  rows INTEGER NOT NULL,
  scale INTEGER NOT NULL CHECK (scale >= 0),
  imported_at TEXT NOT NULL
) STRICT;

CREATE TABLE imported_proposal (
  dao_id INTEGER NOT NULL REFERENCES dao(id),
  proposal_id TEXT NOT NULL,
  batch_id INTEGER NOT NULL REFERENCES import_batch(id),
  PRIMARY KEY (dao_id, proposal_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE imported_vote (
  dao_id INTEGER NOT NULL,
  proposal_id TEXT NOT NULL,
  voter TEXT NOT NULL,
  support INTEGER NOT NULL CHECK (support IN (0, 1, 2)),
  weight TEXT NOT NULL,
  line INTEGER NOT NULL,
  PRIMARY KEY (dao_id, proposal_id, voter, support),
  FOREIGN KEY (dao_id, proposal_id) REFERENCES imported_proposal(dao_id, proposal_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE holder_weight (
  dao_id INTEGER NOT NULL REFERENCES dao(id),
  source TEXT NOT NULL CHECK (source IN ('import')),
  holder TEXT NOT NULL,
  weight TEXT NOT NULL,
  batch_id INTEGER NOT NULL REFERENCES import_batch(id),
  line INTEGER NOT NULL,
  PRIMARY KEY (dao_id, source, holder)
) STRICT, WITHOUT ROWID;
`
