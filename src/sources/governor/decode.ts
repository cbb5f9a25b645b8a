/**
 * Decoding governor logs into typed events (DESIGN.md §4-5).
 *
 * The fixed-layout events (VoteCast, Alpha's VoteCast, ProposalCanceled / Queued /
 * Executed / Extended) are sliced by hand: a governor can have hundreds of thousands of
 * votes and ethers' parseLog costs ~700x more. The dynamic ones (ProposalCreated,
 * VoteCastWithParams) go through ethers' AbiCoder, with every `string` declared as
 * `bytes` (the same ABI encoding) so that text which is not valid UTF-8 is kept, with
 * replacement characters, instead of failing the whole index.
 *
 * Amounts and proposal ids stay as the 64-hex-digit words the chain emitted, which is also
 * how the store keeps them. A log with a known topic and a broken layout is a SourceError:
 * nothing is silently skipped.
 */
import { AbiCoder } from 'ethers/abi'
import { SourceError } from '../../errors.js'
import type { RawLog } from '../evm/types.js'
import { GOVERNOR_TOPIC, governorTopics, type GovernorKind } from './topics.js'

type EventPosition = {
  /** The governor that emitted the log (lowercase). */
  governor: string
  blockNumber: number
  logIndex: number
  transactionIndex: number
  transactionHash: string
}

export type ProposalCreatedEvent = EventPosition & {
  kind: 'ProposalCreated'
  /** 64 hex digits (uint256: OZ ids are hashes). */
  proposalId: string
  proposer: string
  targets: string[]
  /** Decimal strings (wei). */
  values: string[]
  signatures: string[]
  /** 0x hex. */
  calldatas: string[]
  /** The snapshot timepoint in the governor's clock (OZ voteStart, Bravo/Alpha startBlock). */
  voteStart: number
  /** The deadline as proposed (OZ voteEnd, Bravo/Alpha endBlock), before any extension. */
  voteEnd: number
  description: string
}

/** Which event a vote came from. */
export type VoteEventName = 'VoteCast' | 'VoteCastWithParams' | 'VoteCastAlpha'

export type VoteCastEvent = EventPosition & {
  kind: 'VoteCast'
  event: VoteEventName
  voter: string
  proposalId: string
  /** 0 against, 1 for, 2 abstain, 255 fractional (Alpha's bool: false 0, true 1). */
  support: number
  /** 64 hex digits: the weight the governor counted for this event. */
  weight: string
  /** The weight split per support, 64 hex digits each; they sum to `weight`. */
  againstVotes: string
  forVotes: string
  abstainVotes: string
  /** null for Alpha, whose event has no reason. */
  reason: string | null
  /** 0x hex params of VoteCastWithParams; null for the other events. */
  params: string | null
}

export type ProposalCanceledEvent = EventPosition & { kind: 'ProposalCanceled'; proposalId: string }
export type ProposalQueuedEvent = EventPosition & {
  kind: 'ProposalQueued'
  proposalId: string
  /** 64 hex digits: OZ etaSeconds (0 without a timelock), Bravo/Alpha eta. */
  eta: string
}
export type ProposalExecutedEvent = EventPosition & { kind: 'ProposalExecuted'; proposalId: string }
export type ProposalExtendedEvent = EventPosition & {
  kind: 'ProposalExtended'
  proposalId: string
  /** The new deadline, in the governor's clock. */
  extendedDeadline: number
}

export type ProposalLifecycleEvent = ProposalCanceledEvent | ProposalQueuedEvent | ProposalExecutedEvent | ProposalExtendedEvent
export type GovernorEvent = ProposalCreatedEvent | VoteCastEvent | ProposalLifecycleEvent

export const ZERO_WORD = '0'.repeat(64)
const ONE_WORD = '0'.repeat(63) + '1'
const ADDRESS_PAD = '0x000000000000000000000000'
const WORD_ADDRESS_PAD = '000000000000000000000000'
const FRACTIONAL = 255

