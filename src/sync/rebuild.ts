/**
 * `govaudit rebuild`: derive a DAO's derived tables again from its raw rows alone and say
 * whether they come out bit for bit as stored (DESIGN.md §3). The derived tables are
 * `balance_checkpoint`, `vp_checkpoint`, `balance`, `voting_power`, `delegation` (from the
 * token's raw events) and `proposal_tally` (from `vote`).
 *
 * The rows are derived by the indexer's own code (TokenState, TokenWriter,
 * rebuildProposalTallies) into TEMP tables of the same names and schemas: on this
 * connection an unqualified table name means the TEMP table when there is one, so the
 * writers, prepared after the TEMP tables exist, write there without knowing it. The
 * stored rows are then compared with them table by table (`EXCEPT` both ways), and unless
 * only checking, replaced by them in one transaction (only the tables that differ). A
 * crash at any point leaves the stored rows as they were: TEMP tables live and die with the
 * connection.
 *
 * Another process may be indexing the same file meanwhile (`index --follow`). Its commits
 * move the DAO's cursors (or, after a reorg, the block hashes stored at them), so these are
 * read before anything else and again at the end, inside the replacing transaction (which
 * holds the write lock): if they moved, the rebuild compared against a moving target and
 * stops with a StoreError, changing nothing.
 *
 * The raw rows are checked on the way (field widths; balances never overdrawn): a damaged
 * one is a StoreError naming it, never derived into the stored tables.
 */
import Database from 'better-sqlite3'
import type { Db } from '../store/db.js'
import type { Dao } from '../store/daos.js'
import { getCursor } from '../store/daos.js'
import { BALANCE_CACHE_LIMIT, balanceReader, TOKEN_STREAM, TokenWriter } from '../store/tokenLedger.js'
import { rebuildProposalTallies } from '../store/governorLedger.js'
import { addressText, amountText } from '../store/tokenColumns.js'
import { ADDRESS, DELEGATE_CHANGED, DELEGATE_VOTES_CHANGED, HASH, TokenBatchBuilder, TRANSFER, TRANSFER_721, WORD } from '../store/tokenRows.js'
import { SourceError, StoreError } from '../errors.js'
import { TokenState } from './tokenState.js'

/** The derived tables, in the order they are reported. */
export const DERIVED_TABLES = ['balance_checkpoint', 'vp_checkpoint', 'balance', 'voting_power', 'delegation', 'proposal_tally'] as const
export type DerivedTable = (typeof DERIVED_TABLES)[number]

export type RebuiltTable = {
  table: DerivedTable
  /** The DAO's rows as stored before the rebuild. */
  stored: number
  /** The DAO's rows as derived from the raw rows. */
  rebuilt: number
  /** Rows in one and not in the other (a changed row counts twice: its old and its new form). */
  differing: number
}

export type RebuildResult = {
  dao: string
  /** Raw token events replayed, and raw votes summed. */
  events: number
  tables: RebuiltTable[]
  /** Whether the stored rows of the tables that differ were replaced (never with `check`). */
  replaced: boolean
}

export type RebuildParameters = {
  db: Db
  dao: Dao
  /** Compare only: the stored rows stay as they are. */
  check: boolean
  /** Raw token events read and derived at a time (default 100,000): bounds the memory of a replay. */
  batchEvents?: number
  /** Holders whose balance stays cached between batches (default the indexer's, BALANCE_CACHE_LIMIT). */
  balanceCacheLimit?: number
  /** Raw token events replayed so far. */
  onProgress?: (events: number) => void
}

