/**
 * The token write path: raw Transfer / DelegateChanged / DelegateVotesChanged rows and the
 * state derived from them (balances, delegations, voting power, and their checkpoints).
 *
 * Events are staged in memory in chain order with `apply`, then `commit` writes the raw
 * rows, the derived rows and the cursor in ONE transaction: a crash at any point leaves
 * the database at the previous commit, and the next run resumes from its cursor.
 *
 * Current balances are cached in memory (loaded lazily from `balance`) because each
 * Transfer needs the previous balance of two accounts; the cache is dropped when it grows
 * large, so memory stays bounded on tokens with millions of holders.
 */
import type Database from 'better-sqlite3'
import type { Db } from './db.js'
import { fromWord, toWord } from './amount.js'
import { setCursor } from './daos.js'
import { upsertBlock, type StoredBlock } from './blocks.js'
import { SourceError } from '../errors.js'
import { ZERO_ADDRESS, type TokenEvent } from '../sources/token/decode.js'

export const TOKEN_STREAM = 'token'
const CACHE_LIMIT = 250_000

type Statements = {
  transfer: Database.Statement
  delegateChanged: Database.Statement
  delegateVotesChanged: Database.Statement
  vpCheckpoint: Database.Statement
  balanceCheckpoint: Database.Statement
  getBalance: Database.Statement
  setBalance: Database.Statement
  deleteBalance: Database.Statement
  setVotingPower: Database.Statement
  deleteVotingPower: Database.Statement
  setDelegation: Database.Statement
  deleteDelegation: Database.Statement
}

export type LedgerCommit = { toBlock: number; block?: StoredBlock }

export class TokenLedger {
  private readonly st: Statements
  private readonly balances = new Map<string, bigint>()
  private readonly dirtyBalances = new Set<string>()
  private readonly votingPower = new Map<string, string>() // staged current values
  private readonly delegations = new Map<string, string>()
  private staged: TokenEvent[] = []
  private checkpoints: [holder: string, blockNumber: number, logIndex: number, balance: bigint][] = []

