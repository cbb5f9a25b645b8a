/**
 * The floor under any indexer that stores what govaudit stores: the CPU time to insert a
 * finished index's rows into an empty database with the same schema, the cheapest ways
 * there are. Each table's rows go in in its key order; its secondary indexes are built once
 * at the end. Two floors:
 * - `sql`: SQLite alone, `INSERT ... SELECT ... ORDER BY key` from the finished file (the
 *   ORDER BY keeps SQLite from copying pages verbatim, which no indexer could do): no
 *   JavaScript at all;
 * - `js`: the rows that must come from JavaScript handed over as values already read
 *   (Buffers, numbers, strings) through better-sqlite3, 32 rows per INSERT: the raw events
 *   and the tables needing uint256 arithmetic (balance checkpoints, tallies). The tables
 *   SQL could derive from those (voting-power checkpoints: a projection of
 *   DelegateVotesChanged; current balances, voting power and delegations: an account's
 *   last row) are copied by SQLite as in `sql`, which is less than deriving them would cost.
 * No derivation, no commits in chain order: whatever an indexer does comes on top. The
 * bench prints these next to the CPU budget the 1.15x target leaves, so whether that target
 * can be met on the machine is a measurement. CPU time is the process's: SQLite runs on the
 * calling thread, and V8's garbage-collector threads also run during the `js` floor's timed
 * inserts, partly collecting what its untimed reads left (the rows are read a chunk at a
 * time to keep that small).
 */
import fs from 'node:fs'
import Database from 'better-sqlite3'

export type Floor = { sqlCpuMicros: number; jsCpuMicros: number; rows: number }

type Entry = { type: string; name: string; sql: string }
type Fill = (db: Database.Database, table: string, key: string) => number

/** Derived tables an indexer could fill in SQL from rows it has stored (see above). */
const DERIVABLE_IN_SQL = new Set(['vp_checkpoint', 'voting_power', 'delegation', 'balance'])
/** Rows read and inserted at a time by the `js` floor (a multiple of 32). */
const CHUNK = 32 * 1024

/** Both floors for the index at `file`. */
export function sqliteFloor(file: string): Floor {
  const bySql: Fill = (db, table, key) => {
    db.exec('BEGIN')
    const rows = db.prepare(`INSERT INTO main."${table}" SELECT * FROM finished."${table}" ORDER BY ${key}`).run().changes
    db.exec('COMMIT')
    return rows
  }
  const sql = copyInto(file, () => bySql)
  // The finished rows are read on a second connection, a chunk at a time: little is alive
  // for the GC, and the reading (not the indexer's to pay) is measured and taken out.
  const reader = new Database(file, { readonly: true })
  let readMicros = 0
  const byJs: Fill = (db, table, key) => {
    const whole = process.cpuUsage()
    let writeMicros = 0
    const timed = (work: () => void) => {
      const cpu = process.cpuUsage()
      work()
      writeMicros += micros(process.cpuUsage(cpu))
    }
    const rows = reader.prepare(`SELECT * FROM "${table}" ORDER BY ${key}`).raw()
    const row = `(${rows.columns().map(() => '?').join(', ')})`
    let many!: Database.Statement
    let one!: Database.Statement
    timed(() => {
      many = db.prepare(`INSERT INTO main."${table}" VALUES ${Array.from({ length: 32 }, () => row).join(', ')}`)
      one = db.prepare(`INSERT INTO main."${table}" VALUES ${row}`)
    })
    let count = 0
    let chunk: unknown[][] = []
    const args: unknown[] = [] // reused: the cheapest hand-over better-sqlite3 offers
    const insert = () =>
      timed(() => {
        let i = 0
        for (; i + 32 <= chunk.length; i += 32) {
          args.length = 0
          for (let k = i; k < i + 32; k++) for (const v of chunk[k]!) args.push(v)
          many.run(args)
        }
        for (; i < chunk.length; i++) one.run(chunk[i]!)
      })
    timed(() => db.exec('BEGIN'))
    for (const r of rows.iterate() as IterableIterator<unknown[]>) {
      chunk.push(r)
      if (chunk.length === CHUNK) {
        insert()
        count += chunk.length
        chunk = []
      }
    }
    insert()
    count += chunk.length
    timed(() => db.exec('COMMIT'))
    readMicros += micros(process.cpuUsage(whole)) - writeMicros
    return count
  }
  try {
    const js = copyInto(file, (table) => (DERIVABLE_IN_SQL.has(table) ? bySql : byJs))
    return { sqlCpuMicros: sql.cpuMicros, jsCpuMicros: js.cpuMicros - readMicros, rows: sql.rows }
  } finally {
    reader.close()
  }
}

const micros = (used: NodeJS.CpuUsage) => used.user + used.system

/**
 * A fresh database `${file}.floor` with the finished index's schema, each table filled by
 * `fillOf(table)` (given its key order), then the indexes built and the WAL checkpointed;
 * `cpuMicros` covers all of it.
 */
function copyInto(file: string, fillOf: (table: string) => Fill): { cpuMicros: number; rows: number } {
  const out = `${file}.floor`
  const db = new Database(out)
  try {
    // The settings openDb (src/store/db.ts) gives govaudit's own connections.
    for (const pragma of ['journal_mode = WAL', 'synchronous = NORMAL', 'foreign_keys = ON', 'cache_size = -200000', 'mmap_size = 1073741824', 'temp_store = MEMORY'])
      db.pragma(pragma)
    db.prepare('ATTACH ? AS finished').run(file)
    const schema = db.prepare(`SELECT type, name, sql FROM finished.sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'`).all() as Entry[]
    const tables = schema.filter((e) => e.type === 'table')
    for (const t of tables) db.exec(t.sql)
    let rows = 0
    const cpu = process.cpuUsage()
    for (const t of tables) {
      const key = db.prepare(`SELECT name FROM pragma_index_info((SELECT name FROM pragma_index_list(?) WHERE origin = 'pk'))`).pluck().all(t.name) as string[]
      rows += fillOf(t.name)(db, t.name, key.length > 0 ? key.map((k) => `"${k}"`).join(', ') : 'rowid')
    }
    for (const e of schema) if (e.type === 'index') db.exec(e.sql)
    db.pragma('wal_checkpoint(TRUNCATE)')
    return { cpuMicros: micros(process.cpuUsage(cpu)), rows }
  } finally {
    db.close()
    for (const f of [out, `${out}-wal`, `${out}-shm`]) fs.rmSync(f, { force: true })
  }
}
