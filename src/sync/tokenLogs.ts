/**
 * The indexer's conversion of an eth_getLogs answer: each log validated exactly as
 * `convertLogs` does (LogReader), decoded (decodeTokenLog, decodeGovernorLog) and, for the
 * token, packed (TokenBatch) in one pass, as soon as the answer arrives. Nothing per token
 * log outlives the answer: the parsed JSON dies young instead of waiting in the read-ahead
 * queue as RawLog objects, which was most of the indexer's garbage-collection time.
 *
 * One answer may hold the token's logs and its governors' (the joint pass of DESIGN.md §4:
 * one eth_getLogs over every contract of the DAO); each log is decoded by its address.
 *
 * Two ways in, one result: `fromBytes` reads the answer's bytes (logBytes.ts) and copies
 * each token event's hex straight into the batch; the converter itself takes the parsed
 * JSON of an answer the byte reader declined. test/sync/tokenLogBytes.test.ts holds them
 * equal.
 */
import { SourceError } from '../errors.js'
import { answerItems, convertLogs, LogReader, type LogConverter, type LogFilter } from '../sources/evm/getLogs.js'
import { NotSimple, type JsonBytes } from '../sources/evm/jsonBytes.js'
import { readLogBytes, type LogSpans } from '../sources/evm/logBytes.js'
import type { RawLog } from '../sources/evm/types.js'
import { decodeTokenLog, TOPIC } from '../sources/token/decode.js'
import { decodeGovernorLog, type GovernorEvent } from '../sources/governor/decode.js'
import type { GovernorKind } from '../sources/governor/topics.js'
import {
  DELEGATE_CHANGED,
  DELEGATE_VOTES_CHANGED,
  HASH,
  TokenBatchBuilder,
  TRANSFER,
  TRANSFER_721,
  WORD,
  type TokenBatch,
} from '../store/tokenRows.js'

/**
 * The decoded logs of one answer: the token's packed, the governors' as events (chain order
 * each), and the hash the logs gave for each block at or after `hashesFrom` (the part of the
 * range a reorg may still replace), in block order.
 */
export type DaoLogs = { token: TokenBatch; governor: GovernorEvent[]; blockHashes: BlockHash[] }
export type BlockHash = { number: number; hash: string }

const NO_GOVERNORS: ReadonlyMap<string, GovernorKind> = new Map()

/** Converter for `fetchLogsWith`: the token events of `token` in an answer, packed. */
export function tokenLogConverter(token: string): LogConverter<TokenBatch> {
  const convert = daoLogConverter(token, NO_GOVERNORS)
  const tokenOnly = (x: { logs: DaoLogs; count: number }) => ({ logs: x.logs.token, count: x.count })
  return Object.assign((result: unknown, from: number, to: number, filter: LogFilter) => tokenOnly(convert(result, from, to, filter)), {
    fromBytes: (json: JsonBytes, from: number, to: number, filter: LogFilter) => tokenOnly(convert.fromBytes(json, from, to, filter)),
  })
}

/** Converter for `fetchLogsWith` over a DAO's token and governors (`governors`: lowercase address -> kind). */
export function daoLogConverter(
  token: string,
  governors: ReadonlyMap<string, GovernorKind>,
  hashesFrom = Infinity,
): LogConverter<DaoLogs> & { fromBytes: NonNullable<LogConverter<DaoLogs>['fromBytes']> } {
  const convert = (result: unknown, from: number, to: number, filter: LogFilter) => {
    const items = answerItems(result)
    const reader = new LogReader(from, to, filter)
    const out = new DaoLogsBuilder(token, governors, hashesFrom)
    for (let i = 0; i < items.length; i++) {
      const log = reader.read(items[i], i)
      // A node that answers out of order: convertLogs sorts and checks; decode from that.
      if (!reader.inOrder) {
        const sorted = new DaoLogsBuilder(token, governors, hashesFrom)
        for (const l of convertLogs(result, from, to, filter)) sorted.add(l)
        return { logs: sorted.build(), count: items.length }
      }
      out.add(log)
    }
    return { logs: out.build(), count: items.length }
  }
  const fromBytes = (json: JsonBytes, from: number, to: number, filter: LogFilter) => {
    // Token events are told apart by which allowed topic0 they carry: with topic0 unconstrained, read the ordinary way.
    const topic0 = filter.topics[0]
    if (!topic0) throw new NotSimple()
    const out = new DaoLogsBuilder(token, governors, hashesFrom)
    const tokenAt = filter.addresses.indexOf(token)
    const kinds = tokenKinds(topic0)
    let count: number
    try {
      count = readLogBytes(json, from, to, filter, (log) => out.addSpans(log, filter, tokenAt, kinds))
    } catch (e) {
      // A log a decoder refuses: declined, so that the ordinary path refuses it with its error
      // and its handling (here the error would reach the RPC client's retry loop instead).
      if (e instanceof SourceError) throw new NotSimple()
      throw e
    }
    return { logs: out.build(), count }
  }
  return Object.assign(convert, { fromBytes })
}

