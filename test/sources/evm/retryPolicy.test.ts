import { describe, expect, test } from 'vitest'
import {
  backoffDelay,
  classifyError,
  classifyHttpStatus,
  classifyRpcError,
  createRetryPolicy,
  parseRetryAfter,
  TransportFailure,
} from '../../../src/sources/evm/retryPolicy.js'

describe('backoff', () => {
  test('full jitter on base * 2^attempt, capped', () => {
    const at = (attempt: number, r: number) => backoffDelay({ attempt, baseDelayMs: 100, maxDelayMs: 1000, random: () => r })
    expect([0, 1, 2, 3, 4, 10].map((a) => at(a, 0.999999))).toEqual([99, 199, 399, 799, 999, 999])
    expect(at(3, 0)).toBe(0)
    expect(at(3, 0.5)).toBe(400)
  })

  test('the policy uses the injected jitter source and honours Retry-After as a floor', () => {
    const p = createRetryPolicy({ retries: 3, baseDelayMs: 100, maxDelayMs: 10_000, random: () => 0.5 })
    const f = classifyHttpStatus(503, 'Service Unavailable')
    expect(p.decide(f, 0, 0)).toEqual({ retry: true, delayMs: 50 })
    expect(p.decide(f, 2, 0)).toEqual({ retry: true, delayMs: 200 })
    expect(p.decide(f, 3, 0)).toEqual({ retry: false })
    expect(p.decide(classifyHttpStatus(429, 'Too Many Requests', '2'), 0, 0)).toEqual({ retry: true, delayMs: 2000 })
  })

  test('a Retry-After longer than the cap fails now, saying so', () => {
    const p = createRetryPolicy({ maxRetryAfterMs: 10_000 })
    const d = p.decide(classifyHttpStatus(429, '', '3600'), 0, 0)
    expect(d).toEqual({ retry: false, why: 'the server asked to wait 3600 s' })
  })

  test('refused connections get only a few retries', () => {
    const p = createRetryPolicy({ retries: 10, refusedRetries: 2, random: () => 0 })
    const refused = classifyError(Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) }))
    expect(refused.kind).toBe('unreachable')
    expect(p.decide(refused, 0, 1).retry).toBe(true)
    expect(p.decide(refused, 1, 2).retry).toBe(true)
    expect(p.decide(refused, 2, 3).retry).toBe(false)
  })
})

describe('parseRetryAfter', () => {
  test('seconds and HTTP dates', () => {
    expect(parseRetryAfter('1')).toBe(1000)
    expect(parseRetryAfter(' 0 ')).toBe(0)
    expect(parseRetryAfter('1.5')).toBe(1500)
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT')
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', now)).toBe(5000)
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0)
    expect(parseRetryAfter('soon')).toBeUndefined()
    expect(parseRetryAfter(null)).toBeUndefined()
  })
})

describe('classification', () => {
  test('HTTP statuses', () => {
    expect(classifyHttpStatus(429, 'Too Many Requests', '1')).toMatchObject({ retryable: true, retryAfterMs: 1000 })
    for (const s of [500, 502, 503, 504, 408]) expect(classifyHttpStatus(s, '').retryable).toBe(true)
    for (const s of [400, 401, 403, 404, 413]) expect(classifyHttpStatus(s, '').retryable).toBe(false)
  })

  test('JSON-RPC errors: rate limits and transient states retry, execution errors and range errors do not', () => {
    expect(classifyRpcError({ code: -32005, message: 'project ID request rate exceeded', data: { backoff_seconds: 2 } })).toMatchObject({
      retryable: true,
      retryAfterMs: 2000,
    })
    expect(classifyRpcError({ code: 429, message: 'Too Many Requests' }).retryable).toBe(true)
    expect(classifyRpcError({ code: -32029, message: 'rate limit reached' }).retryable).toBe(true)
    expect(classifyRpcError({ code: -32005, message: 'daily request count exceeded, request rate limited' }).retryable).toBe(true)
    expect(classifyRpcError({ code: -32000, message: 'header not found' }).retryable).toBe(true)
    expect(classifyRpcError({ code: -32005, message: 'query returned more than 10000 results' }).retryable).toBe(false)
    expect(classifyRpcError({ code: 3, message: 'execution reverted' }).retryable).toBe(false)
    expect(classifyRpcError({ code: -32601, message: 'method not found' }).retryable).toBe(false)
    expect(classifyRpcError({ code: -32602, message: 'invalid params' }).retryable).toBe(false)
  })

  test('transport errors', () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError')
    expect(classifyError(timeout, 500)).toEqual({ kind: 'timeout', retryable: true, reason: 'no answer within 500 ms' })
    const reset = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) })
    expect(classifyError(reset)).toMatchObject({ kind: 'connection', retryable: true })
    const closed = Object.assign(new TypeError('terminated'), { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) })
    expect(classifyError(closed)).toMatchObject({ kind: 'connection', retryable: true })
    const mal = new TransportFailure({ kind: 'malformed', retryable: true, reason: 'truncated JSON' })
    expect(classifyError(mal)).toBe(mal.failure)
    expect(classifyError(new Error('something odd'))).toMatchObject({ retryable: false })
  })
})
