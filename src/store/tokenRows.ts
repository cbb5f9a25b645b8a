/**
 * The packed rows that travel to TokenWriter (tokenLedger.ts), possibly across a thread:
 * decoded token events (`TokenBatch`, the raw rows) and the rows derived from them
 * (`CheckpointRows`, `DerivedRows`, built by src/sync/tokenState.ts).
 *
 * Why not arrays of objects: a million events as objects cost ~1 KB each in heap and GC
 * time, and cloning objects to a worker costs more than decoding them. Here the numbers
 * are typed arrays (transferred to a worker without a copy) and every string field is one
 * slice of a single `text` string (copied once, as one block).
 *
 * Layout of `TokenBatch.text`: per event, in order, the fixed-width fields of its kind:
 *   all kinds              transactionHash (66)
 *   TRANSFER               from (42), to (42), value (64)
 *   TRANSFER_721           from (42), to (42), tokenId (64)      value is ONE_WORD
 *   DELEGATE_CHANGED       delegator (42), fromDelegate (42), toDelegate (42)
 *   DELEGATE_VOTES_CHANGED delegate (42), previousVotes (64), newVotes (64)
 * The widths are what decodeTokenLog checks, so a field never spills into the next one.
 */
import { SourceError } from '../errors.js'
import type { TokenEvent } from '../sources/token/decode.js'

export const TRANSFER = 0
export const TRANSFER_721 = 1
export const DELEGATE_CHANGED = 2
export const DELEGATE_VOTES_CHANGED = 3

/** Characters of a packed transaction hash, address and 32-byte word. */
export const HASH = 66
export const ADDRESS = 42
export const WORD = 64
/** Characters of `text` per event, by kind. */
export const TEXT_WIDTH: readonly number[] = [
  HASH + 2 * ADDRESS + WORD,
  HASH + 2 * ADDRESS + WORD,
  HASH + 3 * ADDRESS,
  HASH + ADDRESS + 2 * WORD,
]
const MAX_TEXT_WIDTH = Math.max(...TEXT_WIDTH)
/** Offsets of the fields after the transaction hash, relative to the event's start. */
export const FIELD = { first: HASH, second: HASH + ADDRESS, third: HASH + 2 * ADDRESS } as const

/** Characters of `CheckpointRows.text` per row: the account, then the amount word. */
export const CHECKPOINT_WIDTH = ADDRESS + WORD
/** Characters of `DerivedRows.delegations` per row: the delegator, then its delegate. */
export const DELEGATION_WIDTH = 2 * ADDRESS

/**
 * A chunk of a commit's checkpoint rows, sorted by (account, chain order). Row k is
 * `blockNumber[k]`, `logIndex[k]` and characters [k * CHECKPOINT_WIDTH, (k + 1) *
 * CHECKPOINT_WIDTH) of `text`: the account (42), then the amount (64 hex digits).
 * `last[k]` is 1 on an account's last row of the commit: its amount is the account's
 * current value (an account's rows may continue into the next chunk).
 */
export type CheckpointRows = {
  count: number
  blockNumber: Float64Array
  logIndex: Float64Array
  last: Uint8Array
  text: string
}

/** The derived rows of one commit (the raw rows are the events themselves). */
export type DerivedRows = {
  /** After each Transfer, the balance of each non-zero side (chunks, built as iterated). */
  balances: Iterable<CheckpointRows>
  /** After each DelegateVotesChanged, the delegate's votes (chunks, built as iterated). */
  votes: Iterable<CheckpointRows>
  /** Last delegate of each delegator that changed it, sorted by delegator (zero address = none). */
  delegations: string
}

export type TokenBatch = {
  count: number
  kind: Uint8Array
  blockNumber: Float64Array
  logIndex: Float64Array
  transactionIndex: Float64Array
  text: string
}

/** The ArrayBuffers of a batch, to transfer (not copy) it to a worker. */
export function batchBuffers(b: TokenBatch): ArrayBuffer[] {
  return [b.kind.buffer, b.blockNumber.buffer, b.logIndex.buffer, b.transactionIndex.buffer] as ArrayBuffer[]
}

