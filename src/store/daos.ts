/** The `dao` and `cursor` tables: what is indexed, and up to which block. */
import type { Db } from './db.js'
import { UsageError } from '../errors.js'

export type TokenStandard = 'erc20' | 'erc721' | 'unknown'

export type Dao = {
  id: number
  name: string
  chainId: number
  token: string
  tokenStandard: TokenStandard
  startBlock: number
  createdAt: string
}

type DaoRow = {
  id: number
  name: string
  chain_id: number
  token: string
  token_standard: TokenStandard
  start_block: number
  created_at: string
}

const toDao = (r: DaoRow): Dao => ({
  id: r.id,
  name: r.name,
  chainId: r.chain_id,
  token: r.token,
  tokenStandard: r.token_standard,
  startBlock: r.start_block,
  createdAt: r.created_at,
})

export function findDao(db: Db, name: string): Dao | undefined {
  const row = db.prepare(`SELECT * FROM dao WHERE name = ?`).get(name) as DaoRow | undefined
  return row && toDao(row)
}

/** The DAO by name, or a UsageError listing the ones that exist. */
export function getDao(db: Db, name: string): Dao {
  const dao = findDao(db, name)
  if (dao) return dao
  const names = listDaos(db).map((d) => d.name)
  throw new UsageError(
    names.length
      ? `No DAO named "${name}" in this database; known: ${names.join(', ')}.`
      : `No DAO named "${name}": this database is empty; run \`govaudit index\` first.`,
  )
}

export function listDaos(db: Db): Dao[] {
  return (db.prepare(`SELECT * FROM dao ORDER BY name`).all() as DaoRow[]).map(toDao)
}

export type NewDao = Omit<Dao, 'id' | 'createdAt'>

export function insertDao(db: Db, dao: NewDao, now: Date = new Date()): Dao {
  const info = db
    .prepare(
      `INSERT INTO dao (name, chain_id, token, token_standard, start_block, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
    )
    .run(dao.name, dao.chainId, dao.token, dao.tokenStandard, dao.startBlock, now.toISOString())
  return { ...dao, id: Number(info.lastInsertRowid), createdAt: now.toISOString() }
}

/** Last fully indexed block of a stream, or null before the first commit. */
export function getCursor(db: Db, daoId: number, stream: string): number | null {
  const row = db.prepare(`SELECT block_number FROM cursor WHERE dao_id = ? AND stream = ?`).get(daoId, stream) as
    | { block_number: number }
    | undefined
  return row ? row.block_number : null
}

/** Must run inside the transaction that wrote the rows up to `blockNumber`. */
export function setCursor(db: Db, daoId: number, stream: string, blockNumber: number): void {
  db.prepare(
    `INSERT INTO cursor (dao_id, stream, block_number) VALUES (?, ?, ?)
     ON CONFLICT (dao_id, stream) DO UPDATE SET block_number = excluded.block_number`,
  ).run(daoId, stream, blockNumber)
}
