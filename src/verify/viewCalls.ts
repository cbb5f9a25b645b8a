/**
 * Many `eth_call`s of view functions at given blocks, sent as JSON-RPC batches (p-limit
 * bounds the batches in flight) and decoded with ethers' ABI coder.
 *
 * Every call is expected to succeed: the caller asks only views the contract was probed
 * to have. A node that cannot serve the state of an old block ("missing trie node",
 * "header not found", pruned state...) is a SourceError saying an archive node is needed.
 * A batch the node refuses is split in halves (providers cap batch sizes); any other
 * failure is passed on as the RPC client raised it.
 */
import pLimit from 'p-limit'
import { SourceError } from '../errors.js'
import { abiFunction, toTag, type AbiFunction } from '../sources/evm/call.js'
import { redact } from '../sources/evm/redact.js'
import { RpcResponseError } from '../sources/evm/rpc.js'
import { TransportFailure } from '../sources/evm/retryPolicy.js'
import type { RpcClient } from '../sources/evm/types.js'

export type ViewCall = {
  to: string
  /** e.g. "function balanceOf(address) view returns (uint256)": one return value. */
  signature: string
  args: readonly unknown[]
  /** The block whose state is read (the blockTag). */
  block: number
}

export type ReadViewsParameters = {
  rpc: RpcClient
  calls: readonly ViewCall[]
  /** Calls per JSON-RPC batch. Default 50. */
  batchSize?: number
  /** Batches in flight. Default 4. */
  concurrency?: number
  /** Called after each batch with the number of calls answered so far. */
  onProgress?: (done: number) => void
}

/** What nodes without the state of a block answer (geth, erigon, nethermind, besu, reth, hosted providers). */
const NO_HISTORICAL_STATE =
  /missing trie node|trie node .*missing|header not found|pruned|historical state|state histor(?:y|ies)|(?:world )?state (?:is )?(?:not available|unavailable)|missing world state|archive/i

/** Whether an RPC error says the node lacks the state of the block asked about. */
export function isMissingStateError(message: string): boolean {
  return NO_HISTORICAL_STATE.test(message)
}

/** Results in call order: each view's single return value as ethers decodes it (bigint, string address...). */
export async function readViews({ rpc, calls, batchSize = 50, concurrency = 4, onProgress }: ReadViewsParameters): Promise<unknown[]> {
  const limit = pLimit(concurrency)
  const out = new Array<unknown>(calls.length)
  let done = 0
  const batches: Promise<void>[] = []
  for (let start = 0; start < calls.length; start += batchSize) {
    const part = calls.slice(start, start + batchSize)
    batches.push(
      limit(async () => {
        const raws = await batch(rpc, part)
        for (const [i, raw] of raws.entries()) {
          const call = part[i]!
          out[start + i] = decode(rpc, call, abiFunction(call.signature), raw)
        }
        onProgress?.((done += part.length))
      }),
    )
  }
  await Promise.all(batches)
  return out
}

function decode(rpc: RpcClient, call: ViewCall, { fn, iface }: AbiFunction, raw: unknown): unknown {
  const what = `${fn.name} on ${call.to} at block ${call.block}`
  if (typeof raw !== 'string' || raw === '0x')
    throw new SourceError(redact(`RPC ${rpc.label} answered ${what} with no data; the contract has no such view there.`))
  try {
    return iface.decodeFunctionResult(fn, raw)[0]
  } catch (cause) {
    throw new SourceError(redact(`RPC ${rpc.label} answered ${what} with data that does not decode as ${fn.format('sighash')}.`), { cause })
  }
}

/**
 * The node's own words in a failed batch: a final JSON-RPC error, or a transient one
 * ("header not found") retried until the client gave up. Never the client's message,
 * which names the RPC URL (an "archive" in a host name must not count).
 */
function nodeMessage(error: unknown): string | undefined {
  if (error instanceof RpcResponseError) return error.error.message
  if (error instanceof SourceError && error.cause instanceof TransportFailure && error.cause.failure.kind === 'rate-limit') return error.cause.failure.reason
  return undefined
}

/**
 * One batch. A batch the node refuses as a whole (too large, batches unsupported) or
 * because one call failed is split in halves, down to the single call whose error then
 * stands; a node without the state asked for ends the run at once.
 */
async function batch(rpc: RpcClient, part: readonly ViewCall[]): Promise<unknown[]> {
  try {
    return await rpc.batch(
      part.map((c) => {
        const { fn, iface } = abiFunction(c.signature)
        return { method: 'eth_call', params: [{ to: c.to, data: iface.encodeFunctionData(fn, c.args) }, toTag(c.block)] }
      }),
    )
  } catch (error) {
    const message = nodeMessage(error)
    if (message !== undefined && isMissingStateError(message)) {
      const blocks = part.map((c) => c.block)
      const [oldest, newest] = [Math.min(...blocks), Math.max(...blocks)]
      throw new SourceError(
        redact(
          `RPC ${rpc.label} cannot serve the state of past blocks (calls at block${oldest === newest ? ` ${oldest}` : `s ${oldest} to ${newest}`} failed: ${message}); verify needs an archive node: pass one with --rpc.`,
        ),
        { cause: error },
      )
    }
    if (!(error instanceof RpcResponseError) || part.length === 1) throw error
    const mid = Math.ceil(part.length / 2)
    return [...(await batch(rpc, part.slice(0, mid))), ...(await batch(rpc, part.slice(mid)))]
  }
}
