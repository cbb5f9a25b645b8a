/**
 * Token state at a block, answered by SQLite from indexed tables. "At block B" means after
 * every event of block B (DESIGN.md §4). At the cursor the current-state tables answer
 * directly; before it, the latest checkpoint at or before B per account is picked with
 * SQLite's documented bare-column rule for max() (the row holding the maximum supplies
 * the other columns), walking the (dao, account, block, log) primary key. Whole
 * populations are read as packed records by `readWeights` (see there why).
 */
import type { Db } from './db.js'
import type { Dao } from './daos.js'
import { getCursor } from './daos.js'
import { readPackedWeights, readWeights, type ReadWeightsParameters } from './readWeights.js'
import type { PackedRecords } from '../analysis/population.js'
import { TOKEN_STREAM } from './tokenLedger.js'
import { addressText } from './tokenColumns.js'
import { UsageError } from '../errors.js'

export type AccountWeight = { address: string; weight: bigint }
export type Delegation = { delegator: string; delegate: string }

/** Weights at a block, and the block they were read at. */
export type WeightsAt = { blockNumber: number; weights: AccountWeight[] }

const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000'
// (block, log) packed into one orderable integer for max(); log indexes stay below 2^32.
const SEQ = `block_number * 4294967296 + log_index`

/** The block a query reads at: the given one, or the token cursor; checked against it. */
export function resolveTokenBlock(db: Db, dao: Dao, block: number | undefined): { blockNumber: number; atCursor: boolean } {
  const cursor = getCursor(db, dao.id, TOKEN_STREAM)
  if (cursor === null) throw new UsageError(`DAO "${dao.name}" has no indexed blocks yet; run \`govaudit index\` first.`)
  if (block === undefined) return { blockNumber: cursor, atCursor: true }
  if (block > cursor)
    throw new UsageError(`Block ${block} is after the last indexed block ${cursor} of "${dao.name}"; index further or pick an earlier block.`)
  if (block < dao.startBlock)
    throw new UsageError(`Block ${block} is before "${dao.name}" starts (block ${dao.startBlock}).`)
  return { blockNumber: block, atCursor: block === cursor }
}

/** Where an account's weight lives: the current-state table and its checkpoint history. */
type WeightTables = { current: string; history: string; account: string; amount: string }
const VOTING_POWER: WeightTables = { current: 'voting_power', history: 'vp_checkpoint', account: 'delegate', amount: 'votes' }
const BALANCE: WeightTables = { current: 'balance', history: 'balance_checkpoint', account: 'holder', amount: 'balance' }

/** The block read at, and how `readWeights` reads the weights there. */
function weightQuery(db: Db, dao: Dao, t: WeightTables, block: number | undefined): { blockNumber: number; query: ReadWeightsParameters } {
  const { blockNumber, atCursor } = resolveTokenBlock(db, dao, block)
  const rows = (range: string) =>
    atCursor
      ? `SELECT ${t.account} AS a, ${t.amount} AS w FROM ${t.current}
         WHERE dao_id = @dao AND ${range} ORDER BY ${t.account}`
      : `SELECT ${t.account} AS a, ${t.amount} AS w, max(${SEQ}) FROM ${t.history}
         WHERE dao_id = @dao AND block_number <= @block AND ${range}
         GROUP BY ${t.account} ORDER BY ${t.account}`
  return { blockNumber, query: { rows, account: t.account, params: atCursor ? { dao: dao.id } : { dao: dao.id, block: blockNumber }, stored: 'bytes' } }
}

const weightsAt = (db: Db, dao: Dao, t: WeightTables, block: number | undefined): WeightsAt => {
  const { blockNumber, query } = weightQuery(db, dao, t, block)
  return { blockNumber, weights: readWeights(db, query) }
}

/** Voting power of every delegate with non-zero votes at `block` (default: the cursor), in address order. */
export const votingPowerAt = (db: Db, dao: Dao, block?: number): WeightsAt => weightsAt(db, dao, VOTING_POWER, block)

/** Token balance of every holder with a non-zero balance at `block` (default: the cursor), in address order. */
export const balancesAt = (db: Db, dao: Dao, block?: number): WeightsAt => weightsAt(db, dao, BALANCE, block)

/**
 * The same populations packed (`readPackedWeights`), for the measures that read a whole
 * population by index: no object per holder.
 */
export function packedWeightsAt(db: Db, dao: Dao, basis: 'balance' | 'voting-power', block?: number): { blockNumber: number; weights: PackedRecords | AccountWeight[] } {
  const { blockNumber, query } = weightQuery(db, dao, basis === 'balance' ? BALANCE : VOTING_POWER, block)
  return { blockNumber, weights: readPackedWeights(db, query) }
}

/** Every delegator's delegate at `block` (default: the cursor); undelegated accounts are absent. */
export function delegationsAt(db: Db, dao: Dao, block?: number): { blockNumber: number; delegations: Delegation[] } {
  const { blockNumber, atCursor } = resolveTokenBlock(db, dao, block)
  const rows = (
    atCursor
      ? db.prepare(`SELECT ${addressText('delegator')} AS delegator, ${addressText('delegate')} AS delegate FROM delegation WHERE dao_id = ?`).all(dao.id)
      : db
          .prepare(
            `SELECT ${addressText('delegator')} AS delegator, ${addressText('to_delegate')} AS delegate, max(${SEQ}) FROM delegate_changed
             WHERE dao_id = ? AND block_number <= ? GROUP BY delegator`,
          )
          .all(dao.id, blockNumber)
  ) as Delegation[]
  return {
    blockNumber,
    delegations: rows.filter((r) => r.delegate !== ZERO_ADDRESS).map((r) => ({ delegator: r.delegator, delegate: r.delegate })),
  }
}

/** Sum of all balances at `block`: the token's total supply as the indexed events say. */
export function totalSupplyAt(db: Db, dao: Dao, block?: number): { blockNumber: number; total: bigint } {
  const { blockNumber, weights: ws } = balancesAt(db, dao, block)
  let total = 0n
  for (const w of ws) total += w.weight
  return { blockNumber, total }
}

export type TokenCounts = { transfers: number; delegateChanges: number; voteChanges: number; holders: number; delegates: number }

export function tokenCounts(db: Db, dao: Dao): TokenCounts {
  const count = (table: string) =>
    (db.prepare(`SELECT count(*) FROM ${table} WHERE dao_id = ?`).pluck().get(dao.id) as number) ?? 0
  return {
    transfers: count('transfer'),
    delegateChanges: count('delegate_changed'),
    voteChanges: count('delegate_votes_changed'),
    holders: count('balance'),
    delegates: count('voting_power'),
  }
}
