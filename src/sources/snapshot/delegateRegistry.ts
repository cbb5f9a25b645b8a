/**
 * The Gnosis DelegateRegistry used by Snapshot (DESIGN.md §6):
 * `SetDelegate(address indexed delegator, bytes32 indexed id, address indexed delegate)` and
 * `ClearDelegate(...)` with the same arguments; `id` is the space name as bytes32 (UTF-8,
 * right-padded with zeros) or zero for a delegation to all spaces.
 */
import { id as keccakText } from 'ethers/hash'
import { UsageError, SourceError } from '../../errors.js'
import type { RawLog } from '../evm/types.js'

/** The registry on Ethereum mainnet and most chains. */
export const DELEGATE_REGISTRY = '0x469788fe6e9e9681c6ebf3bf78e7fd26fc015446'

export const SET_DELEGATE_TOPIC = keccakText('SetDelegate(address,bytes32,address)')
export const CLEAR_DELEGATE_TOPIC = keccakText('ClearDelegate(address,bytes32,address)')

/** The global id: a delegation for every space. */
export const GLOBAL_DELEGATION_ID = `0x${'0'.repeat(64)}`

/** The space name as bytes32: its UTF-8 bytes right-padded with zeros (at most 31 bytes, as ethers' encodeBytes32String). */
export function spaceDelegationId(space: string): string {
  const bytes = Buffer.from(space, 'utf8')
  if (bytes.length === 0 || bytes.length > 31) throw new UsageError(`A Snapshot space id must be 1 to 31 bytes to be a delegation id; got "${space}" (${bytes.length} bytes)`)
  return `0x${bytes.toString('hex').padEnd(64, '0')}`
}

export type DelegationEvent = {
  blockNumber: number
  logIndex: number
  txIndex: number
  txHash: string
  registry: string
  event: 'SetDelegate' | 'ClearDelegate'
  delegator: string
  id: string
  delegate: string
}

const topicAddress = (t: string | undefined, what: string, log: RawLog): string => {
  if (t === undefined || !/^0x0{24}[0-9a-f]{40}$/.test(t))
    throw new SourceError(`A DelegateRegistry log at block ${log.blockNumber} index ${log.logIndex} has an unusable ${what} topic: ${t}`)
  return `0x${t.slice(26)}`
}

/** Decode a SetDelegate / ClearDelegate log (all arguments are indexed: data is empty). */
export function decodeDelegation(log: RawLog): DelegationEvent {
  const t0 = log.topics[0]
  const event = t0 === SET_DELEGATE_TOPIC ? 'SetDelegate' : t0 === CLEAR_DELEGATE_TOPIC ? 'ClearDelegate' : undefined
  if (!event || log.topics.length !== 4)
    throw new SourceError(`A log at block ${log.blockNumber} index ${log.logIndex} is not a DelegateRegistry SetDelegate/ClearDelegate event`)
  const id = log.topics[2]!
  if (!/^0x[0-9a-f]{64}$/.test(id)) throw new SourceError(`A DelegateRegistry log at block ${log.blockNumber} has an unusable id topic: ${id}`)
  return {
    blockNumber: log.blockNumber,
    logIndex: log.logIndex,
    txIndex: log.transactionIndex,
    txHash: log.transactionHash,
    registry: log.address,
    event,
    delegator: topicAddress(log.topics[1], 'delegator', log),
    id,
    delegate: topicAddress(log.topics[3], 'delegate', log),
  }
}
