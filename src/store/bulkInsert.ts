/**
 * Bulk INSERTs for the indexer's write paths (tokenLedger.ts, governorLedger.ts):
 * better-sqlite3 costs about 1 us per statement call on top of SQLite's own work, so rows
 * go in several at a time.
 */
import type Database from 'better-sqlite3'
import type { Db } from './db.js'

/**
 * An INSERT that takes rows `ROWS_PER_STATEMENT` at a time (`INSERT ... VALUES (..), (..)`):
 * one better-sqlite3 call per 32 rows instead of per row. `add` buffers a row; `flush`
 * writes what is buffered (the remainder one row per call).
 */
export class BulkInsert {
  static readonly ROWS_PER_STATEMENT = 32
  private readonly many: Database.Statement
  private readonly one: Database.Statement
  private readonly width: number
  private readonly args: unknown[]
  private filled = 0

  constructor(db: Db, head: string, row: string, tail = '') {
    const rows = BulkInsert.ROWS_PER_STATEMENT
    this.width = row.split('?').length - 1
    this.many = db.prepare(`${head} ${Array.from({ length: rows }, () => row).join(', ')} ${tail}`)
    this.one = db.prepare(`${head} ${row} ${tail}`)
    this.args = new Array<unknown>(rows * this.width)
  }

  add(...values: unknown[]): void {
    const { args } = this
    for (let j = 0; j < values.length; j++) args[this.filled++] = values[j]
    if (this.filled === args.length) {
      this.many.run(args)
      this.filled = 0
    }
  }

  flush(): void {
    for (let at = 0; at < this.filled; at += this.width) this.one.run(this.args.slice(at, at + this.width))
    this.filled = 0
  }

  /** Drop buffered rows (after a failed transaction). */
  reset(): void {
    this.filled = 0
  }
}
