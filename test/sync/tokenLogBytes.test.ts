/**
 * The indexer's byte reader of eth_getLogs answers (jsonBytes.ts, logBytes.ts, the
 * `fromBytes` of daoLogConverter) against the ordinary path (JSON.parse, LogReader,
 * decodeTokenLog): on any answer, it either declines (undefined: the ordinary path runs)
 * or gives exactly what the ordinary path gives; it never accepts what the ordinary path
 * refuses; and on the answers nodes send it does not decline.
 */
import { describe, expect, test } from 'vitest'
import fc from 'fast-check'
import { SourceError } from '../../src/errors.js'
import { makeLogFilter } from '../../src/sources/evm/getLogs.js'
import { readRpcResult } from '../../src/sources/evm/jsonBytes.js'
import type { RawLog } from '../../src/sources/evm/types.js'
import { governorTopics } from '../../src/sources/governor/topics.js'
import { TOKEN_TOPICS } from '../../src/sources/token/decode.js'
import { daoLogConverter, type DaoLogs } from '../../src/sync/tokenLogs.js'
import { simulateToken } from '../helpers/tokenSimulation.js'
import { simulateGovernor } from '../helpers/governorSimulation.js'

const TOKEN = '0x' + '1f'.repeat(20)
const GOVERNOR = '0x' + '2e'.repeat(20)
const ID = 7

const token = simulateToken({ token: TOKEN, events: 1_500, holders: 300, delegates: 20, airdrop: 100, seed: 3 })
const governor = simulateGovernor({ token, governor: GOVERNOR, proposals: 6, votes: 200, seed: 3 })
/** Token and governor logs in chain order, plus a few ERC721-style transfers of the token. */
const LOGS: RawLog[] = governor.logs.map((l, i) =>
  i % 97 === 5 && l.address === TOKEN && l.topics.length === 3 && l.data.length === 66
    ? { ...l, topics: [...l.topics, '0x' + (i + 1).toString(16).padStart(64, '0')], data: '0x' }
    : l,
)
const FROM = LOGS[0]!.blockNumber
const TO = LOGS.at(-1)!.blockNumber
const filter = makeLogFilter([TOKEN, GOVERNOR], [[...TOKEN_TOPICS, ...governorTopics('oz')]])
const convert = daoLogConverter(TOKEN, new Map([[GOVERNOR, 'oz' as const]]), TO - 5)

