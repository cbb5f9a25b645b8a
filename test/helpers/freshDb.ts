import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach } from 'vitest'
import { openDb, type Db } from '../../src/store/db.js'

const dirs: string[] = []
const dbs: Db[] = []
afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close()
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

/** A new temp folder, removed after the test. */
export function freshDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'govaudit-store-'))
  dirs.push(d)
  return d
}

/** The store at `file` (created when absent), closed after the test. */
export function openTestDb(file: string): Db {
  const db = openDb({ path: file, create: true })
  dbs.push(db)
  return db
}

/** A new empty store in its own temp folder, closed and removed after the test. */
export function freshDb(): Db {
  return openTestDb(path.join(freshDir(), 'g.db'))
}
