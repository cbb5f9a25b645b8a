/**
 * The token's derived state, computed in memory from packed events (src/store/tokenRows.ts):
 * current balances (cached), and per commit the rows of the derived tables, ready to
 * write in key order. No SQL here: TokenWriter (src/store/tokenLedger.ts) writes the
 * events and these `DerivedRows`, in this thread or in a worker.
 *
 * Why the rows are sorted: `balance_checkpoint` and `vp_checkpoint` are keyed by
 * (dao, account, block, log), so rows in chain order land all over their B-trees. Sorted
 * by account (chain order within an account) they walk each B-tree once per commit:
 * measured ~35% less SQLite time for these tables. The last row of each account in a
 * commit also carries the account's current value, so `balance` and `voting_power` are
 * written in the same pass and the same order.
 *
 * Why bytes: a commit stages a few hundred thousand checkpoints. Kept as JS objects
 * (strings, bigints) they survive young-generation collections and are copied and
 * promoted; kept as bytes in a growing buffer they cost the garbage collector nothing.
 */
import { SourceError, StoreError } from '../errors.js'
import { ZERO_ADDRESS } from '../sources/token/decode.js'
import {
  CHECKPOINT_WIDTH,
  DELEGATE_CHANGED,
  DELEGATE_VOTES_CHANGED,
  FIELD,
  TEXT_WIDTH,
  TRANSFER,
  TRANSFER_721,
  HASH,
  ADDRESS,
  WORD,
  type CheckpointRows,
  type DerivedRows,
  type TokenBatch,
} from '../store/tokenRows.js'

export type TokenStateParameters = {
  /** The committed balance of a holder, for holders not in the cache (undefined when none). */
  loadBalance: (holder: string) => bigint | undefined
  /** Whether the store may hold balances of this DAO at all (false for a fresh index: no lookups). */
  storeMayHaveBalances: boolean
}

/**
 * A holder (in the balance cache) or a delegate (of one commit). `key` orders accounts as
 * their addresses do (first 12 hex digits) without comparing strings; `last` is the
 * account's last record in a CheckpointLog, -1 when it has none.
 */
class Account {
  readonly address: string
  readonly key: number
  last = -1
  balance = 0n

  constructor(address: string) {
    this.address = ownCopy(address)
    this.key = parseInt(this.address.slice(2, 14), 16) || 0
  }
}

/** Rows per CheckpointRows chunk: bounds the memory of a commit's derived rows in flight. */
const CHUNK_ROWS = 32_768
const ZERO_CHAR = 0x30

/**
 * Staged checkpoints of one kind, in chain order: record r is `blockNumber[r]`,
 * `logIndex[r]` and bytes [r * CHECKPOINT_WIDTH, (r + 1) * CHECKPOINT_WIDTH) of `records`
 * (account, amount; ASCII). Each record links to its account's previous one, so `take`
 * sorts only the distinct accounts, then walks their chains.
 */
class CheckpointLog {
  private count = 0
  private touched: Account[] = []
  private blockNumber = new Float64Array(0)
  private logIndex = new Float64Array(0)
  private previous = new Int32Array(0) // the same account's previous record, or -1
  private records = Buffer.alloc(0)

  /** Append a checkpoint: `amount` is a balance, or a vote word as emitted (64 hex digits). */
  push(account: Account, blockNumber: number, logIndex: number, amount: bigint | string): void {
    if (this.count === this.blockNumber.length) this.grow()
    const r = this.count++
    if (account.last === -1) this.touched.push(account)
    this.previous[r] = account.last
    account.last = r
    this.blockNumber[r] = blockNumber
    this.logIndex[r] = logIndex
    const at = r * CHECKPOINT_WIDTH
    // One byte per character: addresses come from batch text, which TokenBatchBuilder keeps ASCII.
    this.records.write(account.address, at, 'latin1')
    const digits = typeof amount === 'bigint' ? amount.toString(16) : amount
    const pad = WORD - digits.length
    if (pad < 0) throw new StoreError(`Amount 0x${digits} does not fit in uint256.`)
    this.records.fill(ZERO_CHAR, at + ADDRESS, at + ADDRESS + pad)
    this.records.write(digits, at + ADDRESS + pad, 'latin1')
  }

