/**
 * The one retry policy of the JSON-RPC layer: which failures are worth another attempt,
 * and how long to wait before it.
 *
 * Retried: HTTP 429 and 5xx, timeouts, connection resets and sockets closed mid-answer,
 * malformed answers (bad or truncated JSON, wrong id, no result), and JSON-RPC errors
 * that say "rate limit" / "too many requests" or are known transient node states.
 * A refused connection or an unknown host is retried only a few times: an unreachable
 * node should fail in seconds, not minutes.
 *
 * Not retried: JSON-RPC execution errors (revert, invalid params, method not found),
 * range errors (the caller shrinks the range), other HTTP 4xx.
 *
 * Delay: full jitter, `random() * min(maxDelayMs, baseDelayMs * 2^attempt)`, at least
 * what the server asked for with Retry-After (seconds or an HTTP date).
 */
import { isRangeError, type RangeHintError } from './rangeHints.js'

export type FailureKind =
  /** HTTP status 429 or 5xx (retryable) or another non-2xx status (not). */
  | 'http'
  /** No answer within the timeout. */
  | 'timeout'
  /** Connection reset, socket hang up, closed mid-answer. */
  | 'connection'
  /** Connection refused, host not found: retried only `refusedRetries` times. */
  | 'unreachable'
  /** Answer that is not a usable JSON-RPC response (bad JSON, wrong id, no result, bad logs). */
  | 'malformed'
  /** JSON-RPC error that says the caller is rate limited, or a transient node state. */
  | 'rate-limit'
  /** Anything else: not retried. */
  | 'fatal'

export type Failure = {
  kind: FailureKind
  retryable: boolean
  /** Short, human description, e.g. "HTTP 503", "timed out after 500 ms". Not yet redacted. */
  reason: string
  /** What the server asked us to wait (Retry-After, backoff_seconds), in ms. */
  retryAfterMs?: number
}

/** A transport-level failure raised inside one attempt; `failure` says how to treat it. */
export class TransportFailure extends Error {
  override name = 'TransportFailure'
  readonly failure: Failure
  constructor(failure: Failure, options: { cause?: unknown } = {}) {
    super(failure.reason, options)
    this.failure = failure
  }
}

export type RetryPolicyOptions = {
  /** Retries after the first attempt (so `retries + 1` attempts). Default 6. */
  retries?: number
  /** Retries allowed for refused connections / unknown hosts. Default 2. */
  refusedRetries?: number
  /** First backoff step in ms. Default 250. */
  baseDelayMs?: number
  /** Cap of one backoff step in ms. Default 8000. */
  maxDelayMs?: number
  /** Longest Retry-After honoured; a server asking for more fails now. Default 60000. */
  maxRetryAfterMs?: number
  /** Uniform [0, 1) source for the jitter; injectable for tests. Default Math.random. */
  random?: () => number
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; why?: string }

export type RetryPolicy = {
  readonly retries: number
  /**
   * Decide about a failure. `attempt` is the 0-based index of the attempt that failed;
   * `unreachableCount` how many failures so far (this one included) were 'unreachable'.
   */
  decide(failure: Failure, attempt: number, unreachableCount: number): RetryDecision
  /** The jittered backoff before retry number `attempt + 1`. */
  backoff(attempt: number): number
}

export function createRetryPolicy(options: RetryPolicyOptions = {}): RetryPolicy {
  const retries = options.retries ?? 6
  const refusedRetries = options.refusedRetries ?? 2
  const baseDelayMs = options.baseDelayMs ?? 250
  const maxDelayMs = options.maxDelayMs ?? 8_000
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 60_000
  const random = options.random ?? Math.random
  const backoff = (attempt: number) => backoffDelay({ attempt, baseDelayMs, maxDelayMs, random })
  return {
    retries,
    backoff,
    decide(failure, attempt, unreachableCount) {
      if (!failure.retryable) return { retry: false }
      if (attempt >= retries) return { retry: false }
      if (failure.kind === 'unreachable' && unreachableCount > refusedRetries) return { retry: false }
      const jitter = backoff(attempt)
      if (failure.retryAfterMs !== undefined) {
        if (failure.retryAfterMs > maxRetryAfterMs)
          return { retry: false, why: `the server asked to wait ${Math.ceil(failure.retryAfterMs / 1000)} s` }
        return { retry: true, delayMs: Math.max(failure.retryAfterMs, jitter) }
      }
      return { retry: true, delayMs: jitter }
    },
  }
}

