import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { SourceError, UsageError } from '../../../src/errors.js'
import { fetchLogs, growRange, shrinkRange, type FetchLogsParameters, type LogRangeState } from '../../../src/sources/evm/getLogs.js'
import { createRpcClient, type CreateRpcClientParameters } from '../../../src/sources/evm/rpc.js'
import type { LogChunk, RawLog, RpcCall, RpcClient } from '../../../src/sources/evm/types.js'
import { onEvery, onNth, startFaultProxy, type Fault, type FaultKind, type FaultPlan } from '../../helpers/faultProxy.js'
import { makeLogs, PROVIDER_STYLES, startLogServer, type LogServer } from '../../helpers/logServer.js'

const TOKEN = '0x' + '1f'.repeat(20)
const GOVERNOR = '0x' + '2e'.repeat(20)
const OTHER = '0x' + '3d'.repeat(20) // served, never requested
const TRANSFER = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef'
const DELEGATE_CHANGED = '0x3134e8a2e6d97e929a7e54011ea5485d7d196dd5f0ba4d4ef95803e8e3fc257f'
const DELEGATE_VOTES_CHANGED = '0xdec2bacdd2f05b59de34da9b523dff8be42e5e38e818c82fdb0bae774387a724'
const APPROVAL = '0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7e25b9257ff8e0d43b8d2c7' // served, never requested
const KEY = 'SECRETKEY123456789'

const FROM = 1_000
const TO = 40_999
const FAST: Partial<CreateRpcClientParameters> = { retries: 5, baseDelayMs: 5, maxDelayMs: 50, timeoutMs: 5_000 }

let node: LogServer
let expected: RawLog[]

const query = { addresses: [TOKEN, GOVERNOR], topics: [[TRANSFER, DELEGATE_CHANGED, DELEGATE_VOTES_CHANGED]] }

beforeAll(async () => {
  const logs = makeLogs({
    count: 44_000,
    fromBlock: FROM,
    toBlock: TO,
    addresses: [TOKEN, GOVERNOR, OTHER],
    topic0s: [TRANSFER, DELEGATE_CHANGED, DELEGATE_VOTES_CHANGED, APPROVAL],
    seed: 7,
  })
  expected = logs.filter((l) => l.address !== OTHER && l.topics[0] !== APPROVAL)
  node = await startLogServer({ logs, head: TO + 100 })
})
afterAll(() => node.close())

async function collect(params: Omit<FetchLogsParameters, 'addresses' | 'topics'> & Partial<FetchLogsParameters>): Promise<{ chunks: LogChunk[]; logs: RawLog[] }> {
  const chunks: LogChunk[] = []
  for await (const c of fetchLogs({ ...query, ...params })) chunks.push(c)
  return { chunks, logs: chunks.flatMap((c) => c.logs) }
}

/** `expect(actual).toEqual(expected)` for 20k+ logs, fast: field by field, full diff only for the first mismatch. */
function expectSameLogs(actual: RawLog[], expected: RawLog[]) {
  const same = (a: RawLog, b: RawLog) =>
    Object.keys(a).length === 8 &&
    a.address === b.address &&
    a.data === b.data &&
    a.blockNumber === b.blockNumber &&
    a.blockHash === b.blockHash &&
    a.transactionHash === b.transactionHash &&
    a.transactionIndex === b.transactionIndex &&
    a.logIndex === b.logIndex &&
    a.topics.length === b.topics.length &&
    a.topics.every((t, i) => t === b.topics[i])
  const n = Math.min(actual.length, expected.length)
  for (let i = 0; i < n; i++) if (!same(actual[i]!, expected[i]!)) expect({ index: i, log: actual[i] }).toEqual({ index: i, log: expected[i] })
  expect(actual.length).toBe(expected.length)
}

