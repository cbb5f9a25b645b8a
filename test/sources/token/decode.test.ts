import { describe, expect, test } from 'vitest'
import { AbiCoder, zeroPadValue } from 'ethers'
import { decodeTokenLog, ONE_WORD, TOPIC } from '../../../src/sources/token/decode.js'
import type { RawLog } from '../../../src/sources/evm/types.js'
import { SourceError } from '../../../src/errors.js'

const A = '0x1111111111111111111111111111111111111111'
const B = '0x2222222222222222222222222222222222222222'
const C = '0x3333333333333333333333333333333333333333'
const topic = (addr: string) => zeroPadValue(addr, 32)
const coder = AbiCoder.defaultAbiCoder()

const log = (topics: string[], data: string): RawLog => ({
  address: '0x9999999999999999999999999999999999999999',
  topics,
  data,
  blockNumber: 7,
  blockHash: `0x${'ab'.repeat(32)}`,
  transactionHash: `0x${'cd'.repeat(32)}`,
  transactionIndex: 1,
  logIndex: 3,
})

// The expected values come from ethers' ABI encoder, not from the decoder under test.
describe('decodeTokenLog', () => {
  test('ERC20 Transfer keeps the exact uint256 word', () => {
    const value = (1n << 255n) + 12345n
    const ev = decodeTokenLog(log([TOPIC.Transfer, topic(A), topic(B)], coder.encode(['uint256'], [value])))
    expect(ev).toMatchObject({ kind: 'Transfer', from: A, to: B, tokenId: null, blockNumber: 7, logIndex: 3 })
    expect(BigInt(`0x${(ev as { value: string }).value}`)).toBe(value)
  })

  test('ERC721 Transfer (token id indexed) moves one vote unit', () => {
    const ev = decodeTokenLog(log([TOPIC.Transfer, topic(A), topic(B), zeroPadValue('0x2a', 32)], '0x'))
    expect(ev).toMatchObject({ kind: 'Transfer', value: ONE_WORD })
    expect(BigInt(`0x${(ev as { tokenId: string }).tokenId}`)).toBe(42n)
  })

  test('DelegateChanged and DelegateVotesChanged', () => {
    expect(decodeTokenLog(log([TOPIC.DelegateChanged, topic(A), topic(B), topic(C)], '0x'))).toMatchObject({
      kind: 'DelegateChanged',
      delegator: A,
      fromDelegate: B,
      toDelegate: C,
    })
    const dvc = decodeTokenLog(log([TOPIC.DelegateVotesChanged, topic(C)], coder.encode(['uint256', 'uint256'], [5n, 2n ** 200n])))
    expect(dvc).toMatchObject({ kind: 'DelegateVotesChanged', delegate: C })
    const { previousVotes, newVotes } = dvc as { previousVotes: string; newVotes: string }
    expect(BigInt(`0x${previousVotes}`)).toBe(5n)
    expect(BigInt(`0x${newVotes}`)).toBe(2n ** 200n)
  })

  test('unrelated topics are ignored', () => {
    expect(decodeTokenLog(log([`0x${'00'.repeat(32)}`], '0x'))).toBeNull()
  })

  test.each([
    ['Transfer with short data', [TOPIC.Transfer, topic(A), topic(B)], '0x01'],
    ['Transfer with 2 topics', [TOPIC.Transfer, topic(A)], coder.encode(['uint256'], [1n])],
    ['address topic with dirty padding', [TOPIC.Transfer, `0x${'ff'.repeat(12)}${A.slice(2)}`, topic(B)], coder.encode(['uint256'], [1n])],
    ['DelegateVotesChanged with one word', [TOPIC.DelegateVotesChanged, topic(A)], coder.encode(['uint256'], [1n])],
    ['DelegateChanged with 3 topics', [TOPIC.DelegateChanged, topic(A), topic(B)], '0x'],
  ])('malformed %s is a SourceError, never skipped', (_name, topics, data) => {
    expect(() => decodeTokenLog(log(topics, data))).toThrow(SourceError)
  })
})