  constructor(
    private readonly db: Db,
    private readonly daoId: number,
    private readonly chainId: number,
  ) {
    const p = (sql: string) => db.prepare(sql)
    this.st = {
      transfer: p(`INSERT INTO transfer VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      delegateChanged: p(`INSERT INTO delegate_changed VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      delegateVotesChanged: p(`INSERT INTO delegate_votes_changed VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
      vpCheckpoint: p(`INSERT INTO vp_checkpoint VALUES (?, ?, ?, ?, ?)`),
      balanceCheckpoint: p(`INSERT INTO balance_checkpoint VALUES (?, ?, ?, ?, ?)`),
      getBalance: p(`SELECT balance FROM balance WHERE dao_id = ? AND holder = ?`).pluck(),
      setBalance: p(
        `INSERT INTO balance VALUES (?, ?, ?) ON CONFLICT (dao_id, holder) DO UPDATE SET balance = excluded.balance`,
      ),
      deleteBalance: p(`DELETE FROM balance WHERE dao_id = ? AND holder = ?`),
      setVotingPower: p(
        `INSERT INTO voting_power VALUES (?, ?, ?) ON CONFLICT (dao_id, delegate) DO UPDATE SET votes = excluded.votes`,
      ),
      deleteVotingPower: p(`DELETE FROM voting_power WHERE dao_id = ? AND delegate = ?`),
      setDelegation: p(
        `INSERT INTO delegation VALUES (?, ?, ?) ON CONFLICT (dao_id, delegator) DO UPDATE SET delegate = excluded.delegate`,
      ),
      deleteDelegation: p(`DELETE FROM delegation WHERE dao_id = ? AND delegator = ?`),
    }
  }

  get stagedEvents(): number {
    return this.staged.length
  }

  /** Stage events, which must come in chain order and after everything committed. */
  apply(events: readonly TokenEvent[]): void {
    for (const ev of events) {
      this.staged.push(ev)
      switch (ev.kind) {
        case 'Transfer': {
          const value = BigInt(`0x${ev.value}`)
          if (ev.from === ev.to) {
            // A self-transfer changes no balance, but the sender must still hold the value.
            if (ev.from !== ZERO_ADDRESS && this.balanceOf(ev.from) < value) this.moveBalance(ev.from, -value, ev)
            break
          }
          if (ev.from !== ZERO_ADDRESS) this.moveBalance(ev.from, -value, ev)
          if (ev.to !== ZERO_ADDRESS) this.moveBalance(ev.to, value, ev)
          break
        }
        case 'DelegateChanged':
          this.delegations.set(ev.delegator, ev.toDelegate)
          break
        case 'DelegateVotesChanged':
          this.votingPower.set(ev.delegate, ev.newVotes)
          break
      }
    }
  }

  private balanceOf(holder: string): bigint {
    const cached = this.balances.get(holder)
    if (cached !== undefined) return cached
    const stored = this.st.getBalance.get(this.daoId, holder) as string | undefined
    const value = stored === undefined ? 0n : fromWord(stored)
    this.balances.set(holder, value)
    return value
  }

  private moveBalance(holder: string, delta: bigint, ev: TokenEvent): void {
    const next = this.balanceOf(holder) + delta
    if (next < 0n)
      throw new SourceError(
        `Transfer in tx ${ev.transactionHash} (block ${ev.blockNumber}) moves more than ${holder} holds by the indexed events: events before the DAO's start block are missing; index from the token's deployment block.`,
      )
    this.balances.set(holder, next)
    this.dirtyBalances.add(holder)
    this.checkpoints.push([holder, ev.blockNumber, ev.logIndex, next])
  }

  /** Write everything staged plus the cursor in one transaction. */
  commit({ toBlock, block }: LedgerCommit): void {
    const { st, daoId } = this
    this.db.transaction(() => {
      for (const ev of this.staged) {
        switch (ev.kind) {
          case 'Transfer':
            st.transfer.run(daoId, ev.blockNumber, ev.logIndex, ev.transactionIndex, ev.transactionHash, ev.from, ev.to, ev.value, ev.tokenId)
            break
          case 'DelegateChanged':
            st.delegateChanged.run(daoId, ev.blockNumber, ev.logIndex, ev.transactionIndex, ev.transactionHash, ev.delegator, ev.fromDelegate, ev.toDelegate)
            break
          case 'DelegateVotesChanged':
            st.delegateVotesChanged.run(daoId, ev.blockNumber, ev.logIndex, ev.transactionIndex, ev.transactionHash, ev.delegate, ev.previousVotes, ev.newVotes)
            st.vpCheckpoint.run(daoId, ev.delegate, ev.blockNumber, ev.logIndex, ev.newVotes)
            break
        }
      }
      for (const [holder, blockNumber, logIndex, balance] of this.checkpoints)
        st.balanceCheckpoint.run(daoId, holder, blockNumber, logIndex, toWord(balance))
      for (const holder of this.dirtyBalances) {
        const b = this.balances.get(holder)!
        if (b === 0n) st.deleteBalance.run(daoId, holder)
        else st.setBalance.run(daoId, holder, toWord(b))
      }
      for (const [delegate, votes] of this.votingPower)
        if (BigInt(`0x${votes}`) === 0n) st.deleteVotingPower.run(daoId, delegate)
        else st.setVotingPower.run(daoId, delegate, votes)
      for (const [delegator, delegate] of this.delegations)
        if (delegate === ZERO_ADDRESS) st.deleteDelegation.run(daoId, delegator)
        else st.setDelegation.run(daoId, delegator, delegate)
      setCursor(this.db, daoId, TOKEN_STREAM, toBlock)
      if (block) upsertBlock(this.db, this.chainId, block)
    })()
    this.staged = []
    this.checkpoints = []
    this.dirtyBalances.clear()
    this.votingPower.clear()
    this.delegations.clear()
    if (this.balances.size > CACHE_LIMIT) this.balances.clear()
  }

  /** Forget staged work after a failed commit; the cache may hold uncommitted values. */
  discard(): void {
    this.staged = []
    this.checkpoints = []
    this.dirtyBalances.clear()
    this.votingPower.clear()
    this.delegations.clear()
    this.balances.clear()
  }
}