export type RetryingParameters<T> = {
  policy: RetryPolicy
  /** One attempt. What it throws is classified (`classifyError`) and retried as the policy says. */
  attempt: () => Promise<T>
  /** For an error that ends the call at once (an answer, not a transport failure): what to throw. */
  final?: (error: unknown) => Error | undefined
  timeoutMs: number
  /** Before each wait: the retry's number (from 1), the wait, and the failure it follows. */
  onRetry?: (retry: number, delayMs: number, failure: Failure) => void
  /** What to throw when the policy stops: the last failure, the attempts made, the policy's reason. */
  giveUp: (failure: Failure, attempts: number, why: string | undefined, cause: unknown) => Error
}

/** `attempt` until it succeeds, fails finally, or the policy gives up: the one retry loop of every client. */
export async function retrying<T>({ policy, attempt, final, timeoutMs, onRetry, giveUp }: RetryingParameters<T>): Promise<T> {
  let unreachable = 0
  for (let n = 0; ; n++) {
    let failure: Failure
    let cause: unknown
    try {
      return await attempt()
    } catch (e) {
      const stop = final?.(e)
      if (stop) throw stop
      failure = classifyError(e, timeoutMs)
      cause = e
    }
    if (failure.kind === 'unreachable') unreachable++
    const decision = policy.decide(failure, n, unreachable)
    if (!decision.retry) throw giveUp(failure, n + 1, decision.why, cause)
    onRetry?.(n + 1, decision.delayMs, failure)
    if (decision.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.delayMs))
  }
}

/** Full jitter: uniform in [0, min(maxDelayMs, baseDelayMs * 2^attempt)). */
export function backoffDelay({
  attempt,
  baseDelayMs,
  maxDelayMs,
  random,
}: {
  attempt: number
  baseDelayMs: number
  maxDelayMs: number
  random: () => number
}): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(attempt, 30))
  return Math.floor(random() * ceiling)
}

/** Parse a Retry-After header: delta seconds or an HTTP date. Undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined
  const v = value.trim()
  if (v === '') return undefined
  if (/^\d+(?:\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000)
  const at = Date.parse(v)
  if (Number.isNaN(at)) return undefined
  return Math.max(0, at - now)
}

/** Classify an HTTP status that is not 2xx. */
export function classifyHttpStatus(status: number, statusText: string, retryAfter?: string | null): Failure {
  const reason = `HTTP ${status}${statusText ? ` ${statusText}` : ''}`
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(retryAfter)
    return retryAfterMs === undefined
      ? { kind: 'http', retryable: true, reason }
      : { kind: 'http', retryable: true, reason, retryAfterMs }
  }
  if (status >= 500 || status === 408 || status === 425) {
    const retryAfterMs = parseRetryAfter(retryAfter)
    return retryAfterMs === undefined
      ? { kind: 'http', retryable: true, reason }
      : { kind: 'http', retryable: true, reason, retryAfterMs }
  }
  return { kind: 'http', retryable: false, reason }
}

const RATE_LIMIT_TEXT =
  /rate.?limit|too many requests|request rate|requests per second|compute units per second|capacity|throughput|exceeded.*(?:quota|limit)|daily request count|backoff/i
const RATE_LIMIT_CODES = new Set([429, -32005, -32029, -32090, -32097, -32098, -32099, -32016])
const TRANSIENT_TEXT =
  /header not found|no backend is currently healthy|temporarily unavailable|service unavailable|upstream|bad gateway|gateway timeout|try again later|server is busy|overloaded/i

/**
 * A JSON-RPC error answer: retry only rate limits and known transient node states, never
 * a range error (the caller shrinks the range) nor an execution error.
 */
