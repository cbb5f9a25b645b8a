/**
 * Adaptive, concurrent eth_getLogs over a block range, yielding chunks in block order.
 *
 * - Ranges start at `initialRange` blocks and adapt: a provider's range error shrinks
 *   them (to its suggestion when it gives one, else by half) and the failed range is
 *   split and fetched again; after `growAfter` consecutive successes the range doubles,
 *   up to `maxRange` and any limit the provider stated.
 * - Up to `concurrency` ranges are in flight; chunks are yielded strictly in ascending
 *   block order and cover [fromBlock, toBlock] exactly, so a consumer can commit each one
 *   with its cursor. Read-ahead is bounded to `concurrency` ranges.
 * - Every log is validated (shape, requested address and topics, block inside the
 *   range, not removed, safe integers, no duplicates). An answer that fails is requested
 *   again a few times, then the fetch fails with a SourceError that says what was wrong.
 *
 * The per-log conversion is kept cheap (length and hex checks, `toLowerCase`, membership
 * tests, hand-parsed quantities; no ethers). `fetchLogsWith` runs the same machinery with
 * another conversion of each answer, as soon as it arrives, so only the converted form
 * waits in the read-ahead queue; a converter may also read the answer straight from its
 * bytes (`fromBytes`, logBytes.ts), which is the indexer's hot path (src/sync/tokenLogs.ts).
 */
import pLimit from 'p-limit'
import { GovauditError, SourceError, UsageError } from '../../errors.js'
import { parseRangeHint, type RangeHint } from './rangeHints.js'
import { redact } from './redact.js'
import { backoffDelay } from './retryPolicy.js'
import { RpcResponseError } from './rpc.js'
import { readRpcResult, type JsonBytes } from './jsonBytes.js'
import type { BytesAnswer, LogChunk, RawLog, RpcClient } from './types.js'

export type LogTopicFilter = (string | string[] | null)[]

export type FetchLogsProgress = {
  /** The chunk just yielded. */
  fromBlock: number
  toBlock: number
  /** Logs yielded so far, this chunk included. */
  logs: number
  /** Blocks covered so far / in total. */
  blocksDone: number
  blocksTotal: number
  /** The current range estimate, in blocks. */
  range: number
}

export type FetchLogsParameters = {
  rpc: RpcClient
  /** Contracts whose logs to fetch (one eth_getLogs for all). Must not be empty. */
  addresses: string[]
  /** eth_getLogs topic filter: per position null (any), a topic, or a list of topics. */
  topics: LogTopicFilter
  fromBlock: number
  toBlock: number
  /** Ranges in flight at once. Default 4. */
  concurrency?: number
  /** First range size, in blocks. Default 2000. */
  initialRange?: number
  /** Largest range ever requested, in blocks. Default 100000. */
  maxRange?: number
  /** Consecutive successes before the range doubles. Default 3. */
  growAfter?: number
  /**
   * Logs per answer to aim for: after a larger answer the range shrinks in proportion, and
   * it only grows while answers stay under half of this. Bounds the memory and GC cost of
   * parsing one answer (a 10k-log answer is ~15 MB of parsed objects). Default: none.
   */
  targetLogs?: number
  /** Re-requests of a range whose answer fails validation. Default 3. */
  malformedRetries?: number
  /** First backoff step before re-requesting a malformed answer, ms. Default 100. */
  malformedDelayMs?: number
  onProgress?: (progress: FetchLogsProgress) => void
}

/** Adaptive range as plain state (Ponder's `logsRequestMetadata`). */
export type LogRangeState = {
  /** Blocks per request for the next ranges. */
  range: number
  /** A hard limit the provider stated (`maxRange` hints), in blocks. */
  confirmedMax: number | undefined
  /** Consecutive successful requests since the last change. */
  successes: number
}

/**
 * After a range error on [fromBlock, toBlock], shrink the state and return the size of
 * the pieces to split the failed range into (always smaller than the failed range).
 */
