/** The `governor` table: the governors of a DAO, and each one's cursor stream. */
import type { Db } from './db.js'
import type { Dao } from './daos.js'
import { getCursor } from './daos.js'
import { UsageError } from '../errors.js'
import type { GovernorKind } from '../sources/governor/topics.js'
import type { GovernorClock, GovernorInfo } from '../sources/governor/detect.js'

export type StoredGovernor = GovernorInfo & { daoId: number; startBlock: number }

type GovernorRow = {
  dao_id: number
  address: string
  kind: GovernorKind
  counting_mode: string
  clock_mode: string
  clock: GovernorClock
  token: string | null
  name: string | null
  start_block: number
}

const toGovernor = (r: GovernorRow): StoredGovernor => ({
  daoId: r.dao_id,
  address: r.address,
  kind: r.kind,
  countingMode: r.counting_mode,
  clockMode: r.clock_mode,
  clock: r.clock,
  token: r.token,
  name: r.name,
  startBlock: r.start_block,
})

/** The cursor stream of one governor: its last fully indexed block. */
export function governorStream(address: string): string {
  return `governor:${address.toLowerCase()}`
}

/** Last fully indexed block of a governor, or null before its first commit. */
export function getGovernorCursor(db: Db, daoId: number, address: string): number | null {
  return getCursor(db, daoId, governorStream(address))
}

export function listGovernors(db: Db, dao: Pick<Dao, 'id'>): StoredGovernor[] {
  return (db.prepare(`SELECT * FROM governor WHERE dao_id = ? ORDER BY start_block, address`).all(dao.id) as GovernorRow[]).map(toGovernor)
}

export function findGovernor(db: Db, dao: Pick<Dao, 'id'>, address: string): StoredGovernor | undefined {
  const row = db.prepare(`SELECT * FROM governor WHERE dao_id = ? AND address = ?`).get(dao.id, address.toLowerCase()) as GovernorRow | undefined
  return row && toGovernor(row)
}

/**
 * Register a governor for a DAO (idempotent). A governor already registered must be
 * what the chain says now: a different kind, counting mode or clock is a UsageError
 * (the stored rows were decoded under the old answers).
 */
export function addGovernor(db: Db, dao: Pick<Dao, 'id' | 'name'>, info: GovernorInfo, startBlock: number): StoredGovernor {
  const existing = findGovernor(db, dao, info.address)
  if (existing) {
    if (existing.kind !== info.kind || existing.countingMode !== info.countingMode || existing.clock !== info.clock)
      throw new UsageError(
        `Governor ${info.address} of "${dao.name}" was indexed as ${existing.kind} (${existing.countingMode}, ${existing.clock} clock) but the chain now says ${info.kind} (${info.countingMode}, ${info.clock} clock); index it into a new database.`,
      )
    return existing
  }
  db.prepare(
    `INSERT INTO governor (dao_id, address, kind, counting_mode, clock_mode, clock, token, name, start_block)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(dao.id, info.address, info.kind, info.countingMode, info.clockMode, info.clock, info.token, info.name, startBlock)
  return { ...info, daoId: dao.id, startBlock }
}