  private grow(): void {
    const size = Math.max(4096, 2 * this.blockNumber.length)
    const grown = <A extends Float64Array | Int32Array>(next: A, a: A) => (next.set(a), next)
    this.blockNumber = grown(new Float64Array(size), this.blockNumber)
    this.logIndex = grown(new Float64Array(size), this.logIndex)
    this.previous = grown(new Int32Array(size), this.previous)
    const records = Buffer.alloc(size * CHECKPOINT_WIDTH)
    this.records.copy(records)
    this.records = records
  }

  /**
   * The staged records as rows sorted by (account, chain order), in chunks built as they
   * are iterated. The log is empty, ready for the next commit, as soon as this returns.
   * (Any order would be correct; key order makes SQLite's inserts local.)
   */
  take(): Iterable<CheckpointRows> {
    const n = this.count
    // Record indexes in key order, and the last record of each account's run: computed
    // now, while the accounts' `last` links are this commit's.
    const order = new Int32Array(n)
    const last = new Uint8Array(n)
    let k = 0
    for (const account of this.touched.sort(byKey)) {
      let at = k
      for (let r = account.last; r !== -1; r = this.previous[r]!) at++
      last[at - 1] = 1
      k = at
      for (let r = account.last; r !== -1; r = this.previous[r]!) order[--at] = r
    }
    const { blockNumber, logIndex, records } = this
    this.clear()
    return (function* chunks() {
      for (let start = 0; start < n; start += CHUNK_ROWS) {
        const count = Math.min(CHUNK_ROWS, n - start)
        const sorted = Buffer.allocUnsafe(count * CHECKPOINT_WIDTH)
        const rows: CheckpointRows = {
          count,
          blockNumber: new Float64Array(count),
          logIndex: new Float64Array(count),
          last: last.slice(start, start + count),
          text: '',
        }
        for (let j = 0; j < count; j++) {
          const r = order[start + j]!
          rows.blockNumber[j] = blockNumber[r]!
          rows.logIndex[j] = logIndex[r]!
          records.copy(sorted, j * CHECKPOINT_WIDTH, r * CHECKPOINT_WIDTH, (r + 1) * CHECKPOINT_WIDTH)
        }
        rows.text = sorted.toString('latin1')
        yield rows
      }
    })()
  }

  /** Forget the staged records. */
  clear(): void {
    for (const account of this.touched) account.last = -1
    this.count = 0
    this.touched = []
    this.blockNumber = new Float64Array(0)
    this.logIndex = new Float64Array(0)
    this.previous = new Int32Array(0)
    this.records = Buffer.alloc(0)
  }
}

function byKey(a: Account, b: Account): number {
  return a.key - b.key || (a.address < b.address ? -1 : 1) // addresses are distinct
}

export class TokenState {
  private readonly holders = new Map<string, Account>()
  private readonly loadBalance: (holder: string) => bigint | undefined
  private storeMayHaveBalances: boolean
  private stagedCount = 0
  private readonly balanceCheckpoints = new CheckpointLog()
  private readonly voteCheckpoints = new CheckpointLog()
  private delegates = new Map<string, Account>() // of this commit's DelegateVotesChanged
  private delegations = new Map<string, string>()

  constructor(p: TokenStateParameters) {
    this.loadBalance = p.loadBalance
    this.storeMayHaveBalances = p.storeMayHaveBalances
  }

  /** Events staged since the last `take`. */
  get stagedEvents(): number {
    return this.stagedCount
  }

  /** Holders whose balance is cached. */
  get cachedBalances(): number {
    return this.holders.size
  }