export function rebuildDao({ db, dao, check, batchEvents = 100_000, balanceCacheLimit = BALANCE_CACHE_LIMIT, onProgress }: RebuildParameters): RebuildResult {
  const before = cursorsOf(db, dao)
  // TEMP tables in a file, not in memory (openDb's temp_store): a large DAO's checkpoints are
  // GBs. Setting it drops the connection's TEMP tables: call this on a connection without any.
  const tempStore = db.pragma('temp_store', { simple: true }) as number
  db.pragma('temp_store = FILE')
  // `cursor` too: the token writer sets the cursor (to the block it already is at), and
  // nothing of a rebuild may write to the stored tables but the final replacement. The
  // cursor's foreign key would look for `dao` among the TEMP tables: checked off meanwhile.
  const shadowed = [...DERIVED_TABLES, 'cursor']
  const cursor = getCursor(db, dao.id, TOKEN_STREAM) // before `cursor` means the TEMP one
  db.pragma('foreign_keys = OFF')
  try {
    for (const table of shadowed) db.exec(schemaOf(db, table).replace(/^CREATE TABLE\s+("\w+"|\w+)/i, `CREATE TEMP TABLE ${table}`))
    let events: number
    try {
      events = cursor === null ? 0 : replayToken(db, dao, cursor, { batchEvents, balanceCacheLimit, onProgress })
    } catch (e) {
      // Raw rows that do not add up may be two chain states mixed by a commit meanwhile, not damage.
      if (e instanceof StoreError && cursorsOf(db, dao) !== before) throw changedDuringRebuild(dao)
      throw e
    }
    rebuildProposalTallies(db, dao.id)
    const tables = DERIVED_TABLES.map((table) => compare(db, dao, table))
    const differing = tables.filter((t) => t.differing > 0).map((t) => t.table)
    db.pragma('foreign_keys = ON')
    const replaced = differing.length > 0 && !check
    const finish = db.transaction(() => {
      if (cursorsOf(db, dao) !== before) throw changedDuringRebuild(dao)
      if (replaced) replace(db, dao, differing)
    })
    // Replacing holds the write lock from its check to its commit; a check only reads (a read-only file will do).
    try {
      if (replaced) finish.immediate()
      else finish()
    } catch (e) {
      if (!isBusy(e)) throw e
      throw new StoreError(`Another process is writing the database (an index run?); nothing was changed: stop it, then run govaudit rebuild ${dao.name} again.`, { cause: e })
    }
    return { dao: dao.name, events, tables, replaced }
  } finally {
    for (const table of shadowed) db.exec(`DROP TABLE IF EXISTS temp.${table}`)
    db.pragma('foreign_keys = ON')
    db.pragma(`temp_store = ${tempStore}`)
  }
}

/**
 * The DAO's stored cursors (every stream) with the hash stored for each cursor's block, read
 * from the stored tables even while `cursor` is shadowed: a reorg rolled back and indexed
 * again to the same height leaves the cursors where they were, not the hashes.
 */
function cursorsOf(db: Db, dao: Dao): string {
  const rows = db
    .prepare(
      `SELECT c.stream, c.block_number, b.hash FROM main.cursor c
       LEFT JOIN main.block b ON b.chain_id = ? AND b.number = c.block_number
       WHERE c.dao_id = ? ORDER BY c.stream`,
    )
    .raw()
    .all(dao.chainId, dao.id)
  return JSON.stringify(rows)
}

function changedDuringRebuild(dao: Dao): StoreError {
  return new StoreError(
    `The database changed during the rebuild of ${dao.name} (an index run committed); nothing was changed: stop any \`govaudit index --follow\` on this file, then run govaudit rebuild again.`,
  )
}

/** SQLite's "another connection holds the write lock" (after better-sqlite3's 5 s wait). */
const isBusy = (e: unknown) => e instanceof Database.SqliteError && e.code.startsWith('SQLITE_BUSY')

function schemaOf(db: Db, table: string): string {
  return db.prepare(`SELECT sql FROM main.sqlite_schema WHERE type = 'table' AND name = ?`).pluck().get(table) as string
}

/**
 * The token's raw events in chain order, through TokenState and TokenWriter as the
 * indexer runs them (a commit per batch, balances cached and evicted the same way), into
 * the TEMP tables.
 */
function replayToken(db: Db, dao: Dao, cursor: number, { batchEvents, balanceCacheLimit, onProgress }: Required<Pick<RebuildParameters, 'batchEvents' | 'balanceCacheLimit'>> & Pick<RebuildParameters, 'onProgress'>): number {
  const writer = new TokenWriter(db, dao.id, dao.chainId)
  // Prepared now, so `balance` is the TEMP table: a holder evicted from the cache is read back from the rebuilt rows.
  const balances = balanceReader(db, dao.id)
  const state = new TokenState({ loadBalance: balances.load, storeMayHaveBalances: false })
  const builder = new TokenBatchBuilder()
  let events = 0
  try {
    for (const page of rawEventPages(db, dao, batchEvents)) {
      for (const row of page) {
        checkWidths(dao, row)
        const [block, log, txIndex, kind, hash, a, b, c] = row
        builder.event(kind, block, log, txIndex)
        builder.chars(hash)
        builder.chars(a)
        builder.chars(b)
        builder.chars(c)
      }
      try {
        state.apply(builder.build())
      } catch (e) {
        if (!(e instanceof SourceError)) throw e
        throw new StoreError(`The raw token events of ${dao.name} do not add up (${e.shortMessage}): its raw rows are damaged or incomplete; index it again into a new database.`, { cause: e })
      }
      // The cursor the writer sets is the TEMP one; no block row.
      writer.writeCommit({ ...state.take(), toBlock: cursor })
      state.evictBalances(balanceCacheLimit)
      events += page.length
      onProgress?.(events)
    }
  } catch (e) {
    writer.rollback()
    throw e
  }
  return events
}

