/**
 * The token write path: raw Transfer / DelegateChanged / DelegateVotesChanged rows and the
 * state derived from them (balances, delegations, voting power, and their checkpoints),
 * with the governor rows of the same block range when the pass covers governors too.
 *
 * The raw rows (packed events, tokenRows.ts) and each commit's derived rows and cursor go
 * in ONE transaction: a crash at any point leaves the database at the previous commit, and
 * the next run resumes from its cursor.
 *
 * Two halves, so that the indexer can run them on different threads (src/sync/
 * ledgerWriter.ts): TokenState (src/sync/tokenState.ts) derives the rows in memory, with
 * current balances cached (loaded lazily from `balance` through `balanceReader`, dropped
 * when the cache grows large); TokenWriter, here, is the SQL.
 *
 * Speed (bench/, `npm run bench`): better-sqlite3 costs about 1 us per statement call on
 * top of SQLite's own work, so rows go in 32 per INSERT (`BulkInsert`), the DAO id is a
 * literal in the SQL rather than a bound parameter, and derived rows arrive sorted by key.
 */
import type Database from 'better-sqlite3'
import type { Db } from './db.js'
import { fromWord } from './amount.js'
import { setCursor } from './daos.js'
import { upsertBlock, type StoredBlock } from './blocks.js'
import { GovernorWriter, type GovernorCommit, type GovernorLedgerGovernor } from './governorLedger.js'
import { BulkInsert } from './bulkInsert.js'
import { ADDRESS_PARAM, amountText, DIGITS_PARAM } from './tokenColumns.js'
import { ONE_WORD, ZERO_ADDRESS } from '../sources/token/decode.js'
import {
  CHECKPOINT_WIDTH,
  DELEGATE_CHANGED,
  DELEGATE_VOTES_CHANGED,
  DELEGATION_WIDTH,
  FIELD,
  TEXT_WIDTH,
  TRANSFER,
  TRANSFER_721,
  HASH,
  ADDRESS,
  WORD,
  type CheckpointRows,
  type DerivedRows,
  type TokenBatch,
} from './tokenRows.js'

export const TOKEN_STREAM = 'token'
/** Holders whose balance stays cached between commits. */
export const BALANCE_CACHE_LIMIT = 250_000
/** An amount of zero as stored: an account with this value has no current-state row. */
export const ZERO_WORD = '0'.repeat(64)

export type LedgerCommit = {
  toBlock: number
  block?: StoredBlock
  /**
   * The joint pass: the governors whose events came with `writeGovernorEvents` since the
   * last commit; their tallies and cursors are written in the same transaction.
   */
  governors?: readonly GovernorLedgerGovernor[]
}
/** The end of a transaction: the derived rows of a TokenState and the cursor they bring the stream to. */
export type TokenCommit = DerivedRows & LedgerCommit
/** What closes a transaction once its checkpoint rows are written. */
export type CommitEnd = LedgerCommit & { delegations: string }
export type CheckpointKind = 'balances' | 'votes'

/** How TokenState reads committed balances: one lookup, and whether to look at all. */
export function balanceReader(db: Db, daoId: number): { load: (holder: string) => bigint | undefined; any: boolean } {
  const get = db.prepare(`SELECT ${amountText('balance')} FROM balance WHERE dao_id = ? AND holder = ${ADDRESS_PARAM}`).pluck()
  return {
    load: (holder) => {
      const stored = get.get(daoId, holder) as string | undefined
      return stored === undefined ? undefined : fromWord(stored)
    },
    any: db.prepare(`SELECT 1 FROM balance WHERE dao_id = ? LIMIT 1`).get(daoId) !== undefined,
  }
}

/**
 * One transaction per commit: raw rows as they come (`writeEvents`) and the checkpoint
 * rows (`writeCheckpoints`) go into an open transaction (begun by the first of them);
 * `commit` adds the delegations, the cursor and the block, and commits. Any failure rolls
 * the whole transaction back; `rollback` does so on request.
 */
