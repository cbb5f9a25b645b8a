/**
 * Block-level reads: chain id, the settled head, headers of referenced blocks (for their
 * timestamps and hashes), and contract code.
 */
import pLimit from 'p-limit'
import { SourceError, UsageError } from '../../errors.js'
import { redact } from './redact.js'
import { RpcResponseError } from './rpc.js'
import type { BlockHeader, RpcClient } from './types.js'

export type GetBlockHeadersOptions = {
  /** Calls per JSON-RPC batch. Default 100. */
  batchSize?: number
  /** Batches in flight. Default 4. */
  concurrency?: number
  /** Re-requests of a batch whose answer fails validation. Default 2. */
  malformedRetries?: number
}

/** Headers of the given blocks, in the order asked (duplicates allowed), via batched eth_getBlockByNumber. */
export async function getBlockHeaders(
  rpc: RpcClient,
  numbers: number[],
  { batchSize = 100, concurrency = 4, malformedRetries = 2 }: GetBlockHeadersOptions = {},
): Promise<BlockHeader[]> {
  for (const n of numbers) checkBlockNumber(n)
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new UsageError(`batchSize must be a positive integer; got ${batchSize}`)
  if (!Number.isSafeInteger(concurrency) || concurrency < 1) throw new UsageError(`concurrency must be a positive integer; got ${concurrency}`)
  const unique = [...new Set(numbers)].sort((a, b) => a - b)
  const limit = pLimit(concurrency)
  const byNumber = new Map<number, BlockHeader>()

  /** Fetch a batch; a provider that refuses a batch (too large, batches unsupported) gets halves. */
  async function fetchPart(part: number[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      let results: unknown[]
      try {
        results = await rpc.batch(part.map((n) => ({ method: 'eth_getBlockByNumber', params: [toHex(n), false] })))
      } catch (e) {
        if (!(e instanceof RpcResponseError) || part.length === 1) throw e
        const mid = Math.ceil(part.length / 2)
        await Promise.all([fetchPart(part.slice(0, mid)), fetchPart(part.slice(mid))])
        return
      }
      const problem = collect(part, results, byNumber, rpc.label)
      if (problem === undefined) return
      if (attempt >= malformedRetries)
        throw new SourceError(redact(`RPC ${rpc.label} answered eth_getBlockByNumber with an invalid header ${attempt + 1} times: ${problem}`))
    }
  }

  const batches: Promise<void>[] = []
  for (let i = 0; i < unique.length; i += batchSize) batches.push(limit(() => fetchPart(unique.slice(i, i + batchSize))))
  await Promise.all(batches)
  return numbers.map((n) => byNumber.get(n)!)
}

/** Validate a batch's headers into `out`; return a description of the first problem, if any. */
function collect(part: number[], results: unknown[], out: Map<number, BlockHeader>, label: string): string | undefined {
  for (let i = 0; i < part.length; i++) {
    const want = part[i]!
    const r = results[i]
    if (r === null)
      throw new SourceError(redact(`RPC ${label} does not have block ${want}; the node may be behind or pruned, or the block is beyond the head`))
    const h = parseHeader(r)
    if (typeof h === 'string') return `block ${want}: ${h}`
    if (h.number !== want) return `asked for block ${want}, got block ${h.number}`
    out.set(want, h)
  }
  return undefined
}

/** A header from eth_getBlockByNumber, or a description of what is wrong with it. */
function parseHeader(r: unknown): BlockHeader | string {
  if (typeof r !== 'object' || r === null) return 'not an object'
  const x = r as Record<string, unknown>
  const number = quantity(x.number)
  if (!Number.isSafeInteger(number)) return `invalid number ${show(x.number)}`
  if (!isHash(x.hash)) return `invalid hash ${show(x.hash)}`
  if (!isHash(x.parentHash)) return `invalid parentHash ${show(x.parentHash)}`
  const timestamp = quantity(x.timestamp)
  if (!Number.isSafeInteger(timestamp)) return `invalid timestamp ${show(x.timestamp)}`
  return { number, hash: x.hash.toLowerCase(), parentHash: x.parentHash.toLowerCase(), timestamp }
}

/** The chain id (eth_chainId). */
export async function getChainId(rpc: RpcClient): Promise<number> {
  const raw = await rpc.request('eth_chainId', [])
  const id = quantity(raw)
  if (!Number.isSafeInteger(id) || id <= 0) throw new SourceError(redact(`RPC ${rpc.label} answered eth_chainId with ${show(raw)}, not a chain id`))
  return id
}

/**
 * The last settled block: `latest - confirmations` (clamped at 0), or the number of the
 * block the node tags 'finalized'.
 */
export async function getHead(rpc: RpcClient, confirmations: number | 'finalized'): Promise<number> {
  if (confirmations === 'finalized') {
    let raw: unknown
    try {
      raw = await rpc.request('eth_getBlockByNumber', ['finalized', false])
    } catch (e) {
      if (e instanceof RpcResponseError)
        throw new SourceError(redact(`RPC ${rpc.label} does not support the 'finalized' block tag (${e.error.message}); use --confirmations N instead`), {
          cause: e,
        })
      throw e
    }
    if (raw === null) throw new SourceError(redact(`RPC ${rpc.label} has no 'finalized' block yet; use --confirmations N instead`))
    const h = parseHeader(raw)
    if (typeof h === 'string') throw new SourceError(redact(`RPC ${rpc.label} answered the 'finalized' block with an invalid header: ${h}`))
    return h.number
  }
  if (!Number.isSafeInteger(confirmations) || confirmations < 0)
    throw new UsageError(`--confirmations must be a non-negative integer or 'finalized'; got ${confirmations}`)
  const raw = await rpc.request('eth_blockNumber', [])
  const latest = quantity(raw)
  if (!Number.isSafeInteger(latest) || latest < 0) throw new SourceError(redact(`RPC ${rpc.label} answered eth_blockNumber with ${show(raw)}, not a block number`))
  return Math.max(0, latest - confirmations)
}

/** The code at an address (lowercase hex, '0x' when none). */
export async function getCode(rpc: RpcClient, address: string, block: number | 'latest' = 'latest'): Promise<string> {
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw new UsageError(`Not an address: ${address}`)
  if (block !== 'latest') checkBlockNumber(block)
  const raw = await rpc.request('eth_getCode', [address.toLowerCase(), block === 'latest' ? 'latest' : toHex(block)])
  if (typeof raw !== 'string' || !/^0x(?:[0-9a-fA-F]{2})*$/.test(raw))
    throw new SourceError(redact(`RPC ${rpc.label} answered eth_getCode with ${show(raw)}, not hex bytes`))
  return raw.toLowerCase()
}

/** Whether an address holds contract code. */
export async function isContract(rpc: RpcClient, address: string, block: number | 'latest' = 'latest'): Promise<boolean> {
  return (await getCode(rpc, address, block)) !== '0x'
}

function checkBlockNumber(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`A block number must be a non-negative integer; got ${n}`)
}

function isHash(v: unknown): v is string {
  return typeof v === 'string' && /^0x[0-9a-fA-F]{64}$/.test(v)
}

function quantity(v: unknown): number {
  return typeof v === 'string' && /^0x[0-9a-fA-F]+$/.test(v) ? Number(v) : NaN
}

function toHex(n: number): string {
  return `0x${n.toString(16)}`
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v)
  return s.length > 80 ? `${s.slice(0, 80)}...` : s
}