/** Characters of each field of a raw event by kind: hash, then a, b, c (TokenBatch's layout). */
const WIDTHS: Record<number, readonly number[]> = {
  [TRANSFER]: [HASH, ADDRESS, ADDRESS, WORD],
  [TRANSFER_721]: [HASH, ADDRESS, ADDRESS, WORD],
  [DELEGATE_CHANGED]: [HASH, ADDRESS, ADDRESS, ADDRESS],
  [DELEGATE_VOTES_CHANGED]: [HASH, ADDRESS, WORD, WORD],
}

/** A stored field of another byte length would shift the packed batch: refused, naming the row. */
function checkWidths(dao: Dao, [block, log, , kind, ...fields]: RawEvent): void {
  const widths = WIDTHS[kind]!
  if (fields.some((f, i) => f.length !== widths[i]))
    throw new StoreError(`The raw token event of ${dao.name} at block ${block}, log ${log} has a field of the wrong length: the database is damaged.`)
}

type RawEvent = [block: number, log: number, txIndex: number, kind: number, hash: string, a: string, b: string, c: string]

/**
 * Transfers, DelegateChanged and DelegateVotesChanged merged in chain order, with their
 * fields in TokenBatch's text layout, `size` at a time (better-sqlite3 runs no other
 * statement on a connection while a query is being iterated).
 */
function* rawEventPages(db: Db, dao: Dao, size: number): Generator<RawEvent[]> {
  const position = `block_number, log_index, tx_index`
  const hash = addressText('tx_hash')
  const after = `dao_id = @dao AND (block_number, log_index) > (@block, @log)`
  const page = db
    .prepare(
      `SELECT ${position}, CASE WHEN token_id IS NULL THEN ${TRANSFER} ELSE ${TRANSFER_721} END, ${hash},
              ${addressText('from_address')}, ${addressText('to_address')}, ${amountText('coalesce(token_id, value)')}
       FROM transfer WHERE ${after}
       UNION ALL
       SELECT ${position}, ${DELEGATE_CHANGED}, ${hash}, ${addressText('delegator')}, ${addressText('from_delegate')}, ${addressText('to_delegate')}
       FROM delegate_changed WHERE ${after}
       UNION ALL
       SELECT ${position}, ${DELEGATE_VOTES_CHANGED}, ${hash}, ${addressText('delegate')}, ${amountText('previous_votes')}, ${amountText('new_votes')}
       FROM delegate_votes_changed WHERE ${after}
       ORDER BY block_number, log_index LIMIT ${size}`,
    )
    .raw()
  let from = { block: -1, log: -1 }
  for (;;) {
    const rows = page.all({ dao: dao.id, ...from }) as RawEvent[]
    if (rows.length > 0) yield rows
    const last = rows[rows.length - 1]
    if (rows.length < size || last === undefined) return
    from = { block: last[0], log: last[1] }
  }
}

function compare(db: Db, dao: Dao, table: DerivedTable): RebuiltTable {
  const count = (sql: string) => db.prepare(sql).pluck().get({ dao: dao.id }) as number
  const stored = `SELECT * FROM main.${table} WHERE dao_id = @dao`
  const rebuilt = `SELECT * FROM temp.${table} WHERE dao_id = @dao`
  return {
    table,
    stored: count(`SELECT count(*) FROM (${stored})`),
    rebuilt: count(`SELECT count(*) FROM (${rebuilt})`),
    differing: count(`SELECT count(*) FROM (${stored} EXCEPT ${rebuilt})`) + count(`SELECT count(*) FROM (${rebuilt} EXCEPT ${stored})`),
  }
}

/** The stored rows of the derived tables that differ replaced by the rebuilt ones (inside the caller's transaction). */
function replace(db: Db, dao: Dao, tables: readonly DerivedTable[]): void {
  for (const table of tables) {
    db.prepare(`DELETE FROM main.${table} WHERE dao_id = ?`).run(dao.id)
    db.prepare(`INSERT INTO main.${table} SELECT * FROM temp.${table} WHERE dao_id = ?`).run(dao.id)
  }
}