/** Chunks are contiguous, ascending, cover [from, to] exactly, and hold only their own blocks. */
function expectExactCover(chunks: LogChunk[], from: number, to: number) {
  const problems: string[] = []
  let next = from
  for (const c of chunks) {
    if (c.fromBlock !== next) problems.push(`chunk ${c.fromBlock}-${c.toBlock} does not start at ${next}`)
    if (c.toBlock < c.fromBlock) problems.push(`chunk ${c.fromBlock}-${c.toBlock} is empty`)
    const stray = c.logs.find((l) => l.blockNumber < c.fromBlock || l.blockNumber > c.toBlock)
    if (stray) problems.push(`chunk ${c.fromBlock}-${c.toBlock} holds a log of block ${stray.blockNumber}`)
    next = c.toBlock + 1
  }
  if (next !== to + 1) problems.push(`chunks end at ${next - 1}, not ${to}`)
  expect(problems).toEqual([])
}

async function viaProxy(plan: FaultPlan, extra: Partial<FetchLogsParameters> = {}, client: Partial<CreateRpcClientParameters> = {}) {
  const proxy = await startFaultProxy({ target: node.url, plan })
  try {
    const rpc = createRpcClient({ url: `${proxy.url}/v2/${KEY}`, ...FAST, ...client })
    const r = await collect({ rpc, fromBlock: FROM, toBlock: TO, ...extra })
    return { ...r, stats: proxy.stats }
  } finally {
    await proxy.close()
  }
}

describe('fetchLogs against a node', () => {
  test('fault-free: exactly the requested logs, in order, as contiguous chunks', async () => {
    const rpc = createRpcClient({ url: node.url, ...FAST })
    const progress: number[] = []
    const { chunks, logs } = await collect({ rpc, fromBlock: FROM, toBlock: TO, onProgress: (p) => progress.push(p.blocksDone) })
    expect(expected.length).toBeGreaterThan(20_000)
    expectSameLogs(logs, expected)
    expectExactCover(chunks, FROM, TO)
    expect(progress.at(-1)).toBe(TO - FROM + 1)
    // the range grew from 2000 after successes
    expect(Math.max(...chunks.map((c) => c.toBlock - c.fromBlock + 1))).toBeGreaterThan(2_000)
  })

  test('a sub-range and a single block', async () => {
    const rpc = createRpcClient({ url: node.url, ...FAST })
    const a = await collect({ rpc, fromBlock: 5_000, toBlock: 5_999, initialRange: 97 })
    expectSameLogs(a.logs, expected.filter((l) => l.blockNumber >= 5_000 && l.blockNumber <= 5_999))
    expectExactCover(a.chunks, 5_000, 5_999)
    const b = await collect({ rpc, fromBlock: 7_777, toBlock: 7_777 })
    expect(b.chunks).toHaveLength(1)
    expectSameLogs(b.logs, expected.filter((l) => l.blockNumber === 7_777))
    expect((await collect({ rpc, fromBlock: 10, toBlock: 9 })).chunks).toEqual([])
  })

  test('same result at concurrency 1 and 8', async () => {
    const rpc = createRpcClient({ url: node.url, ...FAST })
    const one = await collect({ rpc, fromBlock: FROM, toBlock: TO, concurrency: 1, initialRange: 1_000 })
    const eight = await collect({ rpc, fromBlock: FROM, toBlock: TO, concurrency: 8, initialRange: 1_000 })
    expectSameLogs(one.logs, expected)
    expectSameLogs(eight.logs, expected)
  })

  test('invalid parameters are usage errors', async () => {
    const rpc = createRpcClient({ url: node.url, ...FAST })
    await expect(collect({ rpc, fromBlock: 0, toBlock: 1, addresses: [] })).rejects.toThrow(UsageError)
    await expect(collect({ rpc, fromBlock: 0, toBlock: 1, addresses: ['0x1234'] })).rejects.toThrow(UsageError)
    await expect(collect({ rpc, fromBlock: -1, toBlock: 1 })).rejects.toThrow(UsageError)
    await expect(collect({ rpc, fromBlock: 0, toBlock: 1, concurrency: 0 })).rejects.toThrow(UsageError)
  })
})

