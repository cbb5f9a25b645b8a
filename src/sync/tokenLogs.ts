/**
 * The indexer's conversion of an eth_getLogs answer: each log validated exactly as
 * `convertLogs` does (LogReader), decoded (decodeTokenLog) and packed (TokenBatch) in one
 * pass, as soon as the answer arrives. Nothing per log outlives the answer: the parsed
 * JSON dies young instead of waiting in the read-ahead queue as RawLog objects, which
 * was most of the indexer's garbage-collection time.
 */
import { answerItems, convertLogs, LogReader, type LogConverter } from '../sources/evm/getLogs.js'
import type { RawLog } from '../sources/evm/types.js'
import { decodeTokenLog } from '../sources/token/decode.js'
import { TokenBatchBuilder, type TokenBatch } from './tokenBatch.js'

/** Converter for `fetchLogsWith`: the token events of `token` in an answer, packed. */
export function tokenLogConverter(token: string): LogConverter<TokenBatch> {
  return (result, from, to, filter) => {
    const items = answerItems(result)
    const reader = new LogReader(from, to, filter)
    const builder = new TokenBatchBuilder()
    for (let i = 0; i < items.length; i++) {
      const log = reader.read(items[i], i)
      // A node that answers out of order: convertLogs sorts and checks; pack from that.
      if (!reader.inOrder) return { logs: pack(convertLogs(result, from, to, filter), token), count: items.length }
      add(builder, log, token)
    }
    return { logs: builder.build(), count: items.length }
  }
}

function pack(logs: RawLog[], token: string): TokenBatch {
  const builder = new TokenBatchBuilder()
  for (const log of logs) add(builder, log, token)
  return builder.build()
}

function add(builder: TokenBatchBuilder, log: RawLog, token: string): void {
  if (log.address !== token) return
  const ev = decodeTokenLog(log)
  if (ev) builder.add(ev)
}