export function shrinkRange(state: LogRangeState, fromBlock: number, toBlock: number, hint: RangeHint): number {
  const failed = toBlock - fromBlock + 1
  let size = Math.ceil(failed / 2)
  const s = hint.suggested
  if (s && 'maxRange' in s) {
    // A hard block limit: never ask for more again. If the failed range was already within
    // the stated number, the provider counts differently; stay strictly below what failed.
    const limit = s.maxRange < failed ? s.maxRange : failed - 1
    state.confirmedMax = Math.min(state.confirmedMax ?? Infinity, limit)
    size = limit
  } else if (s) {
    const suggested = s.toBlock - s.fromBlock + 1
    if (suggested >= 1 && suggested < failed) size = suggested
  }
  size = Math.max(1, Math.min(size, failed - 1))
  state.range = Math.max(1, Math.min(state.range, size))
  state.successes = 0
  return size
}

/**
 * After a successful request that returned `logs` logs: above `targetLogs`, shrink the
 * range in proportion (ranges fetched after it use the new size); under half of it (or
 * with no target), count a success towards growing.
 */
export function adaptRange(state: LogRangeState, logs: number, targetLogs: number | undefined, maxRange: number, growAfter: number): void {
  if (targetLogs !== undefined && logs > targetLogs) {
    state.range = Math.max(1, Math.floor((state.range * targetLogs) / logs))
    state.successes = 0
  } else if (targetLogs === undefined || 2 * logs <= targetLogs) growRange(state, maxRange, growAfter)
}

/** After a successful request, count it and double the range every `growAfter` successes. */
export function growRange(state: LogRangeState, maxRange: number, growAfter: number): void {
  state.successes++
  if (state.successes < growAfter) return
  state.successes = 0
  state.range = Math.max(1, Math.min(state.range * 2, maxRange, state.confirmedMax ?? Infinity))
}

/** Fetch the logs of [fromBlock, toBlock] as contiguous chunks in ascending block order. */
export async function* fetchLogs(params: FetchLogsParameters): AsyncGenerator<LogChunk, void, undefined> {
  const convert: LogConverter<RawLog[]> = (result, from, to, filter) => {
    const logs = convertLogs(result, from, to, filter)
    return { logs, count: logs.length }
  }
  for await (const { fromBlock, toBlock, logs } of fetchLogsWith(params, convert)) yield { fromBlock, toBlock, logs }
}

/**
 * Turns one eth_getLogs answer for [from, to] into T, validating it as `convertLogs` does
 * (throw InvalidLogs for an answer to request again). `count` is its number of logs.
 */
export type LogConverter<T> = {
  (result: unknown, from: number, to: number, filter: LogFilter): { logs: T; count: number }
  /**
   * The same conversion from the answer's bytes, with the cursor on the result (logBytes.ts):
   * throws NotSimple to have the answer parsed and converted the ordinary way instead.
   */
  fromBytes?: (json: JsonBytes, from: number, to: number, filter: LogFilter) => { logs: T; count: number }
}

/** A settled block range and its converted logs. */
export type ConvertedChunk<T> = { fromBlock: number; toBlock: number; logs: T; count: number }