// The non-indexed parameters of the two dynamic events, every string declared as bytes.
const CODER = AbiCoder.defaultAbiCoder()
const PROPOSAL_CREATED = ['uint256', 'address', 'address[]', 'uint256[]', 'bytes[]', 'bytes[]', 'uint256', 'uint256', 'bytes']
const VOTE_CAST_WITH_PARAMS = ['uint256', 'uint8', 'uint256', 'bytes', 'bytes'] // voter is topic 1
const UTF8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true })

const TOPICS_BY_KIND: Record<GovernorKind, Set<string>> = {
  oz: new Set(governorTopics('oz')),
  bravo: new Set(governorTopics('bravo')),
  alpha: new Set(governorTopics('alpha')),
}

function malformed(log: RawLog, what: string, why?: string, cause?: unknown): SourceError {
  return new SourceError(
    `The RPC returned a malformed ${what} log from governor ${log.address} (block ${log.blockNumber}, log ${log.logIndex}, tx ${log.transactionHash})${why ? `: ${why}` : ''}; refusing to index data that cannot be decoded.`,
    cause === undefined ? {} : { cause },
  )
}

function position(log: RawLog): EventPosition {
  return {
    governor: log.address,
    blockNumber: log.blockNumber,
    logIndex: log.logIndex,
    transactionIndex: log.transactionIndex,
    transactionHash: log.transactionHash,
  }
}

/** Word i of the data (64 hex digits); throws when the data is too short. */
function word(log: RawLog, i: number, what: string): string {
  const start = 2 + 64 * i
  const w = log.data.slice(start, start + 64)
  if (w.length !== 64) throw malformed(log, what, `data has fewer than ${i + 1} words`)
  return w
}

function wordAddress(log: RawLog, i: number, what: string): string {
  const w = word(log, i, what)
  if (!w.startsWith(WORD_ADDRESS_PAD)) throw malformed(log, what, `word ${i} is not an address`)
  return `0x${w.slice(24)}`
}

function topicAddress(log: RawLog, i: number, what: string): string {
  const t = log.topics[i]
  if (t === undefined || t.length !== 66 || !t.startsWith(ADDRESS_PAD)) throw malformed(log, what, `topic ${i} is not an address`)
  return `0x${t.slice(26)}`
}

/** A word that must hold a small integer (uint8, uint64, a timepoint): a safe JS number. */
function wordNumber(log: RawLog, w: string, what: string, field: string): number {
  if (!w.startsWith('00000000000')) throw malformed(log, what, `${field} 0x${w} is beyond 2^53`)
  const n = parseInt(w.slice(11), 16)
  if (!Number.isSafeInteger(n)) throw malformed(log, what, `${field} 0x${w} is beyond 2^53`)
  return n
}

/** The dynamic `bytes`/`string` whose head is word `i`, as UTF-8 text (lenient). */
function wordText(log: RawLog, i: number, what: string): string {
  const offset = wordNumber(log, word(log, i, what), what, 'string offset')
  if (offset % 32 !== 0) throw malformed(log, what, `string offset ${offset} is not word-aligned`)
  const lenWord = word(log, offset / 32, what)
  const length = wordNumber(log, lenWord, what, 'string length')
  const start = 2 + 2 * offset + 64
  const hex = log.data.slice(start, start + 2 * length)
  if (hex.length !== 2 * length) throw malformed(log, what, `string of ${length} bytes runs past the data`)
  return bytesText(`0x${hex}`)
}

function checkLength(log: RawLog, what: string, topics: number, dataWords: number | 'atLeast', min = 0): void {
  if (log.topics.length !== topics) throw malformed(log, what, `${log.topics.length} topics, expected ${topics}`)
  const words = (log.data.length - 2) / 64
  if (dataWords === 'atLeast' ? words < min : words !== dataWords)
    throw malformed(log, what, `${words} data words, expected ${dataWords === 'atLeast' ? `at least ${min}` : dataWords}`)
}

