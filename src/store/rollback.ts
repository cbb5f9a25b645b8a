/**
 * Undo everything the store holds past a block of a chain, for the reorg check
 * (src/sync/reorg.ts): after `rollbackChain(db, chainId, forkBase)` every DAO indexed on
 * that chain holds exactly what an index up to `forkBase` would hold, and its cursors
 * say so, so the next pass re-indexes the replaced blocks from the chain as it is now.
 *
 * All DAOs of the chain roll back together, in one transaction with the chain's `block`
 * rows: those rows are shared, and a DAO left holding rows of replaced blocks could no
 * longer see that they were replaced once the new blocks' hashes are stored.
 *
 * Raw rows past the block are deleted; derived state is restored from what remains, one
 * account at a time (the accounts are those of the deleted raw rows, the only ones whose
 * checkpoints or current values can change): an account's current balance / votes are
 * its last remaining checkpoint (no row when none or zero), a delegator's delegate the
 * `to_delegate` of its last remaining DelegateChanged. Proposal tallies are recomputed
 * from the remaining votes; proposal statuses read at a replaced block, or of proposals
 * whose events were replaced, go back to "to check" (the finalize step reads them again).
 */
import type { Db } from './db.js'
import type { Dao } from './daos.js'
import { rebuildProposalTallies } from './governorLedger.js'

/** Raw on-chain rows of a DAO, keyed by (dao_id, block_number, log_index). */
const RAW_TABLES = ['transfer', 'delegate_changed', 'delegate_votes_changed', 'proposal', 'vote', 'proposal_event', 'snapshot_delegation'] as const

export type RollbackChainResult = {
  /** DAOs that held rows or cursors past the block, by name. */
  daos: string[]
}

/**
 * Delete every row of the chain's DAOs past `forkBase`, restore the derived state at
 * `forkBase`, move every cursor past it back to it, and drop the chain's block rows past
 * it: one transaction.
 */
export function rollbackChain(db: Db, chainId: number, forkBase: number): RollbackChainResult {
  const rollback = db.transaction(() => {
    const daos = db.prepare(`SELECT id, name FROM dao WHERE chain_id = ? AND kind = 'indexed' ORDER BY name`).all(chainId) as Pick<Dao, 'id' | 'name'>[]
    const changed = daos.filter((dao) => rollbackDao(db, dao.id, forkBase)).map((dao) => dao.name)
    db.prepare(`DELETE FROM block WHERE chain_id = ? AND number > ?`).run(chainId, forkBase)
    return { daos: changed }
  })
  // IMMEDIATE: take the write lock first, so a concurrent writer makes this wait (busy_timeout) rather than fail mid-way.
  return rollback.immediate()
}

/** One DAO's part of `rollbackChain`; runs inside its transaction. Whether anything changed. */
function rollbackDao(db: Db, daoId: number, forkBase: number): boolean {
  const at = { dao: daoId, block: forkBase }
  // Accounts as stored (bytes, schema v5), bound back as they are.
  const after = (sql: string) => db.prepare(sql).pluck().all(at) as Buffer[]
  const holders = after(
    `SELECT from_address FROM transfer WHERE dao_id = @dao AND block_number > @block
     UNION SELECT to_address FROM transfer WHERE dao_id = @dao AND block_number > @block`,
  )
  const delegates = after(`SELECT DISTINCT delegate FROM delegate_votes_changed WHERE dao_id = @dao AND block_number > @block`)
  const delegators = after(`SELECT DISTINCT delegator FROM delegate_changed WHERE dao_id = @dao AND block_number > @block`)
  const proposals = db
    .prepare(
      `SELECT governor, proposal_id FROM vote WHERE dao_id = @dao AND block_number > @block
       UNION SELECT governor, proposal_id FROM proposal_event WHERE dao_id = @dao AND block_number > @block
       UNION SELECT governor, proposal_id FROM proposal WHERE dao_id = @dao AND block_number > @block`,
    )
    .all(at) as { governor: string; proposal_id: string }[]
  let deleted = 0
  let votesReplaced = false
  for (const table of RAW_TABLES) {
    const changes = db.prepare(`DELETE FROM ${table} WHERE dao_id = @dao AND block_number > @block`).run(at).changes
    deleted += changes
    if (table === 'vote' && changes > 0) votesReplaced = true
  }
  restoreFromCheckpoints(db, daoId, forkBase, holders, { checkpoint: 'balance_checkpoint', current: 'balance', account: 'holder', amount: 'balance' })
  restoreFromCheckpoints(db, daoId, forkBase, delegates, { checkpoint: 'vp_checkpoint', current: 'voting_power', account: 'delegate', amount: 'votes' })
  restoreDelegations(db, daoId, delegators)
  if (votesReplaced) rebuildProposalTallies(db, daoId)
  restoreProposalStatus(db, daoId, forkBase, proposals)
  const cursors = db.prepare(`UPDATE cursor SET block_number = @block WHERE dao_id = @dao AND block_number > @block`).run(at).changes
  return deleted > 0 || cursors > 0
}

