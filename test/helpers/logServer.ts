/**
 * A loopback JSON-RPC node that serves logs from memory, fast: eth_chainId,
 * eth_blockNumber, eth_getBlockByNumber (synthetic headers), eth_getLogs (address list,
 * topic filters, block range, by binary search over logs sorted by (block, logIndex)) and
 * batches. Optionally refuses ranges like a provider does (`maxResults` / `maxRange`).
 *
 * Used by tests and bench/: no dependencies beyond node:, logs serialized once up front.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { RawLog } from '../../src/sources/evm/types.js'
import { mulberry32 } from '../../src/analysis/mulberry32.js'

/** How a provider words its eth_getLogs refusal; see src/sources/evm/rangeHints.ts. */
export type ProviderStyle =
  /** results > limit: -32602 "... this block range should work: [0x.., 0x..]" */
  | 'alchemy'
  /** results > limit: -32005 "query returned more than N results. Try with this block range [0x.., 0x..]." */
  | 'infura'
  /** blocks > limit: HTTP 413, -32614 "eth_getLogs is limited to a 10,000 range" */
  | 'quicknode'
  /** blocks > limit: -32602 "range N exceeds limit of M" */
  | 'range-limit'
  /** results > limit: -32602 "query exceeds max results N, retry with the range A-B" */
  | 'reth'
  /** blocks > limit: -32000 "exceed maximum block range: N" */
  | 'publicnode'
  /** results > limit, no hint: -32005 "query returned more than N results" */
  | 'generic'

export const PROVIDER_STYLES: readonly ProviderStyle[] = ['alchemy', 'infura', 'quicknode', 'range-limit', 'reth', 'publicnode', 'generic']

/** Whether a style limits the number of results (else the number of blocks). */
export function limitsResults(style: ProviderStyle): boolean {
  return style === 'alchemy' || style === 'infura' || style === 'reth' || style === 'generic'
}

export type RangeErrorAnswer = { status: number; error: { code: number; message: string; data?: unknown } }

/**
 * The error a provider of `style` answers for an eth_getLogs over [fromBlock, toBlock]
 * that breaks `limit`. For result-limited styles, `matchedBlocks` are the block numbers
 * of the matching logs in order: the suggestion is the widest range from `fromBlock`
 * whose logs fit, as those providers compute it.
 */
export function providerRangeError(
  style: ProviderStyle,
  { fromBlock, toBlock, limit, matchedBlocks = [] }: { fromBlock: number; toBlock: number; limit: number; matchedBlocks?: ArrayLike<number> },
): RangeErrorAnswer {
  const hex = (n: number) => `0x${n.toString(16)}`
  // Last block whose logs (together with all before it) fit in `limit` results.
  const lastFit = matchedBlocks.length > limit ? matchedBlocks[limit]! - 1 : toBlock
  const fmt = limit.toLocaleString('en-US')
  switch (style) {
    case 'alchemy':
      return {
        status: 200,
        error: {
          code: -32602,
          message: `Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range and no limit on the response size, or you can request any block range with a cap of ${Math.round(limit / 1000)}K logs in the response. Based on your parameters and the response size limit, this block range should work: [${hex(fromBlock)}, ${hex(Math.max(fromBlock, lastFit))}]`,
        },
      }
    case 'infura':
      return {
        status: 200,
        error: {
          code: -32005,
          message: `query returned more than ${limit} results. Try with this block range [${hex(fromBlock).toUpperCase().replace('0X', '0x')}, ${hex(Math.max(fromBlock, lastFit)).toUpperCase().replace('0X', '0x')}].`,
          data: { from: hex(fromBlock), limit, to: hex(Math.max(fromBlock, lastFit)) },
        },
      }
    case 'reth':
      return {
        status: 200,
        error: { code: -32602, message: `query exceeds max results ${limit}, retry with the range ${fromBlock}-${lastFit}` },
      }
    case 'generic':
      return { status: 200, error: { code: -32005, message: `query returned more than ${limit} results` } }
    case 'quicknode':
      return { status: 413, error: { code: -32614, message: `eth_getLogs is limited to a ${fmt} range` } }
    case 'range-limit':
      return { status: 200, error: { code: -32602, message: `range ${toBlock - fromBlock} exceeds limit of ${limit}` } }
    case 'publicnode':
      return { status: 200, error: { code: -32000, message: `exceed maximum block range: ${limit}` } }
  }
}

/**
 * Deterministic 32-byte block hash: eight rounds of a 32-bit integer mix of the block
 * number (keccak-like looking, not keccak; fast enough for millions of blocks).
 */