/** `fetchLogs`, with each answer converted by `convert` as soon as it arrives. */
export async function* fetchLogsWith<T>(params: FetchLogsParameters, convert: LogConverter<T>): AsyncGenerator<ConvertedChunk<T>, void, undefined> {
  const {
    rpc,
    fromBlock,
    toBlock,
    concurrency = 4,
    initialRange = 2_000,
    maxRange = 100_000,
    growAfter = 3,
    targetLogs,
    malformedRetries = 3,
    malformedDelayMs = 100,
    onProgress,
  } = params
  checkBlock('fromBlock', fromBlock)
  checkBlock('toBlock', toBlock)
  checkPositive('concurrency', concurrency)
  checkPositive('initialRange', initialRange)
  checkPositive('maxRange', maxRange)
  checkPositive('growAfter', growAfter)
  if (targetLogs !== undefined) checkPositive('targetLogs', targetLogs)
  if (!Number.isSafeInteger(malformedRetries) || malformedRetries < 0)
    throw new UsageError(`malformedRetries must be a non-negative integer; got ${malformedRetries}`)
  if (toBlock < fromBlock) return
  const filter = makeLogFilter(params.addresses, params.topics)

  const state: LogRangeState = { range: Math.min(initialRange, maxRange), confirmedMax: undefined, successes: 0 }
  const limit = pLimit(concurrency)
  let stopped = false

  /** One eth_getLogs, read from its bytes when the converter and the client can (logBytes.ts). */
  function requestLogs(from: number, to: number): Promise<BytesAnswer<{ logs: T; count: number }>> {
    const params = [filter.request(from, to)]
    const { fromBytes } = convert
    if (fromBytes && rpc.requestBytes)
      return rpc.requestBytes('eth_getLogs', params, (body, id) => readRpcResult(body, id, (json) => fromBytes(json, from, to, filter)))
    return rpc.request('eth_getLogs', params).then((result) => ({ result }))
  }

  /** Fetch one range; split it on range errors. Resolves to its chunks in order. */
  async function fetchRange(from: number, to: number): Promise<ConvertedChunk<T>[]> {
    for (let attempt = 0; ; attempt++) {
      if (stopped) throw new Stopped()
      let answer: BytesAnswer<{ logs: T; count: number }>
      try {
        answer = await limit(() => (stopped ? Promise.reject(new Stopped()) : requestLogs(from, to)))
      } catch (e) {
        if (e instanceof RpcResponseError) {
          const hint = parseRangeHint({ fromBlock: from, toBlock: to, error: e.error })
          if (hint.isRangeError) {
            if (from === to)
              throw new SourceError(
                redact(`RPC ${rpc.label} refuses eth_getLogs even for the single block ${from}: ${e.error.message}`),
                { cause: e },
              )
            const size = shrinkRange(state, from, to, hint)
            const parts: Promise<ConvertedChunk<T>[]>[] = []
            for (let a = from; a <= to; a += size) parts.push(fetchRange(a, Math.min(to, a + size - 1)))
            return (await Promise.all(parts)).flat()
          }
        }
        if (e instanceof SourceError)
          throw new SourceError(`${e.shortMessage} (logs of blocks ${from}-${to})`, { cause: e, ...(e.details ? { details: e.details } : {}) })
        throw e
      }
      let converted: { logs: T; count: number }
      try {
        converted = answer.read ?? convert(answer.result, from, to, filter)
      } catch (e) {
        if (!(e instanceof InvalidLogs)) throw e
        if (attempt >= malformedRetries)
          throw new SourceError(
            redact(
              `RPC ${rpc.label} answered eth_getLogs for blocks ${from}-${to} with invalid logs ${attempt + 1} times: ${e.message}`,
            ),
          )
        await sleep(backoffDelay({ attempt, baseDelayMs: malformedDelayMs, maxDelayMs: 5_000, random: Math.random }))
        continue
      }
      adaptRange(state, converted.count, targetLogs, maxRange, growAfter)
      return [{ fromBlock: from, toBlock: to, logs: converted.logs, count: converted.count }]
    }
  }

  // Ranges in flight, in block order. Each promise is awaited when it reaches the head;
  // the no-op catch only keeps a later range's early failure from being reported as
  // unhandled before then.
  const queue: Promise<ConvertedChunk<T>[]>[] = []
  let next = fromBlock
  const schedule = () => {
    while (queue.length < concurrency && next <= toBlock) {
      const from = next
      const to = Math.min(toBlock, from + state.range - 1)
      next = to + 1
      const task = fetchRange(from, to)
      task.catch(() => undefined)
      queue.push(task)
    }
  }

  const blocksTotal = toBlock - fromBlock + 1
  let logCount = 0
  try {
    schedule()
    while (queue.length > 0) {
      const chunks = await queue.shift()!
      schedule() // keep fetching while the consumer works on these
      for (const chunk of chunks) {
        logCount += chunk.count
        onProgress?.({
          fromBlock: chunk.fromBlock,
          toBlock: chunk.toBlock,
          logs: logCount,
          blocksDone: chunk.toBlock - fromBlock + 1,
          blocksTotal,
          range: state.range,
        })
        yield chunk
      }
    }
  } finally {
    stopped = true
  }
}

