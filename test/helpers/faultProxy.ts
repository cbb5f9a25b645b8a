/**
 * A loopback JSON-RPC proxy in front of a real node (anvil or the log server) that
 * forwards requests and injects real provider-style failures according to a plan.
 *
 * The plan is consulted once per HTTP request: either a function of the parsed request
 * or a map from the 1-based request number to a fault. Faults:
 * - range:       a provider's eth_getLogs refusal (see ProviderStyle), only when the
 *                request breaks `limit` (blocks, or results counted on the real answer);
 *                the suggestion is computed as that provider does, so a client converges.
 * - http429:     HTTP 429 with `Retry-After` (default "1") and Alchemy's body.
 * - http503:     HTTP 503 with an HTML body.
 * - rpcRateLimit: HTTP 200 with Infura's -32005 "project ID request rate exceeded".
 * - rpcError:    any JSON-RPC error answer.
 * - hang:        never answers (the client's timeout must fire).
 * - truncate:    the real answer cut in half, with a matching Content-Length.
 * - wrongId:     the real answer with another id (in a batch: the first item's).
 * - destroy:     headers and half the body, then the socket is destroyed.
 * - badLog:      the real eth_getLogs answer with one log corrupted.
 * - delay:       the real answer, `ms` later (not a failure: reorders concurrent answers).
 * - forkedLogs:  the real eth_getLogs answer with every block hash replaced (consistently per
 *                block), as if the logs were read from a fork the chain has since dropped.
 * `stats.injected[kind]` counts faults actually injected (a range fault that did not
 * apply, or a badLog on an empty answer, is not counted).
 */