export class TokenWriter {
  private readonly insert: {
    transfer: BulkInsert
    delegateChanged: BulkInsert
    delegateVotesChanged: BulkInsert
    vpCheckpoint: BulkInsert
    balanceCheckpoint: BulkInsert
    balance: BulkInsert
    votingPower: BulkInsert
    delegation: BulkInsert
  }
  private readonly remove: {
    balance: Database.Statement
    votingPower: Database.Statement
    delegation: Database.Statement
  }
  private readonly tx: { begin: Database.Statement; commit: Database.Statement; rollback: Database.Statement }
  private governors: GovernorWriter | undefined
  private open = false

  constructor(
    private readonly db: Db,
    private readonly daoId: number,
    private readonly chainId: number,
  ) {
    if (!Number.isSafeInteger(daoId)) throw new TypeError(`daoId must be an integer; got ${daoId}`)
    const d = daoId // an integer literal in the SQL: one bound parameter less per row
    // Addresses, hashes and amounts are bound as bare hex digits (sliced after their `0x`)
    // and stored as bytes by `unhex` (schema v5).
    const x = DIGITS_PARAM
    const upsert = (table: string, key: string, column: string) =>
      new BulkInsert(db, `INSERT INTO ${table} VALUES`, `(${d}, ${x}, ${x})`, `ON CONFLICT (dao_id, ${key}) DO UPDATE SET ${column} = excluded.${column}`)
    const position = `${d}, ?, ?, ?, ${x}`
    this.insert = {
      transfer: new BulkInsert(db, `INSERT INTO transfer VALUES`, `(${position}, ${x}, ${x}, ${x}, ${x})`),
      delegateChanged: new BulkInsert(db, `INSERT INTO delegate_changed VALUES`, `(${position}, ${x}, ${x}, ${x})`),
      delegateVotesChanged: new BulkInsert(db, `INSERT INTO delegate_votes_changed VALUES`, `(${position}, ${x}, ${x}, ${x})`),
      vpCheckpoint: new BulkInsert(db, `INSERT INTO vp_checkpoint VALUES`, `(${d}, ${x}, ?, ?, ${x})`),
      balanceCheckpoint: new BulkInsert(db, `INSERT INTO balance_checkpoint VALUES`, `(${d}, ${x}, ?, ?, ${x})`),
      balance: upsert('balance', 'holder', 'balance'),
      votingPower: upsert('voting_power', 'delegate', 'votes'),
      delegation: upsert('delegation', 'delegator', 'delegate'),
    }
    this.tx = { begin: db.prepare('BEGIN'), commit: db.prepare('COMMIT'), rollback: db.prepare('ROLLBACK') }
    this.remove = {
      balance: db.prepare(`DELETE FROM balance WHERE dao_id = ${d} AND holder = ${x}`),
      votingPower: db.prepare(`DELETE FROM voting_power WHERE dao_id = ${d} AND delegate = ${x}`),
      delegation: db.prepare(`DELETE FROM delegation WHERE dao_id = ${d} AND delegator = ${x}`),
    }
  }

  /**
   * The raw rows of a batch, and in the joint pass the governor events of the same block
   * range (chain order), in the open transaction (begun if none is).
   */
  writeEvents(batch: TokenBatch, governor?: GovernorCommit): void {
    this.begin()
    try {
      if (batch.count > 0) this.insertEvents(batch)
      if (governor && governor.events.length > 0) this.governorWriter().writeEvents(governor.events, governor.governors)
    } catch (e) {
      this.rollback()
      throw e
    }
  }

  /** Checkpoint rows (a chunk, in key order) and the current values they end with. */
  writeCheckpoints(kind: CheckpointKind, rows: CheckpointRows): void {
    const { insert, remove } = this
    this.begin()
    try {
      if (kind === 'balances') this.insertCheckpoints(rows, insert.balanceCheckpoint, insert.balance, remove.balance)
      else this.insertCheckpoints(rows, insert.vpCheckpoint, insert.votingPower, remove.votingPower)
    } catch (e) {
      this.rollback()
      throw e
    }
  }