const hex = (n: number) => '0x' + n.toString(16)
/** A log as a node writes it (keys in the given order, extra members appended). */
function wire(l: RawLog, keys: readonly string[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  const all: Record<string, unknown> = {
    address: l.address,
    topics: l.topics,
    data: l.data,
    blockNumber: hex(l.blockNumber),
    blockHash: l.blockHash,
    transactionHash: l.transactionHash,
    transactionIndex: hex(l.transactionIndex),
    logIndex: hex(l.logIndex),
    removed: false,
  }
  const out: Record<string, unknown> = {}
  for (const k of keys) out[k] = all[k]
  return Object.assign(out, extra)
}
const GETH_ORDER = ['address', 'topics', 'data', 'blockNumber', 'transactionHash', 'transactionIndex', 'blockHash', 'logIndex', 'removed']
const ANVIL_ORDER = ['address', 'topics', 'data', 'blockHash', 'blockNumber', 'transactionHash', 'transactionIndex', 'logIndex', 'removed']

function envelope(result: unknown, space?: number): Buffer {
  return Buffer.from(JSON.stringify({ jsonrpc: '2.0', id: ID, result }, null, space), 'utf8')
}

/** Both paths on one body: the ordinary one's value or error, and the byte reader's value (undefined = declined). */
function both(body: Buffer, from = FROM, to = TO) {
  let ordinary: { logs: DaoLogs; count: number } | Error
  try {
    ordinary = convert((JSON.parse(body.toString('utf8')) as { result: unknown }).result, from, to, filter)
  } catch (e) {
    ordinary = e as Error
  }
  const fast = readRpcResult(body, ID, (json) => convert.fromBytes(json, from, to, filter))
  return { ordinary, fast }
}

const plain = (x: { logs: DaoLogs; count: number }) => ({
  count: x.count,
  token: { ...x.logs.token, kind: [...x.logs.token.kind], blockNumber: [...x.logs.token.blockNumber], logIndex: [...x.logs.token.logIndex], transactionIndex: [...x.logs.token.transactionIndex] },
  governor: x.logs.governor,
  blockHashes: x.logs.blockHashes,
})

describe('reading eth_getLogs answers from their bytes', () => {
  test('answers as nodes send them are read from the bytes, with exactly the ordinary result', () => {
    for (const [order, space] of [[GETH_ORDER, undefined], [ANVIL_ORDER, 2]] as const) {
      const body = envelope(LOGS.map((l) => wire(l, order, order === ANVIL_ORDER ? { blockTimestamp: hex(1_700_000_000 + l.blockNumber) } : {})), space)
      const { ordinary, fast } = both(body)
      expect(ordinary).not.toBeInstanceOf(Error)
      expect(fast).toBeDefined()
      expect(plain(fast!)).toEqual(plain(ordinary as { logs: DaoLogs; count: number }))
      expect(fast!.logs.token.count).toBeGreaterThan(1_000)
      expect(fast!.logs.token.kind).toContain(1) // an ERC721-style transfer
      expect(fast!.logs.governor.length).toBeGreaterThan(100)
    }
    expect(both(envelope([])).fast).toEqual({ logs: { token: expect.anything(), governor: [], blockHashes: [] }, count: 0 })
  })

  test('declines whatever it does not read exactly, and never accepts what the ordinary path refuses', () => {
    const mutations: ((logs: Record<string, unknown>[]) => void)[] = [
      (ls) => (ls[3]!.address = (ls[3]!.address as string).toUpperCase().replace('0X', '0x')), // ordinary: lowercased
      (ls) => (ls[3]!.address = '0x' + '33'.repeat(20)), // not requested
      (ls) => (ls[4]!.removed = true),
      (ls) => ls.splice(5, 0, { ...ls[5]! }), // a duplicate
      (ls) => ls.reverse(), // out of order: the ordinary path sorts
      (ls) => (ls[6]!.blockHash = '0x' + 'ab'.repeat(32)), // two hashes for one block (or a new hash: either way equal results)
      (ls) => (ls[59]!.blockNumber = hex(LOGS[59]!.blockNumber + 1)), // past the requested range
      (ls) => (ls[8]!.logIndex = '0x' + 'f'.repeat(14)),
      (ls) => (ls[8]!.logIndex = 12),
      (ls) => (ls[9]!.data = (ls[9]!.data as string) + '00'), // a token log with a broken layout
      (ls) => (ls[9]!.data = (ls[9]!.data as string).slice(0, -1)),
      (ls) => (ls[10]!.topics = [...(ls[10]!.topics as string[]), '0x' + '00'.repeat(32)].slice(0, 5)),
      (ls) => (ls[11]!.topics = ['0x' + 'cd'.repeat(32)]),
      (ls) => (ls[12]!.transactionHash = 'ab'),
      (ls) => (ls[12]!.transactionHash = (ls[12]!.transactionHash as string).toUpperCase().replace('0X', '0x')),
      (ls) => delete ls[13]!.blockHash,
      (ls) => (ls[14]!.extra = { nested: true }),
      (ls) => (ls[14]!.note = 'caf\u00e9'),
      (ls) => (ls[15]!.topics = [(ls[15]!.topics as string[])[0]!, '0x' + '11'.repeat(32), '0x' + '00'.repeat(32)]), // address topic with a non-zero pad
      (ls) => (ls[16] = 'not a log' as unknown as Record<string, unknown>),
    ]
    const to = LOGS[59]!.blockNumber
    const check = (picked: number[], anvil: boolean): boolean => {
      const logs = LOGS.slice(0, 60).map((l) => wire(l, anvil ? ANVIL_ORDER : GETH_ORDER))
      for (const m of picked) mutations[m]!(logs)
      const { ordinary, fast } = both(envelope(logs), FROM, to)
      if (ordinary instanceof Error) expect(fast).toBeUndefined()
      else if (fast !== undefined) expect(plain(fast)).toEqual(plain(ordinary))
      return fast !== undefined
    }
    // Each mutation alone (others could make the reader decline for another reason and hide it)...
    expect(check([], false) && check([], true)).toBe(true) // unmutated, the bytes are read
    for (let m = 0; m < mutations.length; m++) for (const anvil of [false, true]) check([m], anvil)
    // ...and together.
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: mutations.length - 1 }), { minLength: 2, maxLength: 4 }), fc.boolean(), (picked, anvil) => {
        check(picked, anvil)
      }),
    )
  })

  test('a log the decoders refuse (a governor event, a token event near the tip) is left to the ordinary path and its error', () => {
    const vote = LOGS.findIndex((l) => l.address === GOVERNOR && l.data.length > 200)
    const tip = LOGS.findIndex((l) => l.address === TOKEN && l.blockNumber >= TO - 5)
    expect(vote).toBeGreaterThan(0)
    expect(tip).toBeGreaterThan(0)
    for (const at of [vote, tip]) {
      const logs = LOGS.map((l) => wire(l, GETH_ORDER))
      logs[at]!.data = (logs[at]!.data as string).slice(0, 2 + 64) + (at === tip ? '00' : '')
      const { ordinary, fast } = both(envelope(logs))
      expect(ordinary).toBeInstanceOf(SourceError)
      expect(fast).toBeUndefined()
    }
  })

  test('with topic0 unconstrained (token events not told apart by the filter) the answer is read the ordinary way', () => {
    const open = makeLogFilter([TOKEN, GOVERNOR], [])
    const body = envelope(LOGS.slice(0, 50).map((l) => wire(l, GETH_ORDER)))
    const to = LOGS[49]!.blockNumber
    expect(readRpcResult(body, ID, (json) => convert.fromBytes(json, FROM, to, open))).toBeUndefined()
    expect(convert((JSON.parse(body.toString('utf8')) as { result: unknown }).result, FROM, to, open).logs.token.count).toBeGreaterThan(10)
  })

  test('an answer that is not a plain result for this request is left to the ordinary reader', () => {
    const logs = LOGS.slice(0, 5).map((l) => wire(l, GETH_ORDER))
    const good = JSON.stringify({ jsonrpc: '2.0', id: ID, result: logs })
    const read = (text: string) => readRpcResult(Buffer.from(text, 'utf8'), ID, (json) => convert.fromBytes(json, FROM, TO, filter))
    expect(read(good)).toBeDefined()
    expect(read(JSON.stringify({ result: logs, id: ID, jsonrpc: '2.0' }))).toBeDefined()
    for (const text of [
      good.slice(0, -10), // truncated
      good + 'x',
      JSON.stringify({ jsonrpc: '2.0', id: ID + 1, result: logs }), // a wrong id
      JSON.stringify({ jsonrpc: '2.0', id: ID, error: { code: -32005, message: 'query returned more than 10000 results' } }),
      JSON.stringify({ jsonrpc: '2.0', id: ID, result: logs, error: null }),
      JSON.stringify({ jsonrpc: '2.0', id: ID, result: logs, id2: 1 }),
      JSON.stringify({ jsonrpc: '2.0', id: `${ID}`, result: logs }),
      JSON.stringify({ jsonrpc: '2.0', id: ID, result: null }),
      JSON.stringify([{ jsonrpc: '2.0', id: ID, result: logs }]),
      good.replace(`"id":${ID}`, `"id":${ID}.0`),
      good.replace('"jsonrpc"', '"json\\u0072pc"'),
      good.replace('"removed":false', '"removed":false,"removed":false'), // a duplicate key
    ])
      expect(read(text)).toBeUndefined()
  })
})
