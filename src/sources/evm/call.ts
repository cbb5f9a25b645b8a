/**
 * eth_call through the RPC client with ethers doing the ABI work. A revert or an empty
 * answer is reported as `undefined` ("the contract does not implement this"), which is
 * how feature probes tell token and governor kinds apart; transport failures still throw.
 */
import { FunctionFragment, Interface } from 'ethers/abi'
import type { RpcClient } from './types.js'
import { RpcResponseError } from './rpc.js'

export type BlockTag = number | 'latest' | 'finalized'

/** The JSON-RPC block parameter: a number as 0x hex, a named tag as is. */
export const toTag = (b: BlockTag): string => (typeof b === 'number' ? `0x${b.toString(16)}` : b)

export type AbiFunction = { fn: FunctionFragment; iface: Interface }

// Signatures are a few constants asked about over and over (a probe per contract, a
// view per voter): parse each once.
const abiFunctions = new Map<string, AbiFunction>()

/** The parsed `signature` (e.g. "function symbol() view returns (string)") and an Interface to encode and decode it. */
export function abiFunction(signature: string): AbiFunction {
  let f = abiFunctions.get(signature)
  if (!f) {
    const fn = FunctionFragment.from(signature)
    f = { fn, iface: new Interface([fn]) }
    abiFunctions.set(signature, f)
  }
  return f
}

/** Call `signature` (e.g. "function symbol() view returns (string)") and decode its result. */
export async function tryCall<T = unknown>(
  rpc: RpcClient,
  to: string,
  signature: string,
  args: readonly unknown[] = [],
  block: BlockTag = 'latest',
): Promise<T | undefined> {
  const { fn, iface } = abiFunction(signature)
  let raw: string
  try {
    raw = await rpc.request<string>('eth_call', [{ to, data: iface.encodeFunctionData(fn, args) }, toTag(block)])
  } catch (error) {
    if (error instanceof RpcResponseError) return undefined // reverted / not implemented
    throw error
  }
  if (typeof raw !== 'string' || raw === '0x') return undefined
  try {
    const decoded = iface.decodeFunctionResult(fn, raw)
    return (decoded.length === 1 ? decoded[0] : decoded) as T
  } catch {
    return undefined // an answer that does not decode means the function is not there
  }
}
