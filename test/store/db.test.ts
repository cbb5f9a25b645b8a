import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, test } from 'vitest'
import { openDb } from '../../src/store/db.js'
import { MIGRATIONS } from '../../src/store/migrations/index.js'
import { StoreError, UsageError } from '../../src/errors.js'

const dirs: string[] = []
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'govaudit-db-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) {
    fs.chmodSync(d, 0o755)
    fs.rmSync(d, { recursive: true, force: true })
  }
})

const sha = (file: string) => fs.readFileSync(file).toString('base64')

describe('openDb', () => {
  test('creates a new database at the latest schema version', () => {
    const file = path.join(tmp(), 'new.db')
    const db = openDb({ path: file, create: true })
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    const tables = db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all()
    expect(tables).toEqual(
      expect.arrayContaining(['dao', 'cursor', 'block', 'transfer', 'delegate_changed', 'delegate_votes_changed', 'vp_checkpoint', 'balance_checkpoint', 'balance', 'voting_power', 'delegation']),
    )
    db.close()
    // Re-opening an up-to-date file runs no migration and keeps the version.
    const again = openDb({ path: file, create: true })
    expect(again.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    again.close()
  })

  test('a missing file for a read-only command is a usage error, and creates nothing', () => {
    const file = path.join(tmp(), 'absent.db')
    expect(() => openDb({ path: file, create: false })).toThrow(UsageError)
    expect(fs.existsSync(file)).toBe(false)
  })

  test('a folder that does not exist is a usage error', () => {
    const file = path.join(tmp(), 'no', 'such', 'dir', 'x.db')
    expect(() => openDb({ path: file, create: true })).toThrow(/folder .* does not exist/)
  })

  test('a corrupt file is a StoreError and stays byte-identical', () => {
    const file = path.join(tmp(), 'corrupt.db')
    fs.writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(4096, 0xab)]))
    const before = sha(file)
    expect(() => openDb({ path: file, create: true })).toThrow(StoreError)
    expect(sha(file)).toBe(before)
    expect(fs.existsSync(`${file}-wal`)).toBe(false)
  })

  test('a text file is a StoreError and stays byte-identical', () => {
    const file = path.join(tmp(), 'notes.db')
    fs.writeFileSync(file, 'hello, this is not a database\n'.repeat(100))
    const before = sha(file)
    expect(() => openDb({ path: file, create: true })).toThrow(/not a usable SQLite database|not a database/)
    expect(sha(file)).toBe(before)
  })

  test('another application\'s SQLite file is refused, not migrated', async () => {
    const file = path.join(tmp(), 'other.db')
    const Database = (await import('better-sqlite3')).default
    const other = new Database(file)
    other.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)')
    other.close()
    const before = sha(file)
    expect(() => openDb({ path: file, create: true })).toThrow(/not a govaudit one/)
    expect(sha(file)).toBe(before)
  })

  test('a v4 database with a token amount that is not hex is refused by the v5 conversion and left as it was', () => {
    const file = path.join(tmp(), 'v4.db')
    const raw = new Database(file)
    for (let v = 0; v < 4; v++) raw.exec(MIGRATIONS[v]!)
    raw.pragma('user_version = 4')
    raw.prepare(`INSERT INTO dao (id, name, chain_id, token, token_standard, start_block, created_at) VALUES (1, 'nft', 1, ?, 'erc721', 1, 'x')`).run('0x' + '11'.repeat(20))
    const transfer = raw.prepare(`INSERT INTO transfer VALUES (1, ?, 0, 0, ?, ?, ?, ?, ?)`)
    const address = '0x' + '22'.repeat(20)
    transfer.run(5, '0x' + 'ab'.repeat(32), '0x' + '00'.repeat(20), address, '0'.repeat(63) + '1', '0'.repeat(63) + '7')
    transfer.run(6, '0x' + 'cd'.repeat(32), '0x' + '00'.repeat(20), address, '0'.repeat(63) + '1', 'zz'.repeat(32)) // the nullable column
    raw.close()
    const before = sha(file)
    expect(() => openDb({ path: file, create: true })).toThrow(StoreError)
    expect(sha(file)).toBe(before)
  })

  test('a newer schema version is refused', () => {
    const file = path.join(tmp(), 'future.db')
    const db = openDb({ path: file, create: true })
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`)
    db.close()
    expect(() => openDb({ path: file, create: true })).toThrow(/newer than this govaudit understands/)
  })

  test.skipIf(process.getuid?.() === 0)('a read-only file is a StoreError for writers', () => {
    const file = path.join(tmp(), 'ro.db')
    openDb({ path: file, create: true }).close()
    fs.chmodSync(file, 0o444)
    expect(() => openDb({ path: file, create: true })).toThrow(/not writable/)
  })
})