  /**
   * Stage packed events, which must come in chain order and after everything staged or
   * committed before. Throws SourceError when a transfer overdraws a balance.
   */
  apply(batch: TokenBatch): void {
    const { text } = batch
    let at = 0
    for (let i = 0; i < batch.count; i++) {
      const kind = batch.kind[i]!
      const a = text.slice(at + FIELD.first, at + FIELD.second)
      switch (kind) {
        case TRANSFER:
        case TRANSFER_721: {
          const to = text.slice(at + FIELD.second, at + FIELD.third)
          const value = kind === TRANSFER ? BigInt(`0x${text.slice(at + FIELD.third, at + FIELD.third + WORD)}`) : 1n
          if (a === to) this.transferToSelf(a, value, batch, i, at)
          else {
            if (a !== ZERO_ADDRESS) this.moveBalance(a, -value, batch, i, at)
            if (to !== ZERO_ADDRESS) this.moveBalance(to, value, batch, i, at)
          }
          break
        }
        case DELEGATE_CHANGED:
          this.delegations.set(ownCopy(a), ownCopy(text.slice(at + FIELD.third, at + FIELD.third + ADDRESS)))
          break
        case DELEGATE_VOTES_CHANGED: {
          let delegate = this.delegates.get(a)
          if (delegate === undefined) {
            delegate = new Account(a)
            this.delegates.set(delegate.address, delegate)
          }
          const votes = text.slice(at + FIELD.second + WORD, at + FIELD.second + 2 * WORD)
          this.voteCheckpoints.push(delegate, batch.blockNumber[i]!, batch.logIndex[i]!, votes)
          break
        }
        default:
          throw new TypeError(`token batch: unknown event kind ${kind}`)
      }
      at += TEXT_WIDTH[kind]!
    }
    this.stagedCount += batch.count
  }

  /** The cached holder, loaded from the store (or new, balance 0) on a miss. */
  private holder(address: string): Account {
    const cached = this.holders.get(address)
    if (cached !== undefined) return cached
    const holder = new Account(address)
    if (this.storeMayHaveBalances) holder.balance = this.loadBalance(address) ?? 0n
    this.holders.set(holder.address, holder)
    return holder
  }

  private moveBalance(address: string, delta: bigint, batch: TokenBatch, i: number, at: number): void {
    const holder = this.holder(address)
    const next = holder.balance + delta
    if (next < 0n) throw overdraw(address, batch, i, at)
    holder.balance = next
    this.balanceCheckpoints.push(holder, batch.blockNumber[i]!, batch.logIndex[i]!, next)
  }

  /** A transfer to oneself: the balance must cover it and stays as it was (one checkpoint, not two). */
  private transferToSelf(address: string, value: bigint, batch: TokenBatch, i: number, at: number): void {
    if (address === ZERO_ADDRESS) return
    const holder = this.holder(address)
    if (holder.balance < value) throw overdraw(address, batch, i, at)
    this.balanceCheckpoints.push(holder, batch.blockNumber[i]!, batch.logIndex[i]!, holder.balance)
  }

  /** The derived rows of everything staged, ready to write; the stage is empty afterwards. */
  take(): DerivedRows {
    const delegators = [...this.delegations.keys()].sort()
    const rows: DerivedRows = {
      balances: this.balanceCheckpoints.take(),
      votes: this.voteCheckpoints.take(),
      delegations: delegators.map((d) => d + this.delegations.get(d)!).join(''),
    }
    this.clearStage()
    return rows
  }

  private clearStage(): void {
    this.stagedCount = 0
    this.balanceCheckpoints.clear()
    this.voteCheckpoints.clear()
    this.delegates = new Map()
    this.delegations = new Map()
  }

  /**
   * Drop the balance cache when it is larger than `limit` holders (memory stays bounded on
   * tokens with millions of holders). Only once everything taken is committed: a holder
   * missing from the cache is then read from the store.
   */
  evictBalances(limit: number): void {
    if (this.holders.size <= limit) return
    this.holders.clear()
    this.storeMayHaveBalances = true
  }

  /** Forget staged work and the cache, which may hold values that were never committed. */
  discard(): void {
    this.clearStage()
    this.holders.clear()
    this.storeMayHaveBalances = true
  }
}

function overdraw(holder: string, batch: TokenBatch, i: number, at: number): SourceError {
  return new SourceError(
    `Transfer in tx ${batch.text.slice(at, at + HASH)} (block ${batch.blockNumber[i]}) moves more than ${holder} holds by the indexed events: events before the DAO's start block are missing; index from the token's deployment block.`,
  )
}

/**
 * A copy of `s` that does not keep the string it was sliced from alive (V8 slices share
 * their parent): cached accounts and staged delegations outlive the batch text they come
 * from. The concatenation is flattened into a fresh string before it is sliced again.
 */
function ownCopy(s: string): string {
  return ` ${s}`.slice(1)
}
