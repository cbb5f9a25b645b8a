/**
 * A small JSON-RPC client on global fetch, with the retry policy built in.
 *
 * Not ethers: its provider is ~10x slower on eth_getLogs (DESIGN §4). Every message this
 * module produces names the RPC by its redacted label, and goes through `redact()`.
 *
 * Failures end in one of two errors:
 * - `RpcResponseError` (a SourceError): the node answered with a JSON-RPC error that
 *   asking again will not fix (revert, invalid params, a range error...). Callers such as
 *   `fetchLogs` inspect `error` to shrink a range.
 * - `SourceError`: retries exhausted, or a failure no retry can fix (HTTP 401, bad URL...).
 */
import { isAscii } from 'node:buffer'
import { SourceError, UsageError } from '../../errors.js'
import { redact, redactUrl, registerSecret } from './redact.js'
import { isRangeError } from './rangeHints.js'
import {
  classifyHttpStatus,
  classifyRpcError,
  createRetryPolicy,
  retrying,
  TransportFailure,
  type Failure,
  type RetryPolicyOptions,
} from './retryPolicy.js'
import type { BodyReader, BytesAnswer, RpcCall, RpcClient } from './types.js'

export type RpcRetryEvent = {
  /** The method, or a description of the batch. */
  method: string
  /** 1-based number of the attempt that failed. */
  attempt: number
  /** Wait before the next attempt. */
  delayMs: number
  /** What went wrong, redacted. */
  reason: string
}

export type CreateRpcClientParameters = RetryPolicyOptions & {
  url: string
  /** Per attempt, covering the whole answer body. Default 30000. */
  timeoutMs?: number
  onRetry?: (event: RpcRetryEvent) => void
  /** Extra HTTP headers (e.g. an auth header). Values are registered as secrets. */
  headers?: Record<string, string>
}

/** The JSON-RPC error object of an answer. */
export type JsonRpcErrorObject = { code?: number; message: string; data?: unknown }

/** The node answered a JSON-RPC error that retrying will not fix. */
export class RpcResponseError extends SourceError {
  override name = 'RpcResponseError'
  readonly method: string
  readonly code: number | undefined
  readonly data: unknown
  /** The error object as the node sent it, message redacted: feed it to `parseRangeHint`. */
  readonly error: JsonRpcErrorObject
  /** HTTP status of the answer (some providers send range errors with 413 or 400). */
  readonly httpStatus: number

  constructor(label: string, method: string, error: JsonRpcErrorObject, httpStatus: number) {
    const message = redact(error.message)
    super(redact(`RPC ${label} answered ${method} with error ${error.code ?? '(no code)'}: ${message}`))
    this.method = method
    this.code = error.code
    this.data = error.data
    this.error = error.data === undefined ? { code: error.code, message } : { code: error.code, message, data: error.data }
    this.httpStatus = httpStatus
  }
}

const UTF8 = new TextDecoder()

/** An HTTP answer; `text` is its body decoded on first use (the byte readers never need it). */
class HttpAnswer {
  private decoded: string | undefined
  constructor(
    readonly status: number,
    readonly statusText: string,
    readonly retryAfter: string | null,
    readonly body: Buffer,
  ) {}

  get text(): string {
    // JSON-RPC answers are ASCII in practice: a latin1 copy then; otherwise UTF-8 decoded as
    // `Response.text()` does it (a byte-order mark dropped).
    return (this.decoded ??= isAscii(this.body) ? this.body.toString('latin1') : UTF8.decode(this.body))
  }
}

