/** tokenLogConverter: the same validation as convertLogs, straight to packed events. */
import { describe, expect, test } from 'vitest'
import { InvalidLogs, makeLogFilter } from '../../src/sources/evm/getLogs.js'
import { SourceError } from '../../src/errors.js'
import { TOKEN_TOPICS, TOPIC } from '../../src/sources/token/decode.js'
import { tokenLogConverter } from '../../src/sync/tokenLogs.js'
import type { TokenBatch } from '../../src/store/tokenRows.js'

const TOKEN = '0x' + '1f'.repeat(20)
const topicOf = (a: string) => '0x' + '0'.repeat(24) + a.slice(2)
const A = '0x' + 'aa'.repeat(20)
const B = '0x' + 'bb'.repeat(20)
const hex = (n: number) => '0x' + n.toString(16)
const word = (n: number) => n.toString(16).padStart(64, '0')

/** Logs as a node answers them (JSON values), in (block, logIndex) order. */
function answer() {
  const logs: Record<string, unknown>[] = []
  for (let i = 0; i < 6; i++) {
    const block = 100 + (i >> 1)
    const base = { address: TOKEN.toUpperCase().replace('0X', '0x'), blockNumber: hex(block), blockHash: '0x' + word(block), transactionHash: '0x' + word(1000 + i), transactionIndex: hex(i), logIndex: hex(i), removed: false }
    logs.push(
      i % 2 === 0
        ? { ...base, topics: [TOPIC.Transfer, topicOf(A), topicOf(B)], data: '0x' + word(i + 1) }
        : { ...base, topics: [TOPIC.DelegateVotesChanged, topicOf(B)], data: '0x' + word(i) + word(i + 1) },
    )
  }
  return logs
}

const convert = tokenLogConverter(TOKEN)
const filter = makeLogFilter([TOKEN], [TOKEN_TOPICS])
const plain = (b: TokenBatch) => ({ ...b, kind: [...b.kind], blockNumber: [...b.blockNumber], logIndex: [...b.logIndex], transactionIndex: [...b.transactionIndex] })

describe('tokenLogConverter', () => {
  test('packs every token event, and an answer out of order exactly as the same answer in order', () => {
    const inOrder = convert(answer(), 100, 102, filter)
    expect(inOrder.count).toBe(6)
    expect(inOrder.logs.count).toBe(6)
    expect([...inOrder.logs.kind]).toEqual([0, 3, 0, 3, 0, 3])
    const shuffled = answer().reverse()
    expect(plain(convert(shuffled, 100, 102, filter).logs)).toEqual(plain(inOrder.logs))
  })

  test('refuses what convertLogs refuses: duplicates, two hashes for one block, logs outside the range', () => {
    const dup = answer()
    dup.push({ ...dup[0]! })
    expect(() => convert(dup, 100, 102, filter)).toThrow(InvalidLogs)
    const reorg = answer()
    reorg[1] = { ...reorg[1]!, blockHash: '0x' + word(999) }
    expect(() => convert(reorg, 100, 102, filter)).toThrow(/two different block hashes/)
    expect(() => convert(answer(), 100, 101, filter)).toThrow(/outside the requested range/)
  })

  test('a first log without a hash, and fields that are not hex, are refused like any other malformed log', () => {
    const noHash = answer()
    delete noHash[0]!.blockHash
    expect(() => convert(noHash, 100, 102, filter)).toThrow(/log 0 has an invalid blockHash/)
    const noTx = answer()
    delete noTx[0]!.transactionHash
    expect(() => convert(noTx, 100, 102, filter)).toThrow(/log 0 has an invalid transactionHash/)
    const topic = answer()
    topic[2] = { ...topic[2]!, topics: [TOPIC.Transfer, '0x' + 'zz'.repeat(32), topicOf(B)] }
    expect(() => convert(topic, 100, 102, filter)).toThrow(InvalidLogs)
    const data = answer()
    data[1] = { ...data[1]!, data: '0x' + 'g'.repeat(128) }
    expect(() => convert(data, 100, 102, filter)).toThrow(/log 1 has invalid data/)
  })

  test('a token log with a broken layout is a SourceError (not retried as a malformed answer)', () => {
    const bad = answer()
    bad[0] = { ...bad[0]!, data: '0x' + word(1) + '00' }
    expect(() => convert(bad, 100, 102, filter)).toThrow(SourceError)
  })
})