/** Hex word of a bigint (only for values decoded by ethers, which are uint256 already). */
function toWordHex(v: bigint): string {
  return v.toString(16).padStart(64, '0')
}

type VoteAmounts = Pick<VoteCastEvent, 'againstVotes' | 'forVotes' | 'abstainVotes'>

function split(support: number, weight: string): VoteAmounts {
  return {
    againstVotes: support === 0 ? weight : ZERO_WORD,
    forVotes: support === 1 ? weight : ZERO_WORD,
    abstainVotes: support === 2 ? weight : ZERO_WORD,
  }
}

/** A vote of any of the three events; unless given, the whole weight goes to `support`. */
function voteCast(
  log: RawLog,
  event: VoteEventName,
  { voter, proposalId, support, weight, reason, params }: Pick<VoteCastEvent, 'voter' | 'proposalId' | 'support' | 'weight' | 'reason' | 'params'>,
  amounts: VoteAmounts = split(support, weight),
): VoteCastEvent {
  return { kind: 'VoteCast', event, ...position(log), voter, proposalId, support, weight, ...amounts, reason, params }
}

function checkSupport(log: RawLog, what: string, support: number, allowFractional: boolean): void {
  if (support <= 2 || (allowFractional && support === FRACTIONAL)) return
  throw new SourceError(
    `Governor ${log.address} emitted a ${what} with support ${support} (block ${log.blockNumber}, tx ${log.transactionHash}); govaudit counts 0 against, 1 for, 2 abstain and 255 fractional, so it cannot tally this governor's votes.`,
  )
}

/**
 * Decode one log of a governor of `kind`. Returns null for a topic that is not a governor
 * event of that kind; throws SourceError for a known topic with a broken layout.
 */
export function decodeGovernorLog(log: RawLog, kind: GovernorKind): GovernorEvent | null {
  const topic0 = log.topics[0]
  if (topic0 === undefined || !TOPICS_BY_KIND[kind].has(topic0)) return null
  switch (topic0) {
    case GOVERNOR_TOPIC.VoteCast: {
      const what = 'VoteCast'
      checkLength(log, what, 2, 'atLeast', 5)
      const support = wordNumber(log, word(log, 1, what), what, 'support')
      if (support > 255) throw malformed(log, what, `support ${support} is not a uint8`)
      checkSupport(log, what, support, false)
      return voteCast(log, 'VoteCast', {
        voter: topicAddress(log, 1, what),
        proposalId: word(log, 0, what),
        support,
        weight: word(log, 2, what),
        reason: wordText(log, 3, what),
        params: null,
      })
    }
    case GOVERNOR_TOPIC.VoteCastAlpha: {
      const what = 'GovernorAlpha VoteCast'
      checkLength(log, what, 1, 4)
      const flag = word(log, 2, what)
      if (flag !== ZERO_WORD && flag !== ONE_WORD) throw malformed(log, what, `support 0x${flag} is not a bool`)
      return voteCast(log, 'VoteCastAlpha', {
        voter: wordAddress(log, 0, what),
        proposalId: word(log, 1, what),
        support: flag === ONE_WORD ? 1 : 0,
        weight: word(log, 3, what),
        reason: null,
        params: null,
      })
    }
    case GOVERNOR_TOPIC.VoteCastWithParams:
      return decodeVoteCastWithParams(log)
    case GOVERNOR_TOPIC.ProposalCreated:
      return decodeProposalCreated(log)
    case GOVERNOR_TOPIC.ProposalCanceled:
      checkLength(log, 'ProposalCanceled', 1, 1)
      return { kind: 'ProposalCanceled', ...position(log), proposalId: word(log, 0, 'ProposalCanceled') }
    case GOVERNOR_TOPIC.ProposalExecuted:
      checkLength(log, 'ProposalExecuted', 1, 1)
      return { kind: 'ProposalExecuted', ...position(log), proposalId: word(log, 0, 'ProposalExecuted') }
    case GOVERNOR_TOPIC.ProposalQueued:
      checkLength(log, 'ProposalQueued', 1, 2)
      return { kind: 'ProposalQueued', ...position(log), proposalId: word(log, 0, 'ProposalQueued'), eta: word(log, 1, 'ProposalQueued') }
    case GOVERNOR_TOPIC.ProposalExtended: {
      const what = 'ProposalExtended'
      checkLength(log, what, 2, 1)
      const id = log.topics[1]!
      if (id.length !== 66) throw malformed(log, what, 'topic 1 is not a word')
      return {
        kind: 'ProposalExtended',
        ...position(log),
        proposalId: id.slice(2),
        extendedDeadline: wordNumber(log, word(log, 0, what), what, 'extendedDeadline'),
      }
    }
    default:
      return null
  }
}

