import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { SourceError, UsageError } from '../../../src/errors.js'
import { createRpcClient, RpcResponseError, type RpcRetryEvent } from '../../../src/sources/evm/rpc.js'
import { startFaultProxy, onNth, type FaultPlan } from '../../helpers/faultProxy.js'
import { makeLogs, startLogServer, type LogServer } from '../../helpers/logServer.js'

const KEY = 'SECRETKEY123456789'
const FAST = { retries: 4, baseDelayMs: 5, maxDelayMs: 40, timeoutMs: 2_000 }

let node: LogServer
beforeAll(async () => {
  const logs = makeLogs({ count: 200, fromBlock: 1, toBlock: 500, addresses: ['0x' + '11'.repeat(20)], topic0s: ['0x' + 'aa'.repeat(32)] })
  node = await startLogServer({ logs, head: 1000 })
})
afterAll(() => node.close())

async function withProxy<T>(plan: FaultPlan, fn: (url: string, stats: Awaited<ReturnType<typeof startFaultProxy>>['stats']) => Promise<T>) {
  const proxy = await startFaultProxy({ target: node.url, plan })
  try {
    return await fn(proxy.url, proxy.stats)
  } finally {
    await proxy.close()
  }
}

async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as { port: number }).port
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

/** Every text an error could show: messages, details and stacks of the whole cause chain. */
function allText(e: unknown): string {
  const parts: string[] = []
  for (let x: unknown = e, i = 0; x && i < 10; x = (x as { cause?: unknown }).cause, i++) {
    const o = x as { message?: string; stack?: string; details?: string; shortMessage?: string }
    parts.push(String(o.message), String(o.stack), String(o.details), String(o.shortMessage), String(x))
  }
  return parts.join('\n')
}