describe('fetchLogs through provider range errors', () => {
  test.each(PROVIDER_STYLES)('%s: converges to the fault-free result', async (style) => {
    const resultLimited = style === 'alchemy' || style === 'infura' || style === 'reth' || style === 'generic'
    const fault: Fault = { kind: 'range', style, limit: resultLimited ? 400 : 700 }
    const { chunks, logs, stats } = await viaProxy(onEvery('eth_getLogs', fault))
    expect(stats.injected.range).toBeGreaterThan(0)
    expectSameLogs(logs, expected)
    expectExactCover(chunks, FROM, TO)
    if (!resultLimited) for (const c of chunks) expect(c.toBlock - c.fromBlock + 1).toBeLessThanOrEqual(700)
  })

  test('the log server refuses like a provider, too (bench setup)', async () => {
    const logs = makeLogs({ count: 5_000, fromBlock: 0, toBlock: 9_999, addresses: [TOKEN], topic0s: [TRANSFER], seed: 3 })
    const limited = await startLogServer({ logs, maxResults: 300, rangeErrorStyle: 'alchemy', maxRange: 3_000 })
    try {
      const rpc = createRpcClient({ url: limited.url, ...FAST })
      const r = await collect({ rpc, fromBlock: 0, toBlock: 9_999, addresses: [TOKEN], topics: [TRANSFER], initialRange: 5_000 })
      expectSameLogs(r.logs, logs)
      expect(limited.stats.rangeErrors).toBeGreaterThan(0)
    } finally {
      await limited.close()
    }
  })

  test('a single block over the limit is a SourceError, not a loop', async () => {
    const dense: RawLog[] = makeLogs({ count: 50, fromBlock: 100, toBlock: 100, addresses: [TOKEN], topic0s: [TRANSFER] })
    const server = await startLogServer({ logs: dense, maxResults: 10, rangeErrorStyle: 'reth' })
    try {
      const rpc = createRpcClient({ url: `${server.url}/v2/${KEY}`, ...FAST })
      const e = await collect({ rpc, fromBlock: 0, toBlock: 200, addresses: [TOKEN], topics: [TRANSFER] }).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(SourceError)
      expect((e as SourceError).shortMessage).toMatch(/refuses eth_getLogs even for the single block 100: query exceeds max results 10/)
      expect((e as SourceError).shortMessage).not.toContain(KEY)
    } finally {
      await server.close()
    }
  })
})