export function createRpcClient(params: CreateRpcClientParameters): RpcClient {
  const { timeoutMs = 30_000, onRetry } = params
  registerSecret(params.url)
  for (const [name, value] of Object.entries(params.headers ?? {}))
    if (/auth|key|token|secret|password/i.test(name)) registerSecret(value)
  const label = redactUrl(params.url)
  let parsed: URL
  try {
    parsed = new URL(params.url)
  } catch {
    throw new UsageError(redact(`The RPC URL ${label} is not a valid URL; pass an http(s) URL with --rpc or GOVAUDIT_RPC_URL`))
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new UsageError(redact(`The RPC URL ${label} must be http(s); websocket and IPC endpoints are not supported`))
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError(`RPC timeout must be a positive integer of ms; got ${timeoutMs}`)

  const policy = createRetryPolicy(params)
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' }
  // fetch refuses URLs with credentials: send `user:pass@` as basic auth instead.
  if (parsed.username || parsed.password) {
    const user = decodeURIComponent(parsed.username)
    const pass = decodeURIComponent(parsed.password)
    registerSecret(pass)
    headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`
    registerSecret(headers.authorization.slice(6))
    parsed.username = ''
    parsed.password = ''
  }
  Object.assign(headers, params.headers)
  const url = parsed.href
  let nextId = 1

  async function post(body: string): Promise<HttpAnswer> {
    const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) })
    // Read the body in every case: it frees the connection, and errors may be inside.
    const bytes = Buffer.from(await res.arrayBuffer())
    return new HttpAnswer(res.status, res.statusText, res.headers.get('retry-after'), bytes)
  }

  /** Run one logical call with retries. `parse` throws TransportFailure / RpcResponseError. */
  function withRetries<T>(what: string, body: string, parse: (a: HttpAnswer) => T): Promise<T> {
    return retrying({
      policy,
      timeoutMs,
      attempt: async () => parse(await post(body)),
      final: (e) => (e instanceof RpcResponseError ? e : e instanceof ReaderFailure ? e.error : undefined),
      onRetry: (retry, delayMs, failure) => onRetry?.({ method: what, attempt: retry, delayMs, reason: redact(failure.reason) }),
      giveUp: (failure, attempts, why, cause) => finalError(what, failure, attempts, why, cause),
    })
  }

  function finalError(what: string, failure: Failure, attempts: number, why: string | undefined, cause: unknown): SourceError {
    const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`
    const reason = why ? `${failure.reason}; ${why}` : failure.reason
    let msg: string
    if (failure.kind === 'unreachable')
      msg = `RPC ${label} is unreachable (${reason}, ${tries}); check the --rpc URL and that the node is running`
    else if (failure.retryable) msg = `RPC ${label} did not answer ${what} after ${tries}: ${reason}`
    else if (/^HTTP 40[13]\b/.test(failure.reason))
      msg = `RPC ${label} refused ${what}: ${reason}; check the API key in the RPC URL`
    else if (/^HTTP 404\b/.test(failure.reason)) msg = `RPC ${label} has no JSON-RPC endpoint (${reason}); check the --rpc URL`
    else msg = `RPC ${label} failed ${what}: ${reason}`
    const details = cause instanceof TransportFailure && cause.cause === undefined ? undefined : describeCause(cause)
    return new SourceError(redact(msg), { cause, ...(details ? { details: redact(details) } : {}) })
  }

  /** A non-2xx answer: a JSON-RPC error inside it wins when it is final (QuickNode's 413 range error). */
  function checkStatus(a: HttpAnswer, method: string): void {
    if (a.status >= 200 && a.status < 300) return
    const rpcError = errorObjectIn(a.text)
    if (a.status === 401 || a.status === 403) {
      // Authentication: say so (finalError names the API key), with the node's words if any.
      const f = classifyHttpStatus(a.status, a.statusText)
      throw new TransportFailure(rpcError ? { ...f, reason: `${f.reason} (${rpcError.message.slice(0, 200)})` } : f)
    }
    const transient = a.status === 429 || a.status >= 500
    if (rpcError && (!transient || isRangeError(rpcError))) throw rpcFailure(rpcError, method, a.status)
    if (!rpcError && !transient && isRangeError({ message: a.text.slice(0, 1000) }))
      throw new RpcResponseError(label, method, { message: a.text.slice(0, 1000) }, a.status)
    throw new TransportFailure(classifyHttpStatus(a.status, a.statusText, a.retryAfter))
  }

  function rpcFailure(error: JsonRpcErrorObject, method: string, status: number): Error {
    const f = classifyRpcError(error)
    return f.retryable ? new TransportFailure(f) : new RpcResponseError(label, method, error, status)
  }

  /** One call; a 2xx answer goes to `read` first, and is parsed as JSON only if `read` declines it. */
  function call<R, T>(method: string, callParams: unknown[], read: BodyReader<R> | undefined): Promise<BytesAnswer<R, T>> {
    const id = nextId++
    const body = JSON.stringify({ jsonrpc: '2.0', id, method, params: callParams })
    return withRetries(method, body, (a) => {
      checkStatus(a, method)
      if (read) {
        let value: R | undefined
        try {
          value = read(a.body, id)
        } catch (e) {
          throw new ReaderFailure(e) // the reader's own error, not the transport's: never retried or reworded
        }
        if (value !== undefined) return { read: value }
      }
      const json = parseJson(a.text)
      if (!isObject(json)) throw malformed(Array.isArray(json) ? 'an array answered a single request' : 'the answer is not a JSON-RPC object')
      if (json.error !== undefined && json.error !== null) {
        if (json.id !== id && json.id !== null && json.id !== undefined) throw idMismatch(json.id, id)
        throw rpcFailure(toErrorObject(json.error), method, a.status)
      }
      if (json.id !== id) throw idMismatch(json.id, id)
      if (!('result' in json)) throw malformed('the answer has neither result nor error')
      return { result: json.result as T }
    })
  }

  return {
    label,

    request<T = unknown>(method: string, callParams: unknown[]): Promise<T> {
      return call<never, T>(method, callParams, undefined).then((r) => r.result as T)
    },

    requestBytes<R, T = unknown>(method: string, callParams: unknown[], read: BodyReader<R>): Promise<BytesAnswer<R, T>> {
      return call<R, T>(method, callParams, read)
    },

    batch<T = unknown>(calls: RpcCall[]): Promise<T[]> {
      if (calls.length === 0) return Promise.resolve([])
      const first = nextId
      nextId += calls.length
      const body = JSON.stringify(calls.map((c, i) => ({ jsonrpc: '2.0', id: first + i, method: c.method, params: c.params })))
      const what = describeBatch(calls)
      return withRetries(what, body, (a) => {
        checkStatus(a, what)
        const json = parseJson(a.text)
        if (!Array.isArray(json)) {
          // A whole batch refused with one error (batch too large, rate limited).
          if (isObject(json) && json.error) throw rpcFailure(toErrorObject(json.error), what, a.status)
          throw malformed('a batch was not answered with an array')
        }
        const out = new Array<unknown>(calls.length)
        const seen = new Uint8Array(calls.length)
        let firstError: { error: JsonRpcErrorObject; index: number } | undefined
        for (const item of json) {
          if (!isObject(item)) throw malformed('a batch answer holds a non-object')
          const id = item.id
          const i = typeof id === 'number' ? id - first : -1
          if (!Number.isInteger(i) || i < 0 || i >= calls.length) throw malformed(`a batch answer has unknown id ${JSON.stringify(id)}`)
          if (seen[i]) throw malformed(`a batch answer repeats id ${id}`)
          seen[i] = 1
          if (item.error !== undefined && item.error !== null) {
            if (!firstError || i < firstError.index) firstError = { error: toErrorObject(item.error), index: i }
          } else if (!('result' in item)) throw malformed(`the batch answer for id ${id} has neither result nor error`)
          else out[i] = item.result
        }
        const missing = seen.indexOf(0)
        if (missing >= 0) throw malformed(`a batch answer lacks id ${first + missing} (${json.length} of ${calls.length} answers)`)
        if (firstError) throw rpcFailure(firstError.error, calls[firstError.index]!.method, a.status)
        return out as T[]
      })
    },
  }
}

/** An error thrown by a `requestBytes` reader, carried out of the retry loop as it is. */
class ReaderFailure extends Error {
  readonly error: Error
  constructor(error: unknown) {
    super('body reader failed')
    this.error = error instanceof Error ? error : new Error(String(error))
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e)
    const truncated = /end of (?:JSON )?input|Unterminated/i.test(why)
    throw malformed(`${truncated ? 'truncated' : 'invalid'} JSON in a ${text.length}-byte answer (${why.slice(0, 120)})`)
  }
}