describe('createRpcClient', () => {
  test('request and batch against a node', async () => {
    const rpc = createRpcClient({ url: node.url, ...FAST })
    expect(rpc.label).toBe(node.url)
    expect(await rpc.request('eth_chainId', [])).toBe('0x7a69')
    expect(await rpc.request('eth_blockNumber', [])).toBe('0x3e8')
    const out = await rpc.batch<{ number: string }>([1, 2, 3].map((n) => ({ method: 'eth_getBlockByNumber', params: [`0x${n.toString(16)}`, false] })))
    expect(out.map((b) => b.number)).toEqual(['0x1', '0x2', '0x3'])
    expect(await rpc.batch([])).toEqual([])
  })

  test("requestBytes: the reader's value, the parsed result when it declines, and its own error unchanged and not retried", async () => {
    const retries: RpcRetryEvent[] = []
    const rpc = createRpcClient({ url: node.url, ...FAST, onRetry: (e) => retries.push(e) })
    const seen: string[] = []
    expect(await rpc.requestBytes!('eth_chainId', [], (body) => (seen.push(Buffer.from(body).toString('utf8')), 'read'))).toEqual({ read: 'read' })
    expect(JSON.parse(seen[0]!)).toMatchObject({ result: '0x7a69' })
    expect(await rpc.requestBytes!('eth_chainId', [], () => undefined)).toEqual({ result: '0x7a69' })
    const bug = new TypeError('a bug in a reader: the connection was reset') // words the retry policy would take for a network error
    await expect(rpc.requestBytes!('eth_chainId', [], () => { throw bug })).rejects.toBe(bug)
    expect(retries).toEqual([])
  })

  test('the label hides the key, and bad URLs are usage errors', () => {
    expect(createRpcClient({ url: `${node.url}/v2/${KEY}` }).label).toBe(`${node.url}/<redacted>`)
    expect(() => createRpcClient({ url: 'not a url' })).toThrow(UsageError)
    expect(() => createRpcClient({ url: `wss://example.invalid/v2/${KEY}` })).toThrow(UsageError)
    try {
      createRpcClient({ url: `wss://example.invalid/v2/${KEY}` })
    } catch (e) {
      expect(allText(e)).not.toContain(KEY)
    }
  })

  test('batch answers are matched by id in any order', async () => {
    // Reverse the answer array: ids must still map each result to its call.
    const { createServer: createHttp } = await import('node:http')
    const srv = createHttp((req, res) => {
      let body = ''
      req.on('data', (c) => (body += c))
      req.on('end', () => {
        const calls = JSON.parse(body) as { id: number; params: [string] }[]
        res.end(JSON.stringify(calls.map((c) => ({ jsonrpc: '2.0', id: c.id, result: c.params[0] })).reverse()))
      })
    })
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
    try {
      const rpc = createRpcClient({ url: `http://127.0.0.1:${(srv.address() as { port: number }).port}`, ...FAST })
      expect(await rpc.batch(['a', 'b', 'c', 'd'].map((x) => ({ method: 'echo', params: [x] })))).toEqual(['a', 'b', 'c', 'd'])
    } finally {
      srv.closeAllConnections()
      await new Promise<void>((r) => srv.close(() => r()))
    }
  })

  test('user:pass@ in the URL is sent as basic auth, and kept out of messages', async () => {
    const { createServer: createHttp } = await import('node:http')
    const seen: (string | undefined)[] = []
    const srv = createHttp((req, res) => {
      seen.push(req.headers.authorization)
      req.resume()
      req.on('end', () => {
        res.writeHead(401)
        res.end('Unauthorized')
      })
    })
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
    try {
      const port = (srv.address() as { port: number }).port
      const rpc = createRpcClient({ url: `http://alice:${KEY}@127.0.0.1:${port}/`, ...FAST })
      expect(rpc.label).toBe(`http://127.0.0.1:${port}/<redacted>`)
      const e = await rpc.request('eth_chainId', []).catch((x: unknown) => x)
      expect(seen).toEqual([`Basic ${Buffer.from(`alice:${KEY}`).toString('base64')}`])
      expect((e as SourceError).shortMessage).toBe(
        `RPC http://127.0.0.1:${port}/<redacted> refused eth_chainId: HTTP 401 Unauthorized; check the API key in the RPC URL`,
      )
      expect(allText(e)).not.toContain(KEY)
    } finally {
      srv.closeAllConnections()
      await new Promise<void>((r) => srv.close(() => r()))
    }
  })

  test('a JSON-RPC error that retrying cannot fix is an RpcResponseError at once', async () => {
    await withProxy({}, async (url, stats) => {
      const rpc = createRpcClient({ url: `${url}/v2/${KEY}`, ...FAST })
      const e = await rpc.request('eth_nope', []).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(RpcResponseError)
      expect(e).toBeInstanceOf(SourceError)
      expect((e as RpcResponseError).code).toBe(-32601)
      expect((e as RpcResponseError).exitCode).toBe(3)
      expect(allText(e)).not.toContain(KEY)
      expect(stats.requests).toBe(1)
    })
  })

  test('QuickNode answers its range error with HTTP 413: still an RpcResponseError with the message', async () => {
    await withProxy({ 1: { kind: 'range', style: 'quicknode', limit: 10 } }, async (url) => {
      const rpc = createRpcClient({ url, ...FAST })
      const e = await rpc.request('eth_getLogs', [{ fromBlock: '0x1', toBlock: '0x64' }]).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(RpcResponseError)
      expect((e as RpcResponseError).error).toEqual({ code: -32614, message: 'eth_getLogs is limited to a 10 range' })
      expect((e as RpcResponseError).httpStatus).toBe(413)
    })
  })

  test.each<[string, FaultPlan, keyof Awaited<ReturnType<typeof startFaultProxy>>['stats']['injected']]>([
    ['HTTP 503', { 1: { kind: 'http503' }, 2: { kind: 'http503' } }, 'http503'],
    ['HTTP 429 + Retry-After', { 1: { kind: 'http429', retryAfter: '0' } }, 'http429'],
    ['JSON-RPC rate limit', { 1: { kind: 'rpcRateLimit' } }, 'rpcRateLimit'],
    ['truncated body', { 1: { kind: 'truncate' } }, 'truncate'],
    ['wrong id', { 1: { kind: 'wrongId' } }, 'wrongId'],
    ['socket destroyed mid-answer', { 1: { kind: 'destroy' } }, 'destroy'],
    ['hung request', { 1: { kind: 'hang' } }, 'hang'],
  ])('retries a %s and then answers', async (_name, plan, kind) => {
    await withProxy(plan, async (url, stats) => {
      const retries: RpcRetryEvent[] = []
      const rpc = createRpcClient({ url, ...FAST, timeoutMs: 500, onRetry: (e) => retries.push(e) })
      expect(await rpc.request('eth_blockNumber', [])).toBe('0x3e8')
      expect(stats.injected[kind]).toBeGreaterThan(0)
      expect(retries.length).toBe(stats.injected[kind])
      expect(retries[0]!.method).toBe('eth_blockNumber')
    })
  })

  test('a batch answered with a wrong id or missing item is retried', async () => {
    await withProxy(onNth('eth_getBlockByNumber', [1], { kind: 'wrongId' }), async (url, stats) => {
      const rpc = createRpcClient({ url, ...FAST })
      const out = await rpc.batch<{ number: string }>([5, 6].map((n) => ({ method: 'eth_getBlockByNumber', params: [`0x${n}`, false] })))
      expect(out.map((b) => b.number)).toEqual(['0x5', '0x6'])
      expect(stats.injected.wrongId).toBe(1)
    })
  })

  test('retries exhausted: a SourceError that says what failed, without the key', async () => {
    await withProxy(() => ({ kind: 'http503' }), async (url, stats) => {
      const reasons: string[] = []
      const rpc = createRpcClient({ url: `${url}/v2/${KEY}`, ...FAST, retries: 3, onRetry: (e) => reasons.push(e.reason) })
      const e = await rpc.request('eth_getLogs', [{}]).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(SourceError)
      expect(e).not.toBeInstanceOf(RpcResponseError)
      expect((e as SourceError).exitCode).toBe(3)
      expect((e as SourceError).shortMessage).toBe(`RPC ${url}/<redacted> did not answer eth_getLogs after 4 attempts: HTTP 503 Service Unavailable`)
      expect(stats.injected.http503).toBe(4)
      expect(allText(e) + reasons.join('\n')).not.toContain(KEY)
    })
  })

  test('retries exhausted on timeouts', async () => {
    await withProxy(() => ({ kind: 'hang' }), async (url) => {
      const rpc = createRpcClient({ url: `${url}/v2/${KEY}`, ...FAST, retries: 1, timeoutMs: 300 })
      const e = await rpc.request('eth_blockNumber', []).catch((x: unknown) => x)
      expect((e as SourceError).shortMessage).toBe(`RPC ${url}/<redacted> did not answer eth_blockNumber after 2 attempts: no answer within 300 ms`)
      expect(allText(e)).not.toContain(KEY)
    })
  })

  test('an unreachable RPC fails quickly with a clear SourceError, without the key', async () => {
    const port = await freePort()
    const rpc = createRpcClient({ url: `http://127.0.0.1:${port}/v2/${KEY}` }) // default policy
    const t0 = performance.now()
    const e = await rpc.request('eth_chainId', []).catch((x: unknown) => x)
    const ms = performance.now() - t0
    expect(e).toBeInstanceOf(SourceError)
    expect((e as SourceError).shortMessage).toBe(
      `RPC http://127.0.0.1:${port}/<redacted> is unreachable (connection refused, 3 attempts); check the --rpc URL and that the node is running`,
    )
    expect(ms).toBeLessThan(5_000)
    expect(allText(e)).not.toContain(KEY)
  })

  test('HTTP 401 is not retried and names the API key as the thing to check', async () => {
    await withProxy(() => ({ kind: 'rpcError', code: -32000, message: 'Must be authenticated!', status: 401 }), async (url, stats) => {
      const rpc = createRpcClient({ url: `${url}/v2/${KEY}`, ...FAST })
      const e = await rpc.request('eth_chainId', []).catch((x: unknown) => x)
      expect(e).toBeInstanceOf(SourceError)
      expect((e as SourceError).shortMessage).toBe(
        `RPC ${url}/<redacted> refused eth_chainId: HTTP 401 Unauthorized (Must be authenticated!); check the API key in the RPC URL`,
      )
      expect(stats.requests).toBe(1)
      expect(allText(e)).not.toContain(KEY)
    })
  })
})