/** Internal: the generator was closed; pending ranges stop issuing requests. */
class Stopped extends GovauditError {
  override name = 'Stopped'
  constructor() {
    super('log fetch stopped')
  }
}

/** Internal: an answer that failed validation (retried, then reported). */
export class InvalidLogs extends Error {
  override name = 'InvalidLogs'
}

/** Whether a string is one of a few allowed values (lowercase). */
export type Membership = (s: string) => boolean

/** A validated eth_getLogs filter: the wire form and the membership tests answers are checked against. */
export type LogFilter = {
  request(from: number, to: number): Record<string, unknown>
  /** The contracts, lowercase. */
  addresses: string[]
  /** Per topic position the allowed topics (lowercase), null for any. */
  topics: (string[] | null)[]
  isAddress: Membership
  /** Per topic position, the allowed topics; null for any. */
  topicTests: (Membership | null)[]
}

/**
 * Membership by `===` over a short list: strings fresh from JSON.parse have no cached
 * hash, and hashing one for a Set lookup costs ~100 ns; comparing against a handful of
 * candidates costs a few. Long lists use a Set.
 */
function membership(values: string[]): Membership {
  const list = [...new Set(values)]
  if (list.length > 12) {
    const set = new Set(list)
    return (s) => set.has(s)
  }
  return (s) => {
    for (let i = 0; i < list.length; i++) if (list[i] === s) return true
    return false
  }
}

/** Check and lowercase addresses and topics; throws UsageError on a malformed one. */
export function makeLogFilter(addresses: string[], topics: LogTopicFilter): LogFilter {
  if (!Array.isArray(addresses) || addresses.length === 0)
    throw new UsageError('fetchLogs needs at least one contract address; an unfiltered eth_getLogs returns every log on the chain')
  const addrs = addresses.map((a) => {
    const l = a.toLowerCase()
    if (!/^0x[0-9a-f]{40}$/.test(l)) throw new UsageError(`Not a contract address: ${a}`)
    return l
  })
  if (topics.length > 4) throw new UsageError(`A log has at most 4 topics; the filter has ${topics.length}`)
  const checkTopic = (t: string) => {
    const l = t.toLowerCase()
    if (!/^0x[0-9a-f]{64}$/.test(l)) throw new UsageError(`Not a 32-byte topic: ${t}`)
    return l
  }
  const wireTopics = topics.map((t) => (t === null ? null : Array.isArray(t) ? t.map(checkTopic) : checkTopic(t)))
  const topicTests = wireTopics.map((t) => (t === null ? null : membership(Array.isArray(t) ? t : [t])))
  const address = addrs.length === 1 ? addrs[0] : addrs
  return {
    addresses: addrs,
    topics: wireTopics.map((t) => (t === null ? null : Array.isArray(t) ? t : [t])),
    isAddress: membership(addrs),
    topicTests,
    request: (from, to) => ({ address, topics: wireTopics, fromBlock: toHex(from), toBlock: toHex(to) }),
  }
}

function toHex(n: number): string {
  return `0x${n.toString(16)}`
}

/**
 * Validate and convert one eth_getLogs answer. Throws InvalidLogs naming the first problem.
 * Exported for benchmarks and tests.
 */
