/**
 * A GraphQL client for the Snapshot hub on global fetch, with the JSON-RPC layer's retry
 * policy (src/sources/evm/retryPolicy.ts): 429 and 5xx, timeouts, dropped connections and
 * malformed answers are retried with jittered backoff, at least as long as Retry-After.
 *
 * The API key (`SNAPSHOT_API_KEY`) is sent as `x-api-key` and registered as a secret, so
 * `redact()` removes it from every message. Every message names the hub by its redacted
 * label.
 *
 * Failures end in a SourceError: retries exhausted, an answer with GraphQL `errors`
 * (not retried: the query or its arguments are wrong), or a non-retryable HTTP status.
 */
import { SourceError, UsageError } from '../../errors.js'
import { redact, redactUrl, registerSecret } from '../evm/redact.js'
import {
  classifyHttpStatus,
  createRetryPolicy,
  retrying,
  TransportFailure,
  type Failure,
  type RetryPolicyOptions,
} from '../evm/retryPolicy.js'

export const DEFAULT_HUB_URL = 'https://hub.snapshot.org/graphql'

/** The hub's limits (DESIGN.md §6). */
export const HUB_LIMITS = { first: 1000, skip: 5000, in: 100 } as const

export type HubRetryEvent = { what: string; attempt: number; delayMs: number; reason: string }

export type CreateHubClientParameters = RetryPolicyOptions & {
  /** The GraphQL endpoint; default DEFAULT_HUB_URL. */
  url?: string
  /** Sent as `x-api-key`; never printed. */
  apiKey?: string
  /** Per attempt, covering the whole body. Default 30000. */
  timeoutMs?: number
  onRetry?: (event: HubRetryEvent) => void
}

export type HubClient = {
  /** The hub's URL, redacted (scheme, host, port). */
  readonly label: string
  /** Run one query; `what` names it in messages ("votes of 0xab…"). Resolves to `data`. */
  query<T>(what: string, query: string, variables: Record<string, unknown>): Promise<T>
}

/** The hub answered with GraphQL `errors`: the query is wrong, asking again will not help. */
export class HubQueryError extends SourceError {
  override name = 'HubQueryError'
  readonly errors: readonly string[]
  constructor(label: string, what: string, errors: readonly string[]) {
    super(redact(`Snapshot hub ${label} refused ${what}: ${errors.slice(0, 3).join('; ')}`))
    this.errors = errors
  }
}

export function createHubClient(params: CreateHubClientParameters = {}): HubClient {
  const rawUrl = params.url ?? DEFAULT_HUB_URL
  const { timeoutMs = 30_000, onRetry } = params
  registerSecret(rawUrl)
  if (params.apiKey) registerSecret(params.apiKey)
  const label = redactUrl(rawUrl)
  let parsed: URL
  try {
    parsed = new URL(rawUrl)
  } catch {
    throw new UsageError(redact(`The Snapshot hub URL ${label} is not a valid URL; pass an http(s) URL with --hub`))
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new UsageError(redact(`The Snapshot hub URL ${label} must be http(s)`))
  const policy = createRetryPolicy(params)
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' }
  if (params.apiKey) headers['x-api-key'] = params.apiKey
  const url = parsed.href

  async function attempt<T>(body: string): Promise<T> {
    const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(timeoutMs) })
    const text = await res.text()
    const json = tryJson(text)
    if (res.status < 200 || res.status >= 300) {
      // A GraphQL error in a 400 answer (bad argument, limit exceeded) is final and says why.
      const errors = graphqlErrors(json)
      if (errors && res.status !== 429 && res.status < 500) throw new GraphqlErrors(errors)
      const f = classifyHttpStatus(res.status, res.statusText, res.headers.get('retry-after'))
      throw new TransportFailure(errors ? { ...f, reason: `${f.reason} (${errors[0]!.slice(0, 200)})` } : f)
    }
    if (json === NOT_JSON) throw malformed(`invalid JSON in a ${text.length}-byte answer`)
    if (!isObject(json)) throw malformed('the answer is not a JSON object')
    const errors = graphqlErrors(json)
    if (errors) throw new GraphqlErrors(errors)
    if (!isObject(json.data)) throw malformed('the answer has no data')
    return json.data as T
  }

  return {
    label,
    query<T>(what: string, query: string, variables: Record<string, unknown>): Promise<T> {
      const body = JSON.stringify({ query, variables })
      return retrying({
        policy,
        timeoutMs,
        attempt: () => attempt<T>(body),
        final: (e) => (e instanceof GraphqlErrors ? new HubQueryError(label, what, e.errors) : undefined),
        onRetry: (retry, delayMs, failure) => onRetry?.({ what, attempt: retry, delayMs, reason: redact(failure.reason) }),
        giveUp: (failure, attempts, why, cause) => finalError(label, what, failure, attempts, why, cause),
      })
    },
  }
}

class GraphqlErrors extends Error {
  constructor(readonly errors: string[]) {
    super(errors.join('; '))
  }
}

function finalError(label: string, what: string, failure: Failure, attempts: number, why: string | undefined, cause: unknown): SourceError {
  const tries = attempts === 1 ? '1 attempt' : `${attempts} attempts`
  const reason = why ? `${failure.reason}; ${why}` : failure.reason
  let msg: string
  if (failure.kind === 'unreachable') msg = `Snapshot hub ${label} is unreachable (${reason}, ${tries}); check --hub and your network`
  else if (failure.kind === 'malformed') msg = `Snapshot hub ${label} answered ${what} with something unusable after ${tries}: ${reason}`
  else if (failure.retryable) msg = `Snapshot hub ${label} did not answer ${what} after ${tries}: ${reason}`
  else if (/^HTTP 40[13]\b/.test(failure.reason)) msg = `Snapshot hub ${label} refused ${what}: ${reason}; check SNAPSHOT_API_KEY`
  else msg = `Snapshot hub ${label} failed ${what}: ${reason}`
  return new SourceError(redact(msg), { cause })
}

const NOT_JSON = Symbol('not json')

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return NOT_JSON
  }
}

function graphqlErrors(json: unknown): string[] | undefined {
  if (!isObject(json) || !Array.isArray(json.errors) || json.errors.length === 0) return undefined
  return json.errors.map((e) => (isObject(e) && typeof e.message === 'string' ? e.message : JSON.stringify(e)))
}

function malformed(reason: string): TransportFailure {
  return new TransportFailure({ kind: 'malformed', retryable: true, reason: `malformed answer: ${reason}` })
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

