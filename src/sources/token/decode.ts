/**
 * Hand decoding of the three fixed-layout token events. They are the hot path (a large
 * token has tens of millions of them) and ethers' Interface.parseLog costs ~700x more
 * than slicing topics and data (DESIGN.md §4). Amounts stay as the 64-hex-digit words
 * the chain emitted, which is also how the store keeps them (fixed width sorts right).
 */
import { SourceError } from '../../errors.js'
import type { RawLog } from '../evm/types.js'

export const TOPIC = {
  Transfer: '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef',
  DelegateChanged: '0x3134e8a2e6d97e929a7e54011ea5485d7d196dd5f0ba4d4ef95803e8e3fc257f',
  // OZ v5 names the words previousVotes/newVotes, OZ v4 and Comp previousBalance/newBalance:
  // same types, same hash.
  DelegateVotesChanged: '0xdec2bacdd2f05b59de34da9b523dff8be42e5e38e818c82fdb0bae774387a724',
} as const

export const TOKEN_TOPICS: string[] = Object.values(TOPIC)

export const ZERO_ADDRESS = '0x0000000000000000000000000000000000000000'
/** 64 hex digits of 1: an ERC721 transfer moves one vote unit. */
export const ONE_WORD = '0'.repeat(63) + '1'

type EventPosition = { blockNumber: number; logIndex: number; transactionIndex: number; transactionHash: string }

/** ERC20: 3 topics and the value in data. ERC721: 4 topics, the token id indexed. */
export type TransferEvent = EventPosition & {
  kind: 'Transfer'
  from: string
  to: string
  value: string // 64 hex digits
  tokenId: string | null // 64 hex digits for ERC721
}
export type DelegateChangedEvent = EventPosition & {
  kind: 'DelegateChanged'
  delegator: string
  fromDelegate: string
  toDelegate: string
}
export type DelegateVotesChangedEvent = EventPosition & {
  kind: 'DelegateVotesChanged'
  delegate: string
  previousVotes: string // 64 hex digits
  newVotes: string // 64 hex digits
}
export type TokenEvent = TransferEvent | DelegateChangedEvent | DelegateVotesChangedEvent

const ADDRESS_PAD = '0x000000000000000000000000'

function malformed(log: RawLog, what: string): SourceError {
  return new SourceError(
    `The RPC returned a malformed ${what} log (block ${log.blockNumber}, log ${log.logIndex}, tx ${log.transactionHash}); refusing to index data that cannot be decoded.`,
  )
}

function topicAddress(log: RawLog, i: number, what: string): string {
  const t = log.topics[i]
  if (t === undefined || t.length !== 66 || !t.startsWith(ADDRESS_PAD)) throw malformed(log, what)
  return `0x${t.slice(26)}`
}

function word(log: RawLog, i: number, what: string): string {
  const start = 2 + 64 * i
  const w = log.data.slice(start, start + 64)
  if (w.length !== 64) throw malformed(log, what)
  return w
}

function position(log: RawLog): EventPosition {
  return {
    blockNumber: log.blockNumber,
    logIndex: log.logIndex,
    transactionIndex: log.transactionIndex,
    transactionHash: log.transactionHash,
  }
}

/** Decode one token log; throws SourceError for a known topic with a broken layout. */
export function decodeTokenLog(log: RawLog): TokenEvent | null {
  switch (log.topics[0]) {
    case TOPIC.Transfer: {
      if (log.topics.length === 3) {
        if (log.data.length !== 66) throw malformed(log, 'Transfer')
        return {
          kind: 'Transfer',
          ...position(log),
          from: topicAddress(log, 1, 'Transfer'),
          to: topicAddress(log, 2, 'Transfer'),
          value: log.data.slice(2),
          tokenId: null,
        }
      }
      if (log.topics.length === 4) {
        const tokenId = log.topics[3]!
        if (tokenId.length !== 66 || log.data !== '0x') throw malformed(log, 'ERC721 Transfer')
        return {
          kind: 'Transfer',
          ...position(log),
          from: topicAddress(log, 1, 'Transfer'),
          to: topicAddress(log, 2, 'Transfer'),
          value: ONE_WORD,
          tokenId: tokenId.slice(2),
        }
      }
      throw malformed(log, 'Transfer')
    }
    case TOPIC.DelegateChanged:
      if (log.topics.length !== 4) throw malformed(log, 'DelegateChanged')
      return {
        kind: 'DelegateChanged',
        ...position(log),
        delegator: topicAddress(log, 1, 'DelegateChanged'),
        fromDelegate: topicAddress(log, 2, 'DelegateChanged'),
        toDelegate: topicAddress(log, 3, 'DelegateChanged'),
      }
    case TOPIC.DelegateVotesChanged:
      if (log.topics.length !== 2 || log.data.length !== 130) throw malformed(log, 'DelegateVotesChanged')
      return {
        kind: 'DelegateVotesChanged',
        ...position(log),
        delegate: topicAddress(log, 1, 'DelegateVotesChanged'),
        previousVotes: word(log, 0, 'DelegateVotesChanged'),
        newVotes: word(log, 1, 'DelegateVotesChanged'),
      }
    default:
      return null
  }
}
