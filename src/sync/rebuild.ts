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
 * only checking, replaced by them in one transaction. A crash at any point leaves the
 * stored rows as they were: TEMP tables live and die with the connection.
 */
import type { Db } from '../store/db.js'
import type { Dao } from '../store/daos.js'
import { getCursor } from '../store/daos.js'
import { TOKEN_STREAM, TokenWriter } from '../store/tokenLedger.js'
import { rebuildProposalTallies } from '../store/governorLedger.js'
import { addressText, amountText } from '../store/tokenColumns.js'
import { DELEGATE_CHANGED, DELEGATE_VOTES_CHANGED, DELEGATION_WIDTH, TokenBatchBuilder, TRANSFER, TRANSFER_721 } from '../store/tokenRows.js'
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
  /** Whether the stored rows were replaced (never with `check`; only when something differed). */
  replaced: boolean
}

export type RebuildParameters = {
  db: Db
  dao: Dao
  /** Compare only: the stored rows stay as they are. */
  check: boolean
  /** Raw token events read and derived at a time (default 100,000): bounds the memory of a replay. */
  batchEvents?: number
  /** Raw token events replayed so far. */
  onProgress?: (events: number) => void
}

export function rebuildDao({ db, dao, check, batchEvents = 100_000, onProgress }: RebuildParameters): RebuildResult {
  // TEMP tables in a file, not in memory (openDb's temp_store): a large DAO's checkpoints are
  // GBs. (Setting it drops the connection's TEMP tables: there are none but these.)
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
    const events = cursor === null ? 0 : replayToken(db, dao, cursor, batchEvents, onProgress)
    rebuildProposalTallies(db, dao.id)
    const tables = DERIVED_TABLES.map((table) => compare(db, dao, table))
    const differs = tables.some((t) => t.differing > 0)
    db.pragma('foreign_keys = ON')
    if (differs && !check) replace(db, dao)
    return { dao: dao.name, events, tables, replaced: differs && !check }
  } finally {
    for (const table of shadowed) db.exec(`DROP TABLE IF EXISTS temp.${table}`)
    db.pragma('foreign_keys = ON')
    db.pragma(`temp_store = ${tempStore}`)
  }
}

function schemaOf(db: Db, table: string): string {
  return db.prepare(`SELECT sql FROM main.sqlite_schema WHERE type = 'table' AND name = ?`).pluck().get(table) as string
}

/**
 * The token's raw events in chain order, through TokenState and TokenWriter as the
 * indexer runs them, into the TEMP tables; one transaction, committed at the end.
 */
function replayToken(db: Db, dao: Dao, cursor: number, batchEvents: number, onProgress?: (events: number) => void): number {
  const state = new TokenState({ loadBalance: () => undefined, storeMayHaveBalances: false })
  const writer = new TokenWriter(db, dao.id, dao.chainId)
  const builder = new TokenBatchBuilder()
  // A delegator's last delegate over the whole history (each batch only knows its own).
  const delegations = new Map<string, string>()
  const half = DELEGATION_WIDTH / 2
  let events = 0
  try {
    for (const page of rawEventPages(db, dao, batchEvents)) {
      for (const [block, log, txIndex, kind, hash, a, b, c] of page) {
        builder.event(kind, block, log, txIndex)
        builder.chars(hash)
        builder.chars(a)
        builder.chars(b)
        builder.chars(c)
      }
      state.apply(builder.build())
      const derived = state.take()
      for (const rows of derived.balances) writer.writeCheckpoints('balances', rows)
      for (const rows of derived.votes) writer.writeCheckpoints('votes', rows)
      const d = derived.delegations
      for (let at = 0; at < d.length; at += DELEGATION_WIDTH) delegations.set(d.slice(at, at + half), d.slice(at + half, at + DELEGATION_WIDTH))
      events += page.length
      onProgress?.(events)
    }
  } catch (e) {
    writer.rollback()
    throw e
  }
  const sorted = [...delegations.keys()].sort()
  // The cursor the writer sets is the TEMP one; no block row.
  writer.commit({ toBlock: cursor, delegations: sorted.map((d) => d + delegations.get(d)!).join('') })
  return events
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

/** The stored rows of every derived table replaced by the rebuilt ones, in one transaction. */
function replace(db: Db, dao: Dao): void {
  db.transaction(() => {
    for (const table of DERIVED_TABLES) {
      db.prepare(`DELETE FROM main.${table} WHERE dao_id = ?`).run(dao.id)
      db.prepare(`INSERT INTO main.${table} SELECT * FROM temp.${table} WHERE dao_id = ?`).run(dao.id)
    }
  })()
}