export function blockHashOf(n: number): string {
  if (n < 0) return `0x${'0'.repeat(64)}`
  const lo = n >>> 0
  const hi = Math.floor(n / 4294967296) >>> 0
  for (let k = 0; k < 8; k++) {
    let h = Math.imul(lo ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(hi + k, 0xc2b2ae35) ^ Math.imul(k + 1, 0x27d4eb2f)
    h ^= h >>> 16
    h = Math.imul(h, 0x7feb352d)
    h ^= h >>> 15
    h = Math.imul(h, 0x846ca68b)
    h ^= h >>> 16
    hashScratch.writeUInt32BE(h >>> 0, k * 4)
  }
  return `0x${hashScratch.toString('hex')}`
}
const hashScratch = Buffer.alloc(32)

export type MakeLogsParameters = {
  count: number
  fromBlock: number
  toBlock: number
  addresses: string[]
  /** topic0 of each log is drawn from these. */
  topic0s: string[]
  seed?: number
  /** Distinct holders in topics 1 and 2. Default 1000. */
  holders?: number
}

/**
 * Synthetic token-like logs (3 topics, one uint256 word of data), sorted by (block,
 * logIndex), spread uniformly at random over [fromBlock, toBlock]. Deterministic by seed.
 */
export function makeLogs({ count, fromBlock, toBlock, addresses, topic0s, seed = 1, holders = 1000 }: MakeLogsParameters): RawLog[] {
  const rand = uniform(seed)
  const span = toBlock - fromBlock + 1
  const blocks = new Float64Array(count)
  for (let i = 0; i < count; i++) blocks[i] = fromBlock + Math.floor(rand() * span)
  blocks.sort()
  const holderTopics = Array.from({ length: holders }, (_, i) => `0x${'0'.repeat(24)}${(0x1000 + i).toString(16).padStart(40, 'a')}`)
  const hashes = new Map<number, string>()
  const out: RawLog[] = new Array(count)
  let prevBlock = -1
  let logIndex = 0
  let txIndex = 0
  let txCounter = 0
  for (let i = 0; i < count; i++) {
    const blockNumber = blocks[i]!
    if (blockNumber !== prevBlock) {
      logIndex = 0
      txIndex = 0
      prevBlock = blockNumber
    } else if (rand() < 0.7) txIndex++
    if (logIndex === 0 || txIndex !== out[i - 1]!.transactionIndex) txCounter++
    let blockHash = hashes.get(blockNumber)
    if (blockHash === undefined) hashes.set(blockNumber, (blockHash = blockHashOf(blockNumber)))
    out[i] = {
      address: addresses[Math.floor(rand() * addresses.length)]!.toLowerCase(),
      topics: [
        topic0s[Math.floor(rand() * topic0s.length)]!.toLowerCase(),
        holderTopics[Math.floor(rand() * holders)]!,
        holderTopics[Math.floor(rand() * holders)]!,
      ],
      data: `0x${Math.floor(rand() * 2 ** 52).toString(16).padStart(64, '0')}`,
      blockNumber,
      blockHash,
      transactionHash: `0x${txCounter.toString(16).padStart(16, '0').repeat(4)}`,
      transactionIndex: txIndex,
      logIndex: logIndex++,
    }
  }
  return out
}

/** Uniform floats in [0, 1) from the shared seeded mulberry32. */
function uniform(seed: number): () => number {
  const next = mulberry32(seed)
  return () => next() / 4294967296
}

export type LogServerOptions = {
  logs: RawLog[]
  chainId?: number
  /** eth_blockNumber; default the last log's block (or 0). */
  head?: number
  /** Block 0's timestamp; block n has genesisTimestamp + 12 n. Default 1_700_000_000. */
  genesisTimestamp?: number
  /** 'finalized' = head - finalizedDepth (clamped at 0). Default 64. */
  finalizedDepth?: number
  /** Refuse eth_getLogs that match more logs than this (style default 'infura'). */
  maxResults?: number
  /** Refuse eth_getLogs that span more blocks than this (style default 'quicknode'). */
  maxRange?: number
  /** Provider wording of the refusal. */
  rangeErrorStyle?: ProviderStyle
  /** eth_getCode answers by lowercase address (default '0x'). */
  code?: Record<string, string>
  /** Largest batch accepted; a larger one is refused with one JSON-RPC error. */
  maxBatch?: number
}

export type LogServer = {
  url: string
  port: number
  /** Requests and calls served, and range errors answered. */
  stats: { requests: number; calls: Record<string, number>; rangeErrors: number }
  head: number
  setHead(n: number): void
  close(): Promise<void>
}

type Reply = { status: number; body: string | Buffer }

export async function startLogServer(options: LogServerOptions): Promise<LogServer> {
  const chainId = options.chainId ?? 31337
  const genesis = options.genesisTimestamp ?? 1_700_000_000
  const finalizedDepth = options.finalizedDepth ?? 64
  const logs = isSorted(options.logs) ? options.logs : [...options.logs].sort((a, b) => a.blockNumber - b.blockNumber || a.logIndex - b.logIndex)
  const n = logs.length
  const blockOf = new Float64Array(n)
  // Addresses and topics as small integer ids (filters become id lookups, and no per-log
  // strings or arrays are kept besides the serialized JSON).
  const ids = new Map<string, number>()
  const idOf = (s: string) => {
    let id = ids.get(s)
    if (id === undefined) {
      id = ids.size
      ids.set(s, id)
    }
    return id
  }
  const addressId = new Int32Array(n)
  const topicId = new Int32Array(n * 4).fill(-1)
  // All logs' JSON, each followed by ',', in one buffer; log i is bytes [offset[i], offset[i+1]).
  // A response is then a few slices of it (the JSON is ASCII: one byte per char). Each
  // log's JSON is written straight into the buffer so no string outlives its iteration.
  const offset = new Float64Array(n + 1)
  let all = Buffer.allocUnsafe(Math.max(1024, n * 640))
  let at = 0
  for (let i = 0; i < n; i++) {
    const l = logs[i]!
    blockOf[i] = l.blockNumber
    addressId[i] = idOf(l.address.toLowerCase())
    let topics = ''
    for (let j = 0; j < l.topics.length && j < 4; j++) {
      const t = l.topics[j]!
      topicId[i * 4 + j] = idOf(t.toLowerCase())
      topics += j === 0 ? `"${t}"` : `,"${t}"`
    }
    const json =
      `{"address":"${l.address}","topics":[${topics}],"data":"${l.data}",` +
      `"blockNumber":"0x${l.blockNumber.toString(16)}","transactionHash":"${l.transactionHash}",` +
      `"transactionIndex":"0x${l.transactionIndex.toString(16)}","blockHash":"${l.blockHash}",` +
      `"logIndex":"0x${l.logIndex.toString(16)}","removed":false},`
    if (at + json.length > all.length) {
      const bigger = Buffer.allocUnsafe(Math.max(all.length * 2, at + json.length))
      all.copy(bigger, 0, 0, at)
      all = bigger
    }
    offset[i] = at
    const written = all.write(json, at, 'latin1')
    if (written !== json.length) throw new Error('log server: short write into the log buffer')
    at += written
  }
  offset[n] = at
  let head = options.head ?? (n > 0 ? logs[n - 1]!.blockNumber : 0)
  const stats = { requests: 0, calls: {} as Record<string, number>, rangeErrors: 0 }

  const firstAtOrAfter = (block: number) => {
    let lo = 0
    let hi = n
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (blockOf[mid]! < block) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  const tag = (v: unknown, dflt: number): number | undefined => {
    if (v === undefined || v === null) return dflt
    if (v === 'latest' || v === 'pending' || v === 'safe') return head
    if (v === 'finalized') return Math.max(0, head - finalizedDepth)
    if (v === 'earliest') return 0
    if (typeof v === 'string' && /^0x[0-9a-fA-F]+$/.test(v)) return Number(v)
    return undefined
  }

  const header = (b: number) =>
    `{"number":"0x${b.toString(16)}","hash":"${blockHashOf(b)}","parentHash":"${blockHashOf(b - 1)}",` +
    `"timestamp":"0x${(genesis + 12 * b).toString(16)}","nonce":"0x0000000000000000","gasLimit":"0x1c9c380",` +
    `"gasUsed":"0x0","miner":"0x0000000000000000000000000000000000000000","transactions":[],"uncles":[]}`

  const ok = (id: unknown, result: string): Reply => ({ status: 200, body: `{"jsonrpc":"2.0","id":${JSON.stringify(id ?? null)},"result":${result}}` })
  const fail = (id: unknown, code: number, message: string, data?: unknown, status = 200): Reply => ({
    status,
    body: JSON.stringify({ jsonrpc: '2.0', id: id ?? null, error: data === undefined ? { code, message } : { code, message, data } }),
  })

  function getLogs(id: unknown, filter: Record<string, unknown>): Reply {
    if (filter.blockHash !== undefined) return fail(id, -32602, 'blockHash filters are not supported by this test node')
    const from = tag(filter.fromBlock, head)
    let to = tag(filter.toBlock, head)
    if (from === undefined || to === undefined) return fail(id, -32602, 'invalid block number')
    if (from > to) return fail(id, -32602, 'invalid block range params')
    to = Math.min(to, head)
    const style = options.rangeErrorStyle
    if (options.maxRange !== undefined && to - from + 1 > options.maxRange) {
      stats.rangeErrors++
      const a = providerRangeError(style && !limitsResults(style) ? style : 'quicknode', { fromBlock: from, toBlock: to, limit: options.maxRange })
      return fail(id, a.error.code, a.error.message, a.error.data, a.status)
    }
    // Filters as id sets; a value never seen in any log gets no id and matches nothing.
    const toIds = (v: unknown) => new Set((Array.isArray(v) ? v : [v]).map((x) => ids.get(String(x).toLowerCase()) ?? -2))
    const addr = filter.address
    const addrIds = addr === undefined || addr === null ? null : toIds(addr)
    const topicFilter = Array.isArray(filter.topics) ? filter.topics : []
    const topicIds = topicFilter.map((t) => (t === null || t === undefined ? null : toIds(t)))
    const matched: number[] = []
    for (let i = firstAtOrAfter(from); i < n && blockOf[i]! <= to; i++) {
      if (addrIds && !addrIds.has(addressId[i]!)) continue
      let pass = true
      for (let j = 0; j < topicIds.length; j++) {
        const s = topicIds[j]
        if (s && (j >= 4 || !s.has(topicId[i * 4 + j]!))) {
          pass = false
          break
        }
      }
      if (pass) matched.push(i)
    }
    if (options.maxResults !== undefined && matched.length > options.maxResults) {
      stats.rangeErrors++
      const a = providerRangeError(style && limitsResults(style) ? style : 'infura', {
        fromBlock: from,
        toBlock: to,
        limit: options.maxResults,
        matchedBlocks: matched.map((i) => blockOf[i]!),
      })
      return fail(id, a.error.code, a.error.message, a.error.data, a.status)
    }
    // Contiguous runs of matched logs are single slices of the pre-serialized buffer.
    const slices: Buffer[] = [Buffer.from(`{"jsonrpc":"2.0","id":${JSON.stringify(id ?? null)},"result":[`, 'latin1')]
    for (let k = 0; k < matched.length; ) {
      const a = matched[k]!
      let b = a + 1
      k++
      while (k < matched.length && matched[k] === b) {
        b++
        k++
      }
      slices.push(all.subarray(offset[a]!, offset[b]! - (k === matched.length ? 1 : 0)))
    }
    slices.push(Buffer.from(']}', 'latin1'))
    return { status: 200, body: Buffer.concat(slices) }
  }

  function call(req: unknown): Reply {
    if (typeof req !== 'object' || req === null) return fail(null, -32600, 'invalid request')
    const { id, method, params } = req as { id?: unknown; method?: unknown; params?: unknown }
    const p = Array.isArray(params) ? params : []
    stats.calls[String(method)] = (stats.calls[String(method)] ?? 0) + 1
    switch (method) {
      case 'eth_chainId':
        return ok(id, `"0x${chainId.toString(16)}"`)
      case 'eth_blockNumber':
        return ok(id, `"0x${head.toString(16)}"`)
      case 'eth_getBlockByNumber': {
        const b = tag(p[0], head)
        if (b === undefined) return fail(id, -32602, 'invalid block number')
        return ok(id, b > head ? 'null' : header(b))
      }
      case 'eth_getCode':
        return ok(id, JSON.stringify(options.code?.[String(p[0]).toLowerCase()] ?? '0x'))
      case 'eth_getLogs':
        return typeof p[0] === 'object' && p[0] !== null ? getLogs(id, p[0] as Record<string, unknown>) : fail(id, -32602, 'missing filter')
      default:
        return fail(id, -32601, `the method ${String(method)} does not exist/is not available`)
    }
  }

  function handle(body: string): Reply {
    let req: unknown
    try {
      req = JSON.parse(body)
    } catch {
      return fail(null, -32700, 'parse error')
    }
    if (!Array.isArray(req)) return call(req)
    if (req.length === 0) return fail(null, -32600, 'empty batch')
    if (options.maxBatch !== undefined && req.length > options.maxBatch)
      return fail(null, -32600, `batch size too large: ${req.length} > ${options.maxBatch}`)
    const parts: (string | Buffer)[] = []
    req.forEach((r, i) => parts.push(i === 0 ? '[' : ',', call(r).body))
    parts.push(']')
    return { status: 200, body: Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p))) }
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      stats.requests++
      const reply = req.method === 'POST' ? handle(Buffer.concat(chunks).toString('utf8')) : { status: 405, body: 'POST only' }
      res.writeHead(reply.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(reply.body) })
      res.end(reply.body)
    })
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats,
    get head() {
      return head
    },
    setHead(b: number) {
      head = b
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

function isSorted(logs: RawLog[]): boolean {
  for (let i = 1; i < logs.length; i++) {
    const a = logs[i - 1]!
    const b = logs[i]!
    if (b.blockNumber < a.blockNumber || (b.blockNumber === a.blockNumber && b.logIndex <= a.logIndex)) return false
  }
  return true
}
