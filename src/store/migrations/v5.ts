/**
 * Schema v5: the token tables keep addresses, transaction hashes and amounts as bytes.
 *
 * v1 stored them as hex TEXT: 42 characters an address, 66 a hash, 64 an amount — 435
 * bytes of database per event, written twice (WAL, then the file). The indexer's SQLite
 * thread spent most of its time on those bytes (bench/, `npm run bench`). As BLOBs they are
 * 20, 32 and 32 bytes; an amount is still fixed-width big-endian, so it still compares and
 * sorts as its number, and an address sorts as its lowercase hex did.
 *
 * Conventions (the token tables only; governor, Snapshot and import tables are unchanged):
 * - an address is 20 bytes, a transaction hash 32 bytes, an amount (value, token id,
 *   votes, balance) 32 bytes big-endian;
 * - queries hand addresses and amounts to JavaScript as text, converting in SQL
 *   (`'0x' || lower(hex(holder))`, `lower(hex(balance))`), and compare with `unhex(?)` of
 *   the hex digits (see src/store/tokenColumns.ts).
 *
 * Existing rows are converted in place (`unhex`, which SQLite applies to the digits after
 * the `0x` prefix); a value that is not hex would become NULL and fail NOT NULL, so a
 * damaged v4 database stops the migration (rolled back) instead of losing a row. The one
 * nullable column, an ERC721 transfer's `token_id`, is checked the same way first.
 */
/** 0x-prefixed hex (addresses, hashes) and bare hex digits (amounts) to bytes. */
const PREFIXED = (c: string) => `unhex(substr(${c}, 3))`
const DIGITS = (c: string) => `unhex(${c})`

/** Recreate `table` with `columns` (name type, in order), converting each old value with `convert[name]`. */
function rebuild(table: string, columns: string[], key: string, convert: Record<string, (c: string) => string>): string {
  const names = columns.map((c) => c.split(' ')[0]!)
  const select = names.map((n) => (convert[n] ? `${convert[n]!(n)}` : n)).join(', ')
  return `
CREATE TABLE ${table}_v5 (
  ${columns.join(',\n  ')},
  PRIMARY KEY (${key})
) STRICT, WITHOUT ROWID;
INSERT INTO ${table}_v5 (${names.join(', ')}) SELECT ${select} FROM ${table};
DROP TABLE ${table};
ALTER TABLE ${table}_v5 RENAME TO ${table};`
}

const RAW_KEY = 'dao_id, block_number, log_index'
const POSITION = ['dao_id INTEGER NOT NULL', 'block_number INTEGER NOT NULL', 'log_index INTEGER NOT NULL', 'tx_index INTEGER NOT NULL', 'tx_hash BLOB NOT NULL']

export const v5 = [
  `CREATE TEMP TABLE v5_token_id (token_id BLOB NOT NULL);
INSERT INTO v5_token_id SELECT unhex(token_id) FROM transfer WHERE token_id IS NOT NULL;
DROP TABLE v5_token_id;`,
  rebuild('transfer', [...POSITION, 'from_address BLOB NOT NULL', 'to_address BLOB NOT NULL', 'value BLOB NOT NULL', 'token_id BLOB'], RAW_KEY, {
    tx_hash: PREFIXED,
    from_address: PREFIXED,
    to_address: PREFIXED,
    value: DIGITS,
    token_id: DIGITS,
  }),
  rebuild('delegate_changed', [...POSITION, 'delegator BLOB NOT NULL', 'from_delegate BLOB NOT NULL', 'to_delegate BLOB NOT NULL'], RAW_KEY, {
    tx_hash: PREFIXED,
    delegator: PREFIXED,
    from_delegate: PREFIXED,
    to_delegate: PREFIXED,
  }),
  `CREATE INDEX delegate_changed_by_delegator ON delegate_changed (dao_id, delegator, block_number, log_index);`,
  rebuild('delegate_votes_changed', [...POSITION, 'delegate BLOB NOT NULL', 'previous_votes BLOB NOT NULL', 'new_votes BLOB NOT NULL'], RAW_KEY, {
    tx_hash: PREFIXED,
    delegate: PREFIXED,
    previous_votes: DIGITS,
    new_votes: DIGITS,
  }),
  rebuild('vp_checkpoint', ['dao_id INTEGER NOT NULL', 'delegate BLOB NOT NULL', 'block_number INTEGER NOT NULL', 'log_index INTEGER NOT NULL', 'votes BLOB NOT NULL'], 'dao_id, delegate, block_number, log_index', {
    delegate: PREFIXED,
    votes: DIGITS,
  }),
  rebuild('balance_checkpoint', ['dao_id INTEGER NOT NULL', 'holder BLOB NOT NULL', 'block_number INTEGER NOT NULL', 'log_index INTEGER NOT NULL', 'balance BLOB NOT NULL'], 'dao_id, holder, block_number, log_index', {
    holder: PREFIXED,
    balance: DIGITS,
  }),
  rebuild('balance', ['dao_id INTEGER NOT NULL', 'holder BLOB NOT NULL', 'balance BLOB NOT NULL'], 'dao_id, holder', { holder: PREFIXED, balance: DIGITS }),
  rebuild('voting_power', ['dao_id INTEGER NOT NULL', 'delegate BLOB NOT NULL', 'votes BLOB NOT NULL'], 'dao_id, delegate', { delegate: PREFIXED, votes: DIGITS }),
  rebuild('delegation', ['dao_id INTEGER NOT NULL', 'delegator BLOB NOT NULL', 'delegate BLOB NOT NULL'], 'dao_id, delegator', { delegator: PREFIXED, delegate: PREFIXED }),
].join('\n')