function malformed(reason: string): TransportFailure {
  return new TransportFailure({ kind: 'malformed', retryable: true, reason: `malformed answer: ${reason}` })
}

function idMismatch(got: unknown, want: number): TransportFailure {
  return malformed(`answer id ${JSON.stringify(got)} does not match request id ${want}`)
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function toErrorObject(e: unknown): JsonRpcErrorObject {
  if (!isObject(e)) return { message: typeof e === 'string' ? e : JSON.stringify(e) }
  const code = typeof e.code === 'number' ? e.code : undefined
  const message = typeof e.message === 'string' ? e.message : JSON.stringify(e)
  const out: JsonRpcErrorObject = code === undefined ? { message } : { code, message }
  if (e.data !== undefined) out.data = e.data
  return out
}

/** The JSON-RPC error object in a (non-2xx) body, if the body is one. */
function errorObjectIn(text: string): JsonRpcErrorObject | undefined {
  if (text.length > 100_000 || !text.includes('"error"')) return undefined
  try {
    const json: unknown = JSON.parse(text)
    const obj = Array.isArray(json) ? json[0] : json
    return isObject(obj) && isObject(obj.error) ? toErrorObject(obj.error) : undefined
  } catch {
    return undefined // not JSON: the status decides
  }
}

function describeBatch(calls: RpcCall[]): string {
  const methods = [...new Set(calls.map((c) => c.method))]
  return `a batch of ${calls.length} ${methods.slice(0, 3).join(', ')}${methods.length > 3 ? ', ...' : ''}`
}

function describeCause(cause: unknown): string | undefined {
  const parts: string[] = []
  for (let x: unknown = cause, i = 0; x && i < 5; x = (x as { cause?: unknown }).cause, i++) {
    const m = (x as { message?: unknown }).message
    const c = (x as { code?: unknown }).code
    if (typeof m === 'string') parts.push(typeof c === 'string' ? `${m} (${c})` : m)
  }
  return parts.length ? parts.join(' <- ') : undefined
}

