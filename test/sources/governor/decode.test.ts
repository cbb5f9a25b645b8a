import { id, Interface, solidityPacked } from 'ethers'
import { describe, expect, test } from 'vitest'
import { decodeGovernorLog, type GovernorEvent } from '../../../src/sources/governor/decode.js'
import { GOVERNOR_TOPIC, governorTopics } from '../../../src/sources/governor/topics.js'
import { SourceError } from '../../../src/errors.js'
import type { RawLog } from '../../../src/sources/evm/types.js'

const OZ = new Interface([
  'event ProposalCreated(uint256 proposalId, address proposer, address[] targets, uint256[] values, string[] signatures, bytes[] calldatas, uint256 voteStart, uint256 voteEnd, string description)',
  'event VoteCast(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason)',
  'event VoteCastWithParams(address indexed voter, uint256 proposalId, uint8 support, uint256 weight, string reason, bytes params)',
  'event ProposalCanceled(uint256 proposalId)',
  'event ProposalQueued(uint256 proposalId, uint256 etaSeconds)',
  'event ProposalExecuted(uint256 proposalId)',
  'event ProposalExtended(uint256 indexed proposalId, uint64 extendedDeadline)',
])
const ALPHA = new Interface(['event VoteCast(address voter, uint256 proposalId, bool support, uint256 votes)'])

const GOV = '0x00000000000000000000000000000000000000aa'
const VOTER = '0x00000000000000000000000000000000000000b0'
const word = (v: bigint) => v.toString(16).padStart(64, '0')

function log(iface: Interface, name: string, args: unknown[], over: Partial<RawLog> = {}): RawLog {
  const { data, topics } = iface.encodeEventLog(name, args)
  return {
    address: GOV,
    topics: topics.map((t) => t.toLowerCase()),
    data: data.toLowerCase(),
    blockNumber: 7,
    blockHash: `0x${'1'.repeat(64)}`,
    transactionHash: `0x${'2'.repeat(64)}`,
    transactionIndex: 3,
    logIndex: 4,
    ...over,
  }
}

const decode = (l: RawLog, kind: 'oz' | 'bravo' | 'alpha' = 'oz') => decodeGovernorLog(l, kind) as GovernorEvent

describe('topics', () => {
  test('every topic is keccak256 of its canonical signature', () => {
    expect(GOVERNOR_TOPIC.ProposalCreated).toBe(id('ProposalCreated(uint256,address,address[],uint256[],string[],bytes[],uint256,uint256,string)'))
    expect(GOVERNOR_TOPIC.VoteCast).toBe(id('VoteCast(address,uint256,uint8,uint256,string)'))
    expect(GOVERNOR_TOPIC.VoteCastWithParams).toBe(id('VoteCastWithParams(address,uint256,uint8,uint256,string,bytes)'))
    expect(GOVERNOR_TOPIC.VoteCastAlpha).toBe(id('VoteCast(address,uint256,bool,uint256)'))
    expect(GOVERNOR_TOPIC.ProposalCanceled).toBe(id('ProposalCanceled(uint256)'))
    expect(GOVERNOR_TOPIC.ProposalQueued).toBe(id('ProposalQueued(uint256,uint256)'))
    expect(GOVERNOR_TOPIC.ProposalExecuted).toBe(id('ProposalExecuted(uint256)'))
    expect(GOVERNOR_TOPIC.ProposalExtended).toBe(id('ProposalExtended(uint256,uint64)'))
  })

  test('OZ reads VoteCastWithParams and ProposalExtended; Bravo and Alpha read both VoteCast shapes', () => {
    expect(governorTopics('oz')).toContain(GOVERNOR_TOPIC.VoteCastWithParams)
    expect(governorTopics('oz')).toContain(GOVERNOR_TOPIC.ProposalExtended)
    expect(governorTopics('oz')).not.toContain(GOVERNOR_TOPIC.VoteCastAlpha)
    for (const k of ['bravo', 'alpha'] as const) {
      expect(governorTopics(k)).toContain(GOVERNOR_TOPIC.VoteCast)
      expect(governorTopics(k)).toContain(GOVERNOR_TOPIC.VoteCastAlpha)
    }
  })
})

