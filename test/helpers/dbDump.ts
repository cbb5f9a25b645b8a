/**
 * A canonical text dump of a govaudit database for "identical to a fault-free run"
 * comparisons: every table's rows in primary-key order. Wall-clock columns (when a DAO
 * row was created) are the one thing two equal runs legitimately differ in.
 */
import fs from 'node:fs'
import Database from 'better-sqlite3'

const WALL_CLOCK = new Set(['created_at'])

export function dumpDb(file: string): string {
  const db = new Database(file, { readonly: true })
  try {
    const tables = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).pluck().all() as string[]
    const out: string[] = []
    for (const t of tables) {
      const cols = (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(t) as string[]).filter((c) => !WALL_CLOCK.has(c))
      const rows = db.prepare(`SELECT ${cols.join(', ')} FROM ${t} ORDER BY ${cols.join(', ')}`).raw().all() as unknown[][]
      out.push(`## ${t} (${rows.length})`, ...rows.map((r) => JSON.stringify(r)))
    }
    return out.join('\n')
  } finally {
    db.close()
  }
}

/** The token cursor of a database another process may be writing, or undefined before its first commit. */
export function readTokenCursor(file: string): number | undefined {
  if (!fs.existsSync(file)) return undefined
  const db = new Database(file, { readonly: true })
  try {
    // The child may be between creating the file and committing its schema.
    if (!db.prepare(`SELECT 1 FROM sqlite_schema WHERE name = 'cursor'`).get()) return undefined
    return (db.prepare(`SELECT block_number FROM cursor WHERE stream = 'token'`).pluck().get() as number | undefined) ?? undefined
  } finally {
    db.close()
  }
}