export function convertLogs(result: unknown, from: number, to: number, filter: LogFilter): RawLog[] {
  const items = answerItems(result)
  const n = items.length
  const out = new Array<RawLog>(n)
  const reader = new LogReader(from, to, filter)
  for (let i = 0; i < n; i++) out[i] = { ...reader.read(items[i], i) }
  if (!reader.inOrder) {
    out.sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex)
    for (let i = 1; i < n; i++) {
      const a = out[i - 1]!
      const b = out[i]!
      if (a.blockNumber === b.blockNumber && a.logIndex === b.logIndex)
        throw new InvalidLogs(`log (block ${b.blockNumber}, index ${b.logIndex}) appears twice`)
    }
    for (let i = 1; i < n; i++) {
      const a = out[i - 1]!
      const b = out[i]!
      if (a.blockNumber === b.blockNumber && a.blockHash !== b.blockHash) throw reorgDuringQuery(b.blockNumber)
    }
  }
  return out
}

/** The logs array of an answer, or InvalidLogs. */
export function answerItems(result: unknown): unknown[] {
  if (!Array.isArray(result)) throw new InvalidLogs(`the answer is ${result === null ? 'null' : typeof result}, not an array of logs`)
  return result
}

function reorgDuringQuery(blockNumber: number): InvalidLogs {
  return new InvalidLogs(`block ${blockNumber} has logs with two different block hashes (a reorg during the query)`)
}

/**
 * Validates the logs of one answer in turn, each into the same reused `RawLog` (`read`
 * returns it; copy it to keep it). While the logs come in (block, logIndex) order, which
 * nodes keep, it also checks that one block's logs share a block hash; `inOrder` false
 * means the caller must sort, then check duplicates and block hashes itself.
 */
export class LogReader {
  inOrder = true
  private readonly log: RawLog = { address: '', topics: [], data: '0x', blockNumber: -1, blockHash: '', transactionHash: '', transactionIndex: 0, logIndex: -1 }
  // Logs of one block share a block hash and usually come in runs of one transaction:
  // reuse the converted strings instead of lowercasing them again.
  // A value no JSON field equals: a first log without a hash is checked (and refused), not
  // taken for "the same as before" (undefined === undefined).
  private rawBlockHash: unknown = NOT_SEEN
  private rawTxHash: unknown = NOT_SEEN

  constructor(
    private readonly from: number,
    private readonly to: number,
    private readonly filter: LogFilter,
  ) {}