function decodeVoteCastWithParams(log: RawLog): VoteCastEvent {
  const what = 'VoteCastWithParams'
  if (log.topics.length !== 2) throw malformed(log, what, `${log.topics.length} topics, expected 2`)
  const voter = topicAddress(log, 1, what)
  let decoded
  try {
    decoded = CODER.decode(VOTE_CAST_WITH_PARAMS, log.data)
  } catch (cause) {
    throw malformed(log, what, undefined, cause)
  }
  const support = Number(decoded[1] as bigint)
  checkSupport(log, what, support, true)
  const weightValue = decoded[2] as bigint
  const weight = toWordHex(weightValue)
  const params = (decoded[4] as string).toLowerCase()
  let amounts: VoteAmounts
  if (support === FRACTIONAL) {
    // GovernorCountingFractional: abi.encodePacked(uint128 against, uint128 for, uint128 abstain).
    if (params.length !== 2 + 96)
      throw malformed(log, what, `fractional params must be 48 bytes (3 packed uint128); got ${(params.length - 2) / 2}`)
    const [a, f, b] = [params.slice(2, 34), params.slice(34, 66), params.slice(66, 98)].map((h) => BigInt(`0x${h}`)) as [bigint, bigint, bigint]
    if (a + f + b !== weightValue)
      throw malformed(log, what, `fractional amounts ${a} + ${f} + ${b} do not add up to the weight ${weightValue}`)
    amounts = { againstVotes: toWordHex(a), forVotes: toWordHex(f), abstainVotes: toWordHex(b) }
  } else amounts = split(support, weight)
  return voteCast(
    log,
    'VoteCastWithParams',
    { voter, proposalId: toWordHex(decoded[0] as bigint), support, weight, reason: bytesText(decoded[3] as string), params },
    amounts,
  )
}

function decodeProposalCreated(log: RawLog): ProposalCreatedEvent {
  const what = 'ProposalCreated'
  if (log.topics.length !== 1) throw malformed(log, what, `${log.topics.length} topics, expected 1`)
  let d
  try {
    d = CODER.decode(PROPOSAL_CREATED, log.data)
  } catch (cause) {
    throw malformed(log, what, undefined, cause)
  }
  const timepoint = (v: bigint, field: string): number => {
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw malformed(log, what, `${field} ${v} is beyond 2^53`)
    return Number(v)
  }
  return {
    kind: 'ProposalCreated',
    ...position(log),
    proposalId: toWordHex(d[0] as bigint),
    proposer: (d[1] as string).toLowerCase(),
    targets: [...(d[2] as string[])].map((t) => t.toLowerCase()),
    values: [...(d[3] as bigint[])].map((v) => v.toString()),
    signatures: [...(d[4] as string[])].map(bytesText),
    calldatas: [...(d[5] as string[])].map((c) => c.toLowerCase()),
    voteStart: timepoint(d[6] as bigint, 'voteStart'),
    voteEnd: timepoint(d[7] as bigint, 'voteEnd'),
    description: bytesText(d[8] as string),
  }
}

/** ethers hex `bytes` as UTF-8 text, invalid sequences replaced (never throws). */
function bytesText(hex: string): string {
  return hex.length <= 2 ? '' : UTF8.decode(Buffer.from(hex.slice(2), 'hex'))
}
