/**
 * The floor under any indexer that stores what govaudit stores: the CPU time to insert a
 * finished index's rows into an empty database with the same schema, the cheapest ways
 * there are. Each table's rows go in in its key order; its secondary indexes are built once
 * at the end. Two floors:
 * - `sql`: SQLite alone, `INSERT ... SELECT ... ORDER BY key` from the finished file (the
 *   ORDER BY keeps SQLite from copying pages verbatim, which no indexer could do): no
 *   JavaScript at all;
 * - `js`: the same rows handed over from JavaScript, as values already read (Buffers,
 *   numbers, strings), through better-sqlite3, 32 rows per INSERT: what any indexer written
 *   in JavaScript pays at least, with nothing decoded or derived.
 * No derivation, no commits in chain order: whatever an indexer does comes on top. The
 * bench prints these next to the CPU budget the 1.15x target leaves, so whether that target
 * can be met on the machine is a measurement.
 */
import fs from 'node:fs'
import Database from 'better-sqlite3'

export type Floor = { sqlCpuMicros: number; jsCpuMicros: number; rows: number }

type Entry = { type: string; name: string; sql: string }

/** Both floors for the index at `file` (the CPU time is this thread's: SQLite runs on it). */
export function sqliteFloor(file: string): Floor {
  const sql = copyInto(file, (db, table, key) => {
    db.exec('BEGIN')
    const rows = db.prepare(`INSERT INTO main."${table}" SELECT * FROM finished."${table}" ORDER BY ${key}`).run().changes
    db.exec('COMMIT')
    return rows
  })
  let jsMicros = 0
  const js = copyInto(file, (db, table, key) => {
    const rows = db.prepare(`SELECT * FROM finished."${table}" ORDER BY ${key}`).raw().all() as unknown[][]
    const width = rows[0]?.length ?? 0
    if (width === 0) return 0
    const row = `(${Array.from({ length: width }, () => '?').join(', ')})`
    const many = db.prepare(`INSERT INTO main."${table}" VALUES ${Array.from({ length: 32 }, () => row).join(', ')}`)
    const one = db.prepare(`INSERT INTO main."${table}" VALUES ${row}`)
    const cpu = process.cpuUsage() // the reading above is not the indexer's to pay
    db.exec('BEGIN')
    const args: unknown[] = []
    let i = 0
    for (; i + 32 <= rows.length; i += 32) {
      args.length = 0
      for (let k = i; k < i + 32; k++) for (const v of rows[k]!) args.push(v)
      many.run(args)
    }
    for (; i < rows.length; i++) one.run(rows[i]!)
    db.exec('COMMIT')
    const used = process.cpuUsage(cpu)
    jsMicros += used.user + used.system
    return rows.length
  })
  return { sqlCpuMicros: sql.cpuMicros, jsCpuMicros: jsMicros + js.indexMicros, rows: sql.rows }
}

/**
 * A fresh database `${file}.floor` with the finished index's schema, each table filled by
 * `fill` (given its key order), then the indexes built and the WAL checkpointed. `cpuMicros`
 * covers all of it; `indexMicros` the part after the tables.
 */
function copyInto(file: string, fill: (db: Database.Database, table: string, key: string) => number): { cpuMicros: number; indexMicros: number; rows: number } {
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
      rows += fill(db, t.name, key.length > 0 ? key.map((k) => `"${k}"`).join(', ') : 'rowid')
    }
    const indexes = process.cpuUsage()
    for (const e of schema) if (e.type === 'index') db.exec(e.sql)
    db.pragma('wal_checkpoint(TRUNCATE)')
    const all = process.cpuUsage(cpu)
    const after = process.cpuUsage(indexes)
    return { cpuMicros: all.user + all.system, indexMicros: after.user + after.system, rows }
  } finally {
    db.close()
    for (const f of [out, `${out}-wal`, `${out}-shm`]) fs.rmSync(f, { force: true })
  }
}
