/**
 * The indexer's conversion of an eth_getLogs answer: each log validated exactly as
 * `convertLogs` does (LogReader), decoded (decodeTokenLog, decodeGovernorLog) and, for the
 * token, packed (TokenBatch) in one pass, as soon as the answer arrives. Nothing per token
 * log outlives the answer: the parsed JSON dies young instead of waiting in the read-ahead
 * queue as RawLog objects, which was most of the indexer's garbage-collection time.
 *
 * One answer may hold the token's logs and its governors' (the joint pass of DESIGN.md §4:
 * one eth_getLogs over every contract of the DAO); each log is decoded by its address.
 */
import { answerItems, convertLogs, LogReader, type LogConverter } from '../sources/evm/getLogs.js'
import type { RawLog } from '../sources/evm/types.js'
import { decodeTokenLog } from '../sources/token/decode.js'
import { decodeGovernorLog, type GovernorEvent } from '../sources/governor/decode.js'
import type { GovernorKind } from '../sources/governor/topics.js'
import { TokenBatchBuilder, type TokenBatch } from '../store/tokenRows.js'

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
  return (result, from, to, filter) => {
    const { logs, count } = convert(result, from, to, filter)
    return { logs: logs.token, count }
  }
}

/** Converter for `fetchLogsWith` over a DAO's token and governors (`governors`: lowercase address -> kind). */
export function daoLogConverter(token: string, governors: ReadonlyMap<string, GovernorKind>, hashesFrom = Infinity): LogConverter<DaoLogs> {
  return (result, from, to, filter) => {
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
}

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

  build(): DaoLogs {
    return { token: this.batch.build(), governor: this.governor, blockHashes: this.blockHashes }
  }
}