  read(item: unknown, i: number): RawLog {
    const { isAddress, topicTests } = this.filter
    const filtered = topicTests.length
    const x = item as Record<string, unknown> | null
    if (typeof x !== 'object' || x === null) bad(i, 'is not an object')
    if (x.removed === true) bad(i, 'is marked removed (reorged) inside a settled range')

    let address = x.address as string
    if (!isAddress(address)) {
      if (!isHex(address, 42)) bad(i, `has an invalid address ${show(address)}`)
      address = address.toLowerCase()
      if (!isAddress(address)) bad(i, `comes from ${address}, which was not requested`)
    }

    const rawTopics = x.topics
    if (!Array.isArray(rawTopics) || rawTopics.length > 4) bad(i, 'has no valid topics array')
    const nt = rawTopics.length
    if (nt < filtered) bad(i, `has ${nt} topics; the filter constrains ${filtered}`)
    const topics = new Array<string>(nt)
    for (let j = 0; j < nt; j++) {
      let t = rawTopics[j] as string
      const allowed = j < filtered ? topicTests[j] : null
      if (allowed && allowed(t)) {
        topics[j] = t
        continue
      }
      if (!isHex(t, 66)) bad(i, `has an invalid topic ${show(t)}`)
      t = t.toLowerCase()
      if (allowed && !allowed(t)) bad(i, `has topic${j} ${t}, which the filter excludes`)
      topics[j] = t
    }

    const rawData = x.data
    if (typeof rawData !== 'string' || (rawData.length & 1) !== 0 || !HEX.test(rawData)) bad(i, `has invalid data ${show(rawData)}`)
    const data = rawData.toLowerCase()

    const blockNumber = quantity(x.blockNumber)
    if (!Number.isSafeInteger(blockNumber)) bad(i, `has an invalid blockNumber ${show(x.blockNumber)}`)
    if (blockNumber < this.from || blockNumber > this.to) bad(i, `is in block ${blockNumber}, outside the requested range ${this.from}-${this.to}`)
    const logIndex = quantity(x.logIndex)
    if (!Number.isSafeInteger(logIndex)) bad(i, `has an invalid logIndex ${show(x.logIndex)}`)
    const transactionIndex = quantity(x.transactionIndex)
    if (!Number.isSafeInteger(transactionIndex)) bad(i, `has an invalid transactionIndex ${show(x.transactionIndex)}`)

    const log = this.log
    const prevBlock = log.blockNumber
    const prevBlockHash = log.blockHash
    if (x.blockHash !== this.rawBlockHash) {
      this.rawBlockHash = x.blockHash
      if (!isHex(this.rawBlockHash, 66)) bad(i, `has an invalid blockHash ${show(this.rawBlockHash)}`)
      log.blockHash = (this.rawBlockHash as string).toLowerCase()
    }
    if (x.transactionHash !== this.rawTxHash) {
      this.rawTxHash = x.transactionHash
      if (!isHex(this.rawTxHash, 66)) bad(i, `has an invalid transactionHash ${show(this.rawTxHash)}`)
      log.transactionHash = (this.rawTxHash as string).toLowerCase()
    }

    if (blockNumber < prevBlock || (blockNumber === prevBlock && logIndex <= log.logIndex)) this.inOrder = false
    else if (this.inOrder && blockNumber === prevBlock && log.blockHash !== prevBlockHash) throw reorgDuringQuery(blockNumber)
    log.address = address
    log.topics = topics
    log.data = data
    log.blockNumber = blockNumber
    log.logIndex = logIndex
    log.transactionIndex = transactionIndex
    return log
  }
}

const NOT_SEEN = Symbol('not seen')

function bad(i: number, what: string): never {
  throw new InvalidLogs(`log ${i} ${what}`)
}

function hasPrefix(s: string): boolean {
  return s.charCodeAt(0) === 48 && (s.charCodeAt(1) | 32) === 120 // "0x" / "0X"
}

/** `0x` and hex digits only (either case): anything else would be stored as garbage, or not at all. */
const HEX = /^0[xX][0-9a-fA-F]*$/

function isHex(s: unknown, length: number): s is string {
  return typeof s === 'string' && s.length === length && HEX.test(s)
}

/**
 * A hex quantity as a number; NaN when it is not a 0x-prefixed hex string. Up to 13 hex
 * digits (52 bits, always safe) are parsed by hand, ~2x faster than Number(); longer
 * ones go through Number() and the caller's safe-integer check.
 */
function quantity(v: unknown): number {
  if (typeof v !== 'string') return NaN
  const n = v.length
  if (n < 3 || !hasPrefix(v)) return NaN
  if (n > 15) return Number(v)
  let q = 0
  for (let i = 2; i < n; i++) {
    const c = v.charCodeAt(i)
    if (c >= 48 && c <= 57) q = q * 16 + (c - 48)
    else {
      const l = c | 32
      if (l >= 97 && l <= 102) q = q * 16 + (l - 87)
      else return NaN
    }
  }
  return q
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v)
  return s.length > 80 ? `${s.slice(0, 80)}...` : s
}

function checkBlock(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`${name} must be a non-negative integer block number; got ${n}`)
}

function checkPositive(name: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer; got ${n}`)
}

function sleep(ms: number): Promise<void> {
  return ms <= 0 ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, ms))
}