/**
 * Collects events in chain order and packs them: `add` takes a decoded event; the indexer's
 * byte reader (src/sync/tokenLogs.ts) instead starts an `event` and appends its fields'
 * characters straight from the answer's bytes (`copy`).
 */
export class TokenBatchBuilder {
  private kind: number[] = []
  private blockNumber: number[] = []
  private logIndex: number[] = []
  private transactionIndex: number[] = []
  private text = Buffer.allocUnsafe(64 * 1024)
  private length = 0

  get count(): number {
    return this.kind.length
  }

  /** Start an event of `kind`; its fields follow, in TEXT_WIDTH's layout, through `chars` / `copy`. */
  event(kind: number, blockNumber: number, logIndex: number, transactionIndex: number): void {
    this.kind.push(kind)
    this.blockNumber.push(blockNumber)
    this.logIndex.push(logIndex)
    this.transactionIndex.push(transactionIndex)
    if (this.length + MAX_TEXT_WIDTH > this.text.length) {
      const grown = Buffer.allocUnsafe(2 * this.text.length)
      this.text.copy(grown, 0, 0, this.length)
      this.text = grown
    }
  }

  /** Append a field given as a string of ASCII characters (anything else is refused, not truncated). */
  chars(s: string): void {
    const written = this.text.write(s, this.length, 'utf8')
    if (written !== s.length) throw new SourceError(`The RPC returned a token event field that is not ASCII: ${JSON.stringify(s.slice(0, 80))}.`)
    this.length += written
  }

  /** Append the bytes [start, end) of `source` (ASCII characters). */
  copy(source: Uint8Array, start: number, end: number): void {
    this.text.set(source.subarray(start, end), this.length)
    this.length += end - start
  }

  add(ev: TokenEvent): void {
    switch (ev.kind) {
      case 'Transfer':
        this.event(ev.tokenId === null ? TRANSFER : TRANSFER_721, ev.blockNumber, ev.logIndex, ev.transactionIndex)
        this.chars(ev.transactionHash)
        this.chars(ev.from)
        this.chars(ev.to)
        this.chars(ev.tokenId ?? ev.value)
        break
      case 'DelegateChanged':
        this.event(DELEGATE_CHANGED, ev.blockNumber, ev.logIndex, ev.transactionIndex)
        this.chars(ev.transactionHash)
        this.chars(ev.delegator)
        this.chars(ev.fromDelegate)
        this.chars(ev.toDelegate)
        break
      case 'DelegateVotesChanged':
        this.event(DELEGATE_VOTES_CHANGED, ev.blockNumber, ev.logIndex, ev.transactionIndex)
        this.chars(ev.transactionHash)
        this.chars(ev.delegate)
        this.chars(ev.previousVotes)
        this.chars(ev.newVotes)
        break
    }
  }

  /** The packed events; the builder is empty afterwards. */
  build(): TokenBatch {
    const batch: TokenBatch = {
      count: this.kind.length,
      // The array-like constructors copy plain arrays of numbers in one pass (`from` iterates).
      kind: new Uint8Array(this.kind),
      blockNumber: new Float64Array(this.blockNumber),
      logIndex: new Float64Array(this.logIndex),
      transactionIndex: new Float64Array(this.transactionIndex),
      text: this.text.toString('latin1', 0, this.length),
    }
    let width = 0
    for (const k of this.kind) width += TEXT_WIDTH[k]!
    if (this.length !== width) throw new Error(`token batch: ${this.length} characters of fields, expected ${width}`)
    this.kind = []
    this.blockNumber = []
    this.logIndex = []
    this.transactionIndex = []
    this.length = 0
    return batch
  }
}

/** Pack TokenEvent objects (chain order). */
export function packTokenEvents(events: readonly TokenEvent[]): TokenBatch {
  const builder = new TokenBatchBuilder()
  for (const ev of events) builder.add(ev)
  return builder.build()
}