/** Per topic0 the filter allows, the token event kind it is (-1: not a token event). */
function tokenKinds(topic0: readonly string[]): Int8Array {
  return Int8Array.from(topic0, (t) => (t === TOPIC.Transfer ? TRANSFER : t === TOPIC.DelegateChanged ? DELEGATE_CHANGED : t === TOPIC.DelegateVotesChanged ? DELEGATE_VOTES_CHANGED : -1))
}

/** 0x and 24 zero digits: a topic holding an address. */
const ADDRESS_TOPIC_PREFIX = 26
const HEX_PREFIX = Buffer.from('0x', 'latin1')

class DaoLogsBuilder {
  private readonly batch = new TokenBatchBuilder()
  private readonly governor: GovernorEvent[] = []
  private readonly blockHashes: BlockHash[] = []

  constructor(
    private readonly token: string,
    private readonly governors: ReadonlyMap<string, GovernorKind>,
    private readonly hashesFrom: number,
  ) {}

  /** Decode one validated log (which may be LogReader's reused object: nothing of it is kept). */
  add(log: RawLog): void {
    // LogReader has checked that logs of one block agree on its hash: one entry per block.
    if (log.blockNumber >= this.hashesFrom && this.blockHashes.at(-1)?.number !== log.blockNumber)
      this.blockHashes.push({ number: log.blockNumber, hash: log.blockHash })
    if (log.address === this.token) {
      const ev = decodeTokenLog(log)
      if (ev) this.batch.add(ev)
      return
    }
    const kind = this.governors.get(log.address)
    if (kind === undefined) return
    const ev = decodeGovernorLog(log, kind)
    if (ev) this.governor.push(ev)
  }

  /**
   * A log read from the answer's bytes (logBytes.ts): a token event is decoded as
   * decodeTokenLog does and copied into the batch from those bytes; a token log with a
   * broken layout throws NotSimple (the ordinary path then reports it); any other log goes
   * through `add` as strings. `tokenAt` is the token's index in the filter's addresses.
   */
  addSpans(log: LogSpans, filter: LogFilter, tokenAt: number, kinds: Int8Array): void {
    if (log.address !== tokenAt || log.blockNumber >= this.hashesFrom) return this.add(log.toRawLog(filter))
    const kind = log.topicIndex[0]! < 0 ? -1 : kinds[log.topicIndex[0]!]!
    if (kind < 0) return
    const { bytes, topicAt, dataAt, dataLength } = log
    const n = log.topicCount
    const batch = this.batch
    if (kind === TRANSFER && n === 3 && dataLength === 2 + WORD) {
      this.tokenEvent(log, TRANSFER, 2)
      batch.copy(bytes, dataAt + 2, dataAt + 2 + WORD)
    } else if (kind === TRANSFER && n === 4 && dataLength === 2) {
      this.tokenEvent(log, TRANSFER_721, 2)
      batch.copy(bytes, topicAt[3]! + 2, topicAt[3]! + 2 + WORD)
    } else if (kind === DELEGATE_CHANGED && n === 4) {
      this.tokenEvent(log, DELEGATE_CHANGED, 3)
    } else if (kind === DELEGATE_VOTES_CHANGED && n === 2 && dataLength === 2 + 2 * WORD) {
      this.tokenEvent(log, DELEGATE_VOTES_CHANGED, 1)
      batch.copy(bytes, dataAt + 2, dataAt + 2 + 2 * WORD)
    } else throw new NotSimple()
  }

  /** Start a token event: its transaction hash, then the addresses in topics 1..`addresses`. */
  private tokenEvent(log: LogSpans, kind: number, addresses: number): void {
    const { bytes, topicAt } = log
    for (let j = 1; j <= addresses; j++) {
      const at = topicAt[j]!
      for (let i = at + 2; i < at + ADDRESS_TOPIC_PREFIX; i++) if (bytes[i] !== 0x30) throw new NotSimple()
    }
    const batch = this.batch
    batch.event(kind, log.blockNumber, log.logIndex, log.transactionIndex)
    batch.copy(bytes, log.transactionHashAt, log.transactionHashAt + HASH)
    for (let j = 1; j <= addresses; j++) {
      batch.copy(HEX_PREFIX, 0, 2)
      batch.copy(bytes, topicAt[j]! + ADDRESS_TOPIC_PREFIX, topicAt[j]! + HASH)
    }
  }

  build(): DaoLogs {
    return { token: this.batch.build(), governor: this.governor, blockHashes: this.blockHashes }
  }
}
