/**
 * Opening the SQLite file. Every failure here is a clear StoreError (exit 4) or, for a
 * path the user got wrong, a UsageError (exit 2) — and nothing is written to a file that
 * is not already a govaudit database of a version we understand.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { StoreError, UsageError } from '../errors.js'
import { MIGRATIONS } from './migrations/index.js'

export type Db = Database.Database

export type OpenDbParameters = {
  path: string
  /** Create the file (and migrate) when missing; read-only commands pass false. */
  create: boolean
  /** Open an existing file for writing without creating one (default: `create`). */
  write?: boolean
}

const DEFAULT_DB_PATH = 'govaudit.db'

/** Resolve the database path from --db, GOVAUDIT_DB, or the default. */
export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(flag ?? env.GOVAUDIT_DB ?? DEFAULT_DB_PATH)
}

export function openDb({ path: file, create, write = create }: OpenDbParameters): Db {
  const exists = fs.existsSync(file)
  if (!exists) {
    if (!create) throw new UsageError(`No database at ${file}; run \`govaudit index\` first or pass --db.`)
    const dir = path.dirname(file)
    if (!fs.existsSync(dir)) throw new UsageError(`Cannot create the database ${file}: the folder ${dir} does not exist.`)
  } else {
    if (fs.statSync(file).isDirectory()) throw new UsageError(`--db ${file} is a folder; give a file path.`)
    try {
      fs.accessSync(file, write ? fs.constants.R_OK | fs.constants.W_OK : fs.constants.R_OK)
    } catch (cause) {
      throw new StoreError(`The database ${file} is not ${write ? 'writable' : 'readable'}; check its permissions.`, { cause })
    }
  }

  let db: Db
  try {
    db = new Database(file, { readonly: exists && !write, fileMustExist: !create })
  } catch (cause) {
    throw new StoreError(`Cannot open the database ${file}: ${(cause as Error).message}.`, { cause })
  }
  try {
    checkAndMigrate(db, file, write)
    if (create) {
      db.pragma('journal_mode = WAL')
      db.pragma('synchronous = NORMAL')
    }
    db.pragma('foreign_keys = ON')
    db.pragma('cache_size = -200000') // ~200 MB page cache: index builds and large batches
    // Reads map the file instead of copying each page into that cache: a command's one read of a
    // million holders (readWeights) is ~0.1 s faster. Beyond 1 GiB, pages are read as before.
    db.pragma('mmap_size = 1073741824')
    db.pragma('temp_store = MEMORY')
    return db
  } catch (cause) {
    db.close()
    if (cause instanceof StoreError) throw cause
    throw new StoreError(`The file ${file} is not a usable SQLite database (${(cause as Error).message}).`, { cause })
  }
}

function checkAndMigrate(db: Db, file: string, writable: boolean): void {
  // The first read fails with SQLITE_NOTADB on a corrupt or foreign file, before any write.
  const version = db.pragma('user_version', { simple: true }) as number
  const tables = db.prepare(`SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'`).get() as { n: number }
  if (version === 0 && tables.n > 0)
    throw new StoreError(`The file ${file} is an SQLite database but not a govaudit one; choose another --db.`)
  if (version > MIGRATIONS.length)
    throw new StoreError(
      `The database ${file} has schema version ${version}, newer than this govaudit understands (${MIGRATIONS.length}); upgrade govaudit.`,
    )
  if (version === MIGRATIONS.length) return
  // An empty file (or a short non-SQLite one) reads as version 0 with no tables: nothing to upgrade.
  if (!writable && version === 0) throw new StoreError(`The file ${file} is not a govaudit database (it holds no tables); choose another --db.`)
  if (!writable)
    throw new StoreError(`The database ${file} needs a schema upgrade; run \`govaudit index\` once to migrate it.`)
  const migrate = db.transaction(() => {
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]!)
    db.pragma(`user_version = ${MIGRATIONS.length}`)
  })
  migrate()
}