export function classifyRpcError(error: RangeHintError): Failure {
  const reason = `JSON-RPC error ${error.code ?? '?'}: ${error.message}`
  if (isRangeError(error)) return { kind: 'fatal', retryable: false, reason }
  if (error.code === 3 || /revert/i.test(error.message)) return { kind: 'fatal', retryable: false, reason }
  const text = error.message
  if (RATE_LIMIT_TEXT.test(text) || (error.code !== undefined && RATE_LIMIT_CODES.has(error.code) && /limit|exceeded/i.test(text))) {
    const retryAfterMs = backoffSecondsOf(error.data)
    return retryAfterMs === undefined
      ? { kind: 'rate-limit', retryable: true, reason }
      : { kind: 'rate-limit', retryable: true, reason, retryAfterMs }
  }
  // Invalid request / method not found / invalid params / parse error: asking again won't help.
  if (error.code === -32601 || error.code === -32602 || error.code === -32600 || error.code === -32700)
    return { kind: 'fatal', retryable: false, reason }
  if (TRANSIENT_TEXT.test(text)) return { kind: 'rate-limit', retryable: true, reason }
  return { kind: 'fatal', retryable: false, reason }
}

/** Infura puts `backoff_seconds` in the error data of a rate-limit answer. */
function backoffSecondsOf(data: unknown): number | undefined {
  if (typeof data !== 'object' || data === null) return undefined
  const d = data as Record<string, unknown>
  const rate = typeof d.rate === 'object' && d.rate !== null ? (d.rate as Record<string, unknown>) : undefined
  const s = d.backoff_seconds ?? rate?.backoff_seconds
  return typeof s === 'number' && Number.isFinite(s) && s >= 0 ? Math.round(s * 1000) : undefined
}

// A connect timeout counts as unreachable too: a blackholed host should fail in tens of
// seconds, not after every retry's full connect timeout.
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
])
const CONNECTION_CODES = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
])

/**
 * Classify whatever one attempt threw: a TransportFailure as it says, fetch's abort and
 * timeout errors, and undici's network errors (`TypeError: fetch failed` with a `cause`
 * carrying the system code).
 */
export function classifyError(error: unknown, timeoutMs?: number): Failure {
  if (error instanceof TransportFailure) return error.failure
  const name = errorName(error)
  if (name === 'TimeoutError' || name === 'AbortError')
    return { kind: 'timeout', retryable: true, reason: timeoutMs ? `no answer within ${timeoutMs} ms` : 'timed out' }
  const code = systemCode(error)
  if (code && UNREACHABLE_CODES.has(code))
    return {
      kind: 'unreachable',
      retryable: true,
      reason: code === 'ECONNREFUSED' ? 'connection refused' : code === 'UND_ERR_CONNECT_TIMEOUT' ? 'connect timeout' : `host unreachable (${code})`,
    }
  if (code && CONNECTION_CODES.has(code))
    return { kind: 'connection', retryable: true, reason: `connection failed (${code})` }
  const text = messages(error)
  if (/socket hang up|terminated|other side closed|closed|reset|premature/i.test(text))
    return { kind: 'connection', retryable: true, reason: `connection failed (${firstLine(text)})` }
  if (/fetch failed/i.test(text)) return { kind: 'connection', retryable: true, reason: firstLine(text) }
  return { kind: 'fatal', retryable: false, reason: firstLine(text) || 'unknown error' }
}

function errorName(e: unknown): string | undefined {
  for (let x: unknown = e, i = 0; x && i < 5; x = (x as { cause?: unknown }).cause, i++) {
    const n = (x as { name?: unknown }).name
    if (n === 'TimeoutError' || n === 'AbortError') return n
  }
  return undefined
}

function systemCode(e: unknown): string | undefined {
  for (let x: unknown = e, i = 0; x && i < 5; x = (x as { cause?: unknown }).cause, i++) {
    const c = (x as { code?: unknown }).code
    if (typeof c === 'string') return c
  }
  return undefined
}

function messages(e: unknown): string {
  const parts: string[] = []
  for (let x: unknown = e, i = 0; x && i < 5; x = (x as { cause?: unknown }).cause, i++) {
    const m = (x as { message?: unknown }).message
    if (typeof m === 'string' && m) parts.push(m)
  }
  return parts.join(': ')
}

function firstLine(s: string): string {
  const i = s.indexOf('\n')
  return (i < 0 ? s : s.slice(0, i)).slice(0, 200)
}