describe('fetchLogs through transport faults', () => {
  const cases: [string, FaultPlan, FaultKind, Partial<CreateRpcClientParameters>?][] = [
    ['HTTP 429 with Retry-After: 1', onNth('eth_getLogs', [3], { kind: 'http429', retryAfter: '1' }), 'http429'],
    ['HTTP 503', onNth('eth_getLogs', [1, 2, 4, 9], { kind: 'http503' }), 'http503'],
    ['JSON-RPC rate limit', onNth('eth_getLogs', [2, 5], { kind: 'rpcRateLimit' }), 'rpcRateLimit'],
    ['hung request (client timeout)', onNth('eth_getLogs', [2], { kind: 'hang' }), 'hang', { timeoutMs: 500 }],
    ['truncated JSON body', onNth('eth_getLogs', [1, 6], { kind: 'truncate' }), 'truncate'],
    ['wrong id', onNth('eth_getLogs', [3, 4], { kind: 'wrongId' }), 'wrongId'],
    ['socket destroyed mid-answer', onNth('eth_getLogs', [2, 7], { kind: 'destroy' }), 'destroy'],
    ['log outside the range', onNth('eth_getLogs', [2], { kind: 'badLog', how: 'outOfRange' }), 'badLog'],
    ['duplicate log', onNth('eth_getLogs', [3], { kind: 'badLog', how: 'duplicate' }), 'badLog'],
    ['removed log', onNth('eth_getLogs', [4], { kind: 'badLog', how: 'removed' }), 'badLog'],
    ['bad address', onNth('eth_getLogs', [2], { kind: 'badLog', how: 'badAddress' }), 'badLog'],
    ['missing blockNumber', onNth('eth_getLogs', [5], { kind: 'badLog', how: 'missingBlockNumber' }), 'badLog'],
    ['unsafe logIndex', onNth('eth_getLogs', [1], { kind: 'badLog', how: 'unsafeNumber' }), 'badLog'],
  ]
  test.each(cases)('%s: same logs, same order', async (_name, plan, kind, client) => {
    const { chunks, logs, stats } = await viaProxy(plan, { malformedDelayMs: 1 }, client)
    expect(stats.injected[kind]).toBeGreaterThan(0)
    expectSameLogs(logs, expected)
    expectExactCover(chunks, FROM, TO)
  })

  test('all faults at once, with a range limit and concurrency 6', async () => {
    // Every third eth_getLogs (up to the 42nd) fails, cycling through the kinds; the rest
    // answer under an Infura-style result limit.
    const faults: Fault[] = [
      { kind: 'http503' },
      { kind: 'truncate' },
      { kind: 'destroy' },
      { kind: 'wrongId' },
      { kind: 'rpcRateLimit' },
      { kind: 'badLog', how: 'duplicate' },
      { kind: 'delay', ms: 30 },
    ]
    const plan: FaultPlan = (r) => {
      if (r.method !== 'eth_getLogs') return undefined
      if (r.methodN <= 42 && r.methodN % 3 === 1) return faults[Math.floor(r.methodN / 3) % faults.length]
      return { kind: 'range', style: 'infura', limit: 500 }
    }
    const { logs, stats } = await viaProxy(plan, { concurrency: 6, malformedDelayMs: 1 }, { retries: 10 })
    for (const k of ['http503', 'truncate', 'destroy', 'wrongId', 'rpcRateLimit', 'badLog', 'delay', 'range'] as const)
      expect(stats.injected[k], k).toBeGreaterThan(0)
    expectSameLogs(logs, expected)
  })

  test('a persistently malformed answer ends in a SourceError that says what is wrong', async () => {
    const proxy = await startFaultProxy({ target: node.url, plan: onEvery('eth_getLogs', { kind: 'badLog', how: 'outOfRange' }) })
    try {
      const rpc = createRpcClient({ url: `${proxy.url}/v2/${KEY}`, ...FAST })
      const e = await collect({ rpc, fromBlock: FROM, toBlock: TO, malformedRetries: 2, malformedDelayMs: 1 }).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(SourceError)
      expect((e as SourceError).exitCode).toBe(3)
      expect((e as SourceError).shortMessage).toMatch(
        new RegExp(`^RPC ${proxy.url}/<redacted> answered eth_getLogs for blocks \\d+-\\d+ with invalid logs 3 times: log \\d+ is in block \\d+, outside the requested range`),
      )
      expect(String(e)).not.toContain(KEY)
    } finally {
      await proxy.close()
    }
  })

  test('retries exhausted: the error names the block range, not the key', async () => {
    const proxy = await startFaultProxy({ target: node.url, plan: onEvery('eth_getLogs', { kind: 'http503' }) })
    try {
      const rpc = createRpcClient({ url: `${proxy.url}/v2/${KEY}`, ...FAST, retries: 2 })
      const e = await collect({ rpc, fromBlock: FROM, toBlock: TO }).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(SourceError)
      expect((e as SourceError).shortMessage).toBe(
        `RPC ${proxy.url}/<redacted> did not answer eth_getLogs after 3 attempts: HTTP 503 Service Unavailable (logs of blocks 1000-2999)`,
      )
      expect(String(e)).not.toContain(KEY)
    } finally {
      await proxy.close()
    }
  })
})

describe('unreachable node', () => {
  test('fetchLogs on a closed port ends quickly in a SourceError without the key', async () => {
    const { createServer } = await import('node:net')
    const s = createServer()
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
    const port = (s.address() as { port: number }).port
    await new Promise<void>((r) => s.close(() => r()))
    const rpc = createRpcClient({ url: `http://127.0.0.1:${port}/v2/${KEY}` }) // default retry policy
    const t0 = performance.now()
    const e = await collect({ rpc, fromBlock: FROM, toBlock: TO }).catch((x: unknown) => x)
    expect(performance.now() - t0).toBeLessThan(5_000)
    expect(e).toBeInstanceOf(SourceError)
    expect((e as SourceError).exitCode).toBe(3)
    expect((e as SourceError).shortMessage).toMatch(/^RPC http:\/\/127\.0\.0\.1:\d+\/<redacted> is unreachable \(connection refused, 3 attempts\)/)
    expect(`${String(e)} ${(e as Error).stack} ${String((e as Error).cause)}`).not.toContain(KEY)
  })
})