import { createServer, request as httpRequest, Agent, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import { limitsResults, providerRangeError, type ProviderStyle } from './logServer.js'

export type BadLogKind = 'outOfRange' | 'duplicate' | 'removed' | 'badAddress' | 'missingBlockNumber' | 'unsafeNumber'

export type Fault =
  | { kind: 'range'; style: ProviderStyle; limit: number }
  | { kind: 'http429'; retryAfter?: string }
  | { kind: 'http503' }
  | { kind: 'rpcRateLimit'; backoffSeconds?: number }
  | { kind: 'rpcError'; code: number; message: string; data?: unknown; status?: number }
  | { kind: 'hang' }
  | { kind: 'truncate' }
  | { kind: 'wrongId' }
  | { kind: 'destroy' }
  | { kind: 'badLog'; how: BadLogKind }
  | { kind: 'delay'; ms: number }
  | { kind: 'forkedLogs' }

export type FaultKind = Fault['kind']

export const FAULT_KINDS: readonly FaultKind[] = [
  'range',
  'http429',
  'http503',
  'rpcRateLimit',
  'rpcError',
  'hang',
  'truncate',
  'wrongId',
  'destroy',
  'badLog',
  'delay',
  'forkedLogs',
]

export type RpcRequestJson = { jsonrpc?: string; id?: unknown; method?: string; params?: unknown[] }

export type ProxiedRequest = {
  /** 1-based number of this HTTP request at the proxy. */
  n: number
  /** Method of the (first) call. */
  method: string
  /** 1-based number of requests with this method so far, this one included. */
  methodN: number
  isBatch: boolean
  calls: RpcRequestJson[]
}

export type FaultPlan = ((req: ProxiedRequest) => Fault | null | undefined) | { [requestNumber: number]: Fault }

export type FaultProxyStats = {
  requests: number
  forwarded: number
  injected: Record<FaultKind, number>
}

export type FaultProxy = {
  /** Base URL; any path (e.g. `/v2/<key>`) may be appended. */
  url: string
  port: number
  stats: FaultProxyStats
  close(): Promise<void>
}

export type StartFaultProxyParameters = { target: string; plan: FaultPlan }

/** Plan: inject `fault` on the listed occurrences (1-based) of `method`. */
export function onNth(method: string, nth: number[], fault: Fault): FaultPlan {
  const set = new Set(nth)
  return (r) => (r.method === method && set.has(r.methodN) ? fault : undefined)
}

/** Plan: inject `fault` on every request of `method`. */
export function onEvery(method: string, fault: Fault): FaultPlan {
  return (r) => (r.method === method ? fault : undefined)
}

/** Plan: the first plan that returns a fault wins. */
export function combinePlans(...plans: FaultPlan[]): FaultPlan {
  return (r) => {
    for (const p of plans) {
      const f = typeof p === 'function' ? p(r) : p[r.n]
      if (f) return f
    }
    return undefined
  }
}

type Upstream = { status: number; headers: Record<string, string>; body: string }

export async function startFaultProxy({ target, plan }: StartFaultProxyParameters): Promise<FaultProxy> {
  const targetUrl = new URL(target)
  const agent = new Agent({ keepAlive: true, maxSockets: 64 })
  const injected = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>
  const stats: FaultProxyStats = { requests: 0, forwarded: 0, injected }
  const methodCounts = new Map<string, number>()
  const sockets = new Set<Socket>()

  const forward = (body: string): Promise<Upstream> =>
    new Promise((resolve, reject) => {
      stats.forwarded++
      const req = httpRequest(
        {
          host: targetUrl.hostname,
          port: targetUrl.port,
          path: targetUrl.pathname + targetUrl.search,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (c: Buffer) => chunks.push(c))
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 502,
              headers: { 'content-type': String(res.headers['content-type'] ?? 'application/json') },
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          )
          res.on('error', reject)
        },
      )
      req.on('error', reject)
      req.end(body)
    })

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...headers })
    res.end(body)
  }
  const rpcErrorBody = (id: unknown, error: unknown) => JSON.stringify({ jsonrpc: '2.0', id: id ?? null, error })

  async function apply(fault: Fault | null | undefined, r: ProxiedRequest, body: string, res: ServerResponse): Promise<void> {
    const id = r.isBatch ? null : r.calls[0]?.id
    if (!fault) return pass(res, await forward(body))
    switch (fault.kind) {
      case 'http429':
        injected.http429++
        return send(
          res,
          429,
          rpcErrorBody(id, {
            code: 429,
            message: 'Your app has exceeded its compute units per second capacity. If you have retries enabled, you can safely ignore this message. If not, check out https://docs.alchemy.com/reference/throughput',
          }),
          { 'retry-after': fault.retryAfter ?? '1' },
        )
      case 'http503':
        injected.http503++
        res.writeHead(503, { 'content-type': 'text/html' })
        return void res.end('<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>')
      case 'rpcRateLimit':
        injected.rpcRateLimit++
        return send(
          res,
          200,
          rpcErrorBody(id, {
            code: -32005,
            message: 'project ID request rate exceeded',
            data: { see: 'https://infura.io/dashboard', current_rps: 13.333, allowed_rps: 10.0, backoff_seconds: fault.backoffSeconds ?? 0 },
          }),
        )
      case 'rpcError':
        injected.rpcError++
        return send(res, fault.status ?? 200, rpcErrorBody(id, fault.data === undefined ? { code: fault.code, message: fault.message } : fault))
      case 'hang':
        injected.hang++
        return // never answer; close() destroys the socket
      case 'truncate': {
        const up = await forward(body)
        injected.truncate++
        const half = up.body.slice(0, Math.max(1, Math.floor(up.body.length / 2)))
        return send(res, up.status, half)
      }
      case 'destroy': {
        const up = await forward(body)
        injected.destroy++
        res.writeHead(up.status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(up.body)) })
        res.write(up.body.slice(0, Math.floor(up.body.length / 2)))
        // Let the partial body reach the client, then cut the connection.
        setImmediate(() => res.socket?.destroy())
        return
      }
      case 'wrongId': {
        const up = await forward(body)
        const json = JSON.parse(up.body) as unknown
        const target = Array.isArray(json) ? (json[0] as Record<string, unknown> | undefined) : (json as Record<string, unknown>)
        if (!target) return pass(res, up)
        target.id = typeof target.id === 'number' ? target.id + 1_000_000 : 'not-your-id'
        injected.wrongId++
        return send(res, up.status, JSON.stringify(json))
      }
      case 'badLog': {
        const up = await forward(body)
        const json = JSON.parse(up.body) as { result?: unknown }
        if (r.isBatch || !Array.isArray(json.result) || json.result.length === 0) return pass(res, up)
        corrupt(json.result as Record<string, unknown>[], fault.how, r.calls[0]!)
        injected.badLog++
        return send(res, up.status, JSON.stringify(json))
      }
      case 'forkedLogs': {
        const up = await forward(body)
        const json = JSON.parse(up.body) as { result?: unknown }
        if (r.isBatch || !Array.isArray(json.result) || json.result.length === 0) return pass(res, up)
        // Same block, same (other) hash: the answer is self-consistent, only the chain disagrees.
        for (const log of json.result as { blockHash: string }[]) log.blockHash = `${log.blockHash.slice(0, -8)}f0f0f0f0`
        injected.forkedLogs++
        return send(res, up.status, JSON.stringify(json))
      }
      case 'range':
        return rangeFault(fault, r, body, res)
      case 'delay': {
        injected.delay++
        await new Promise((resolve) => setTimeout(resolve, fault.ms))
        return pass(res, await forward(body))
      }
    }
  }

  async function rangeFault(fault: Extract<Fault, { kind: 'range' }>, r: ProxiedRequest, body: string, res: ServerResponse) {
    const filter = r.isBatch || r.method !== 'eth_getLogs' ? undefined : (r.calls[0]!.params?.[0] as Record<string, unknown> | undefined)
    const from = quantity(filter?.fromBlock)
    const to = quantity(filter?.toBlock)
    if (from === undefined || to === undefined) return pass(res, await forward(body))
    const id = r.calls[0]!.id
    if (!limitsResults(fault.style)) {
      if (to - from + 1 <= fault.limit) return pass(res, await forward(body))
      injected.range++
      const a = providerRangeError(fault.style, { fromBlock: from, toBlock: to, limit: fault.limit })
      return send(res, a.status, rpcErrorBody(id, a.error))
    }
    const up = await forward(body)
    const json = JSON.parse(up.body) as { result?: unknown }
    if (!Array.isArray(json.result) || json.result.length <= fault.limit) return pass(res, up)
    injected.range++
    const matchedBlocks = (json.result as { blockNumber: string }[]).map((l) => Number(l.blockNumber))
    const a = providerRangeError(fault.style, { fromBlock: from, toBlock: to, limit: fault.limit, matchedBlocks })
    return send(res, a.status, rpcErrorBody(id, a.error))
  }

  const pass = (res: ServerResponse, up: Upstream) => send(res, up.status, up.body, up.headers)

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const n = ++stats.requests
      let parsed: unknown
      try {
        parsed = JSON.parse(body)
      } catch {
        parsed = {}
      }
      const calls = (Array.isArray(parsed) ? parsed : [parsed]) as RpcRequestJson[]
      const method = String(calls[0]?.method ?? '')
      const methodN = (methodCounts.get(method) ?? 0) + 1
      methodCounts.set(method, methodN)
      const r: ProxiedRequest = { n, method, methodN, isBatch: Array.isArray(parsed), calls }
      const fault = typeof plan === 'function' ? plan(r) : plan[n]
      apply(fault, r, body, res).catch((e: unknown) => {
        if (!res.headersSent) send(res, 502, rpcErrorBody(null, { code: -32603, message: `fault proxy: ${String(e)}` }))
        else res.destroy()
      })
    })
  })
  server.on('connection', (s: Socket) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const s of sockets) s.destroy()
        agent.destroy()
      }),
  }
}

function quantity(v: unknown): number | undefined {
  return typeof v === 'string' && /^0x[0-9a-fA-F]+$/.test(v) ? Number(v) : undefined
}

function corrupt(logs: Record<string, unknown>[], how: BadLogKind, call: RpcRequestJson): void {
  const i = Math.floor(logs.length / 2)
  const log = logs[i]!
  const filter = (call.params?.[0] ?? {}) as Record<string, unknown>
  switch (how) {
    case 'outOfRange':
      log.blockNumber = `0x${((quantity(filter.toBlock) ?? 0) + 1).toString(16)}`
      return
    case 'duplicate':
      logs.splice(i, 0, { ...log })
      return
    case 'removed':
      log.removed = true
      return
    case 'badAddress':
      log.address = '0x1234'
      return
    case 'missingBlockNumber':
      delete log.blockNumber
      return
    case 'unsafeNumber':
      log.logIndex = '0xffffffffffffffffff'
      return
  }
}
