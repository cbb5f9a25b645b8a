/**
 * The floor under any indexer that stores what govaudit stores: SQLite's own CPU time to
 * insert a finished index's rows into an empty database with the same schema, the cheapest
 * way SQLite offers. Each table's rows go in in its key order, read from the finished file
 * by `INSERT ... SELECT ... ORDER BY key` (the ORDER BY keeps SQLite from copying pages
 * verbatim, which no indexer could do); its secondary indexes are built once at the end.
 * No JavaScript per row, no decoding, no derivation, no commits in chain order: whatever an
 * indexer does comes on top of this. The bench prints it next to the CPU budget the
 * 1.15x target leaves, so whether that target can be met on the machine is a measurement.
 */
import fs from 'node:fs'
import Database from 'better-sqlite3'

export type Floor = { cpuMicros: number; rows: number }

/** Copy every row of the index at `file` into a fresh database `${file}.floor`; the CPU time is this thread's (SQLite runs on it). */
export function sqliteFloor(file: string): Floor {
  const out = `${file}.floor`
  const db = new Database(out)
  try {
    // The settings openDb (src/store/db.ts) gives govaudit's own connections.
    for (const pragma of ['journal_mode = WAL', 'synchronous = NORMAL', 'foreign_keys = ON', 'cache_size = -200000', 'mmap_size = 1073741824', 'temp_store = MEMORY'])
      db.pragma(pragma)
    db.prepare('ATTACH ? AS finished').run(file)
    type Entry = { type: string; name: string; sql: string }
    const schema = db.prepare(`SELECT type, name, sql FROM finished.sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'`).all() as Entry[]
    const tables = schema.filter((e) => e.type === 'table')
    for (const t of tables) db.exec(t.sql)
    let rows = 0
    const cpu = process.cpuUsage()
    for (const t of tables) {
      const key = db.prepare(`SELECT name FROM pragma_index_info((SELECT name FROM pragma_index_list(?) WHERE origin = 'pk'))`).pluck().all(t.name) as string[]
      db.exec('BEGIN')
      rows += db.prepare(`INSERT INTO main."${t.name}" SELECT * FROM finished."${t.name}" ORDER BY ${key.length > 0 ? key.map((k) => `"${k}"`).join(', ') : 'rowid'}`).run().changes
      db.exec('COMMIT')
    }
    for (const e of schema) if (e.type === 'index') db.exec(e.sql)
    db.pragma('wal_checkpoint(TRUNCATE)')
    const used = process.cpuUsage(cpu)
    return { cpuMicros: used.user + used.system, rows }
  } finally {
    db.close()
    for (const f of [out, `${out}-wal`, `${out}-shm`]) fs.rmSync(f, { force: true })
  }
}