describe('ordering and read-ahead', () => {
  test('with slow early answers, chunks are still yielded in block order', async () => {
    // The first two ranges answer last; the rest of the window is in flight meanwhile.
    const plan = onNth('eth_getLogs', [1, 2], { kind: 'delay', ms: 200 })
    const { chunks, logs, stats } = await viaProxy(plan, { concurrency: 6, initialRange: 1_000 })
    expect(stats.injected.delay).toBe(2)
    expectSameLogs(logs, expected)
    expectExactCover(chunks, FROM, TO)
  })

  /** A transport double that answers from memory and records calls (no chain semantics involved). */
  function memoryRpc(): RpcClient & { calls: number; inFlight: number; maxInFlight: number } {
    const rpc = {
      label: 'memory',
      calls: 0,
      inFlight: 0,
      maxInFlight: 0,
      async request<T>(_method: string, params: unknown[]): Promise<T> {
        rpc.calls++
        rpc.inFlight++
        rpc.maxInFlight = Math.max(rpc.maxInFlight, rpc.inFlight)
        await new Promise((r) => setImmediate(r))
        rpc.inFlight--
        const f = params[0] as { fromBlock: string; toBlock: string }
        const a = Number(f.fromBlock)
        const b = Number(f.toBlock)
        return expected
          .filter((l) => l.blockNumber >= a && l.blockNumber <= b)
          .map((l) => ({
            ...l,
            blockNumber: `0x${l.blockNumber.toString(16)}`,
            logIndex: `0x${l.logIndex.toString(16)}`,
            transactionIndex: `0x${l.transactionIndex.toString(16)}`,
          })) as T
      },
      batch<T>(_calls: RpcCall[]): Promise<T[]> {
        throw new Error('unused')
      },
    }
    return rpc
  }

  test('read-ahead is bounded by concurrency while the consumer is slow', async () => {
    const rpc = memoryRpc()
    const it = fetchLogs({ rpc, ...query, fromBlock: FROM, toBlock: TO, concurrency: 3, initialRange: 500, growAfter: 1_000 })
    const first = await it.next()
    expect(first.done).toBe(false)
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r)) // let pending work settle
    // One range consumed, at most `concurrency` more fetched or in flight.
    expect(rpc.calls).toBeLessThanOrEqual(1 + 3)
    expect(rpc.maxInFlight).toBeLessThanOrEqual(3)
    await it.return(undefined)
    const after = rpc.calls
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r))
    expect(rpc.calls).toBe(after) // closing stops further requests
  })
})

describe('adaptive range state', () => {
  test('shrinks to the suggestion, to a stated maximum, or by half; grows after successes up to the cap', () => {
    const s: LogRangeState = { range: 2_000, confirmedMax: undefined, successes: 2 }
    expect(shrinkRange(s, 100, 2_099, { isRangeError: true, suggested: { fromBlock: 100, toBlock: 399 } })).toBe(300)
    expect(s).toEqual({ range: 300, confirmedMax: undefined, successes: 0 })
    for (let i = 0; i < 3; i++) growRange(s, 100_000, 3)
    expect(s.range).toBe(600)
    expect(shrinkRange(s, 0, 599, { isRangeError: true })).toBe(300)
    const q: LogRangeState = { range: 20_000, confirmedMax: undefined, successes: 0 }
    expect(shrinkRange(q, 0, 19_999, { isRangeError: true, suggested: { maxRange: 10_000 } })).toBe(10_000)
    expect(q.confirmedMax).toBe(10_000)
    for (let i = 0; i < 30; i++) growRange(q, 100_000, 3)
    expect(q.range).toBe(10_000)
    // A stated maximum the failed range already respected: stay strictly below what failed.
    const r: LogRangeState = { range: 10_000, confirmedMax: undefined, successes: 0 }
    expect(shrinkRange(r, 0, 9_999, { isRangeError: true, suggested: { maxRange: 10_000 } })).toBe(9_999)
    expect(r.confirmedMax).toBe(9_999)
  })
})