describe('decodeGovernorLog', () => {
  test('VoteCast by hand: position, voter, id, support, weight, reason', () => {
    const bigId = (1n << 255n) + 12345n
    const weight = (1n << 200n) + 7n
    const ev = decode(log(OZ, 'VoteCast', [VOTER, bigId, 2, weight, 'Abstaining — ünïcode ✓']))
    expect(ev).toEqual({
      kind: 'VoteCast',
      event: 'VoteCast',
      governor: GOV,
      blockNumber: 7,
      logIndex: 4,
      transactionIndex: 3,
      transactionHash: `0x${'2'.repeat(64)}`,
      voter: VOTER,
      proposalId: word(bigId),
      support: 2,
      weight: word(weight),
      againstVotes: word(0n),
      forVotes: word(0n),
      abstainVotes: word(weight),
      reason: 'Abstaining — ünïcode ✓',
      params: null,
    })
    expect(decode(log(OZ, 'VoteCast', [VOTER, 1n, 0, 5n, '']))).toMatchObject({ reason: '', againstVotes: word(5n) })
  })

  test('a long reason spanning several words', () => {
    const reason = 'x'.repeat(1000)
    expect(decode(log(OZ, 'VoteCast', [VOTER, 1n, 1, 5n, reason]))).toMatchObject({ reason, forVotes: word(5n) })
  })

  test('VoteCast with a support other than 0, 1, 2 is refused, not skipped', () => {
    expect(() => decode(log(OZ, 'VoteCast', [VOTER, 1n, 3, 5n, '']))).toThrow(SourceError)
    expect(() => decode(log(OZ, 'VoteCast', [VOTER, 1n, 255, 5n, '']))).toThrow(/support 255/)
  })

  test('fractional VoteCastWithParams: packed uint128 against, for, abstain', () => {
    const params = solidityPacked(['uint128', 'uint128', 'uint128'], [10n, 20n, 30n])
    const ev = decode(log(OZ, 'VoteCastWithParams', [VOTER, 9n, 255, 60n, 'split', params]))
    expect(ev).toMatchObject({
      event: 'VoteCastWithParams',
      support: 255,
      weight: word(60n),
      againstVotes: word(10n),
      forVotes: word(20n),
      abstainVotes: word(30n),
      reason: 'split',
      params: params.toLowerCase(),
      voter: VOTER,
      proposalId: word(9n),
    })
  })

  test('fractional amounts that do not add up, or params of the wrong size, are refused', () => {
    const params = solidityPacked(['uint128', 'uint128', 'uint128'], [10n, 20n, 30n])
    expect(() => decode(log(OZ, 'VoteCastWithParams', [VOTER, 9n, 255, 61n, '', params]))).toThrow(/do not add up/)
    expect(() => decode(log(OZ, 'VoteCastWithParams', [VOTER, 9n, 255, 60n, '', '0x1234']))).toThrow(/48 bytes/)
  })

  test('VoteCastWithParams with support 0-2 counts the whole weight (GovernorCountingSimple ignores params)', () => {
    expect(decode(log(OZ, 'VoteCastWithParams', [VOTER, 9n, 1, 60n, 'r', '0xdeadbeef']))).toMatchObject({
      forVotes: word(60n),
      againstVotes: word(0n),
      params: '0xdeadbeef',
    })
  })

  test("Alpha's unindexed VoteCast(address,uint256,bool,uint256)", () => {
    expect(decode(log(ALPHA, 'VoteCast', [VOTER, 3n, true, 77n]), 'alpha')).toMatchObject({
      event: 'VoteCastAlpha',
      voter: VOTER,
      proposalId: word(3n),
      support: 1,
      forVotes: word(77n),
      reason: null,
    })
    expect(decode(log(ALPHA, 'VoteCast', [VOTER, 3n, false, 77n]), 'bravo')).toMatchObject({ support: 0, againstVotes: word(77n) })
    const bad = log(ALPHA, 'VoteCast', [VOTER, 3n, false, 77n])
    bad.data = bad.data.slice(0, 2 + 128) + word(2n) + bad.data.slice(2 + 192)
    expect(() => decode(bad, 'alpha')).toThrow(/not a bool/)
  })

  test('ProposalCreated through the ABI coder, text kept even when not valid UTF-8', () => {
    const args = [
      42n,
      VOTER,
      ['0x000000000000000000000000000000000000dEaD', GOV],
      [0n, 10n ** 18n],
      ['transfer(address,uint256)', ''],
      ['0x1234', '0x'],
      100n,
      200n,
      '# Title\n\nBody',
    ]
    expect(decode(log(OZ, 'ProposalCreated', args), 'bravo')).toMatchObject({
      kind: 'ProposalCreated',
      proposalId: word(42n),
      proposer: VOTER,
      targets: ['0x000000000000000000000000000000000000dead', GOV],
      values: ['0', '1000000000000000000'],
      signatures: ['transfer(address,uint256)', ''],
      calldatas: ['0x1234', '0x'],
      voteStart: 100,
      voteEnd: 200,
      description: '# Title\n\nBody',
    })
    const bytesIface = new Interface([
      'event ProposalCreated(uint256 proposalId, address proposer, address[] targets, uint256[] values, string[] signatures, bytes[] calldatas, uint256 voteStart, uint256 voteEnd, bytes description)',
    ])
    const invalid = log(bytesIface, 'ProposalCreated', [1n, VOTER, [], [], [], [], 1n, 2n, '0x4142ff43'])
    invalid.topics = [GOVERNOR_TOPIC.ProposalCreated]
    expect(decode(invalid)).toMatchObject({ description: 'AB\uFFFDC' })
  })

  test('ProposalCreated with a timepoint beyond 2^53 is refused', () => {
    expect(() => decode(log(OZ, 'ProposalCreated', [1n, VOTER, [], [], [], [], 1n << 60n, 2n, '']))).toThrow(/beyond 2\^53/)
  })

  test('lifecycle events', () => {
    expect(decode(log(OZ, 'ProposalCanceled', [5n]))).toMatchObject({ kind: 'ProposalCanceled', proposalId: word(5n) })
    expect(decode(log(OZ, 'ProposalExecuted', [5n]))).toMatchObject({ kind: 'ProposalExecuted', proposalId: word(5n) })
    expect(decode(log(OZ, 'ProposalQueued', [5n, 1_700_000_000n]))).toMatchObject({ kind: 'ProposalQueued', eta: word(1_700_000_000n) })
    expect(decode(log(OZ, 'ProposalExtended', [(1n << 255n) + 1n, 123n]))).toMatchObject({
      kind: 'ProposalExtended',
      proposalId: word((1n << 255n) + 1n),
      extendedDeadline: 123,
    })
  })

  test('topics of another family, or unknown ones, are not this decoder’s', () => {
    expect(decodeGovernorLog(log(ALPHA, 'VoteCast', [VOTER, 3n, true, 77n]), 'oz')).toBeNull()
    expect(decodeGovernorLog(log(OZ, 'ProposalExtended', [1n, 2n]), 'bravo')).toBeNull()
    expect(decodeGovernorLog(log(OZ, 'VoteCastWithParams', [VOTER, 9n, 1, 60n, '', '0x']), 'alpha')).toBeNull()
    expect(decodeGovernorLog({ ...log(OZ, 'ProposalCanceled', [1n]), topics: [`0x${'3'.repeat(64)}`] }, 'oz')).toBeNull()
  })

  test('a known topic with a broken layout is a SourceError naming the log', () => {
    const short = log(OZ, 'VoteCast', [VOTER, 1n, 1, 5n, 'reason'])
    short.data = short.data.slice(0, 2 + 64 * 4)
    expect(() => decode(short)).toThrow(/malformed VoteCast log from governor 0x0+aa \(block 7, log 4/)
    const truncatedText = log(OZ, 'VoteCast', [VOTER, 1n, 1, 5n, 'a longer reason than one word of data, surely!'])
    truncatedText.data = truncatedText.data.slice(0, truncatedText.data.length - 64)
    expect(() => decode(truncatedText)).toThrow(SourceError)
    const noVoter = log(OZ, 'VoteCast', [VOTER, 1n, 1, 5n, ''])
    noVoter.topics = noVoter.topics.slice(0, 1)
    expect(() => decode(noVoter)).toThrow(/topics/)
    const queued = log(OZ, 'ProposalQueued', [5n, 1n])
    queued.data = queued.data.slice(0, 66)
    expect(() => decode(queued)).toThrow(SourceError)
    const created = log(OZ, 'ProposalCreated', [1n, VOTER, [], [], [], [], 1n, 2n, 'x'])
    created.data = created.data.slice(0, 200)
    expect(() => decode(created)).toThrow(SourceError)
  })
})