type CheckpointTables = { checkpoint: string; current: string; account: string; amount: string }

/** Drop the accounts' checkpoints past the block; their current value becomes the last one left. */
function restoreFromCheckpoints(db: Db, daoId: number, forkBase: number, accounts: readonly Buffer[], t: CheckpointTables): void {
  const drop = db.prepare(`DELETE FROM ${t.checkpoint} WHERE dao_id = ? AND ${t.account} = ? AND block_number > ?`)
  const last = db
    .prepare(`SELECT ${t.amount} FROM ${t.checkpoint} WHERE dao_id = ? AND ${t.account} = ? ORDER BY block_number DESC, log_index DESC LIMIT 1`)
    .pluck()
  const set = db.prepare(
    `INSERT INTO ${t.current} (dao_id, ${t.account}, ${t.amount}) VALUES (?, ?, ?) ON CONFLICT (dao_id, ${t.account}) DO UPDATE SET ${t.amount} = excluded.${t.amount}`,
  )
  const remove = db.prepare(`DELETE FROM ${t.current} WHERE dao_id = ? AND ${t.account} = ?`)
  for (const account of accounts) {
    drop.run(daoId, account, forkBase)
    const amount = last.get(daoId, account) as Buffer | undefined
    // As TokenWriter writes them: an account whose value is zero has no row.
    if (amount === undefined || isZero(amount)) remove.run(daoId, account)
    else set.run(daoId, account, amount)
  }
}

/** Each delegator's delegate becomes the target of its last remaining DelegateChanged (none or zero: no row). */
function restoreDelegations(db: Db, daoId: number, delegators: readonly Buffer[]): void {
  const last = db
    .prepare(`SELECT to_delegate FROM delegate_changed WHERE dao_id = ? AND delegator = ? ORDER BY block_number DESC, log_index DESC LIMIT 1`)
    .pluck()
  const set = db.prepare(`INSERT INTO delegation (dao_id, delegator, delegate) VALUES (?, ?, ?) ON CONFLICT (dao_id, delegator) DO UPDATE SET delegate = excluded.delegate`)
  const remove = db.prepare(`DELETE FROM delegation WHERE dao_id = ? AND delegator = ?`)
  for (const delegator of delegators) {
    const delegate = last.get(daoId, delegator) as Buffer | undefined
    if (delegate === undefined || isZero(delegate)) remove.run(daoId, delegator)
    else set.run(daoId, delegator, delegate)
  }
}

/** A stored amount of zero, or the zero address. */
const isZero = (bytes: Buffer): boolean => bytes.every((b) => b === 0)

/**
 * Statuses of proposals that are gone are deleted; those read at a replaced block, or
 * whose votes or lifecycle events were replaced, are emptied and marked to check, as a
 * newly indexed proposal's is.
 */
function restoreProposalStatus(db: Db, daoId: number, forkBase: number, touched: readonly { governor: string; proposal_id: string }[]): void {
  db.prepare(
    `DELETE FROM proposal_status WHERE dao_id = ? AND NOT EXISTS
       (SELECT 1 FROM proposal p WHERE p.dao_id = proposal_status.dao_id AND p.governor = proposal_status.governor AND p.proposal_id = proposal_status.proposal_id)`,
  ).run(daoId)
  const reset = `UPDATE proposal_status SET checked_block = NULL, snapshot_block = NULL, quorum = NULL, quorum_block = NULL, chain_state = NULL,
      derived_state = NULL, outcome = NULL, agrees = NULL, disagreement = NULL, final = 0`
  db.prepare(`${reset} WHERE dao_id = ? AND (checked_block > ? OR quorum_block > ?)`).run(daoId, forkBase, forkBase)
  const resetOne = db.prepare(`${reset} WHERE dao_id = ? AND governor = ? AND proposal_id = ?`)
  for (const p of touched) resetOne.run(daoId, p.governor, p.proposal_id)
}