  /** The delegations, the governor rows, the cursors and the block, then COMMIT of everything since the last commit. */
  commit(c: CommitEnd): void {
    const { insert, remove } = this
    this.begin()
    try {
      const d = c.delegations
      for (let at = 0; at < d.length; at += DELEGATION_WIDTH) {
        const delegator = digits(d, at, ADDRESS)
        const delegate = digits(d, at + ADDRESS, ADDRESS)
        if (delegate === ZERO_DIGITS) remove.delegation.run(delegator)
        else insert.delegation.add(delegator, delegate)
      }
      for (const bulk of Object.values(insert)) bulk.flush()
      if (c.governors) this.governorWriter().finish(c.governors, c.toBlock)
      setCursor(this.db, this.daoId, TOKEN_STREAM, c.toBlock)
      if (c.block) upsertBlock(this.db, this.chainId, c.block)
      this.tx.commit.run()
      this.open = false
    } catch (e) {
      this.rollback()
      throw e
    }
  }

  /** All of a commit after its raw rows: the checkpoint chunks, then `commit`. */
  writeCommit({ balances, votes, ...end }: TokenCommit): void {
    for (const rows of balances) this.writeCheckpoints('balances', rows)
    for (const rows of votes) this.writeCheckpoints('votes', rows)
    this.commit(end)
  }

  /** Drop everything written since the last commit. */
  rollback(): void {
    for (const bulk of Object.values(this.insert)) bulk.reset()
    this.governors?.reset()
    if (this.open && this.db.inTransaction) this.tx.rollback.run()
    this.open = false
  }

  private governorWriter(): GovernorWriter {
    return (this.governors ??= new GovernorWriter(this.db, this.daoId))
  }

  private begin(): void {
    if (this.open) return
    this.tx.begin.run()
    this.open = true
  }

  /** The raw rows of a batch, in chain order (which is their key order). */
  private insertEvents(batch: TokenBatch): void {
    const { transfer, delegateChanged, delegateVotesChanged } = this.insert
    const { text } = batch
    let at = 0
    for (let i = 0; i < batch.count; i++) {
      const kind = batch.kind[i]!
      const blockNumber = batch.blockNumber[i]
      const logIndex = batch.logIndex[i]
      const txIndex = batch.transactionIndex[i]
      const txHash = digits(text, at, HASH)
      const a = digits(text, at + FIELD.first, ADDRESS)
      switch (kind) {
        case TRANSFER:
          transfer.add(blockNumber, logIndex, txIndex, txHash, a, digits(text, at + FIELD.second, ADDRESS), text.slice(at + FIELD.third, at + FIELD.third + WORD), null)
          break
        case TRANSFER_721:
          transfer.add(blockNumber, logIndex, txIndex, txHash, a, digits(text, at + FIELD.second, ADDRESS), ONE_WORD, text.slice(at + FIELD.third, at + FIELD.third + WORD))
          break
        case DELEGATE_CHANGED:
          delegateChanged.add(blockNumber, logIndex, txIndex, txHash, a, digits(text, at + FIELD.second, ADDRESS), digits(text, at + FIELD.third, ADDRESS))
          break
        case DELEGATE_VOTES_CHANGED:
          delegateVotesChanged.add(
            blockNumber,
            logIndex,
            txIndex,
            txHash,
            a,
            text.slice(at + FIELD.second, at + FIELD.second + WORD),
            text.slice(at + FIELD.second + WORD, at + FIELD.second + 2 * WORD),
          )
          break
        default:
          throw new TypeError(`token batch: unknown event kind ${kind}`)
      }
      at += TEXT_WIDTH[kind]!
    }
  }

  /** Checkpoints in key order; on each account's last row, its current value too (0 = no row). */
  private insertCheckpoints(rows: CheckpointRows, checkpoint: BulkInsert, current: BulkInsert, remove: Database.Statement): void {
    const { text } = rows
    for (let k = 0, at = 0; k < rows.count; k++, at += CHECKPOINT_WIDTH) {
      const account = digits(text, at, ADDRESS)
      const amount = text.slice(at + ADDRESS, at + CHECKPOINT_WIDTH)
      checkpoint.add(account, rows.blockNumber[k], rows.logIndex[k], amount)
      if (rows.last[k] === 1) {
        if (amount === ZERO_WORD) remove.run(account)
        else current.add(account, amount)
      }
    }
  }
}

/** The hex digits of the `0x` field of `width` characters at `at` of `text`: what `unhex(?)` stores. */
function digits(text: string, at: number, width: number): string {
  return text.slice(at + 2, at + width)
}

const ZERO_DIGITS = ZERO_ADDRESS.slice(2)
