import type { JsonRpcProvider } from 'ethers'
import { DevchainError } from './devchainError.js'

export type DevRpcCall = { method: string; params: unknown[] }

/**
 * A bare JSON-RPC client on `fetch` for the local dev chain: no retries, no batching delay,
 * no caching. Scenarios send hundreds of transactions one after another, and ethers'
 * provider waits `batchStallTime` (10 ms) before each request; this does not.
 */
export type DevRpc = {
  readonly url: string
  request<T = unknown>(method: string, params?: unknown[]): Promise<T>
  /** One HTTP request for all calls; results in call order. Throws on the first error. */
  batch<T = unknown>(calls: readonly DevRpcCall[]): Promise<T[]>
}

/** A JSON-RPC endpoint: its URL, or an ethers JsonRpcProvider connected to it. */
export type DevRpcTarget = { url: string; provider?: undefined } | { provider: JsonRpcProvider; url?: undefined }

export function createDevRpc(target: string | DevRpcTarget): DevRpc {
  const url = typeof target === 'string' ? target : (target.url ?? target.provider._getConnection().url)
  let nextId = 1

  const post = async (body: unknown): Promise<unknown> => {
    let response: Response
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    } catch (error) {
      throw new DevchainError(`The dev chain at ${url} did not answer; is anvil running?`, { cause: error })
    }
    const text = await response.text()
    if (!response.ok) {
      throw new DevchainError(`The dev chain at ${url} answered HTTP ${response.status}.`, { details: text.slice(0, 2_000) })
    }
    try {
      return JSON.parse(text)
    } catch (error) {
      throw new DevchainError(`The dev chain at ${url} answered non-JSON.`, { details: text.slice(0, 2_000), cause: error })
    }
  }

  const unwrap = <T>(call: DevRpcCall, reply: unknown): T => {
    const r = reply as { result?: unknown; error?: { code?: number; message?: string; data?: unknown } } | undefined
    if (r?.error) {
      const data = r.error.data === undefined ? '' : ` data=${JSON.stringify(r.error.data)}`
      throw new DevchainError(`${call.method} failed on the dev chain: ${r.error.message ?? 'unknown error'}.`, {
        details: `code=${r.error.code}${data} params=${JSON.stringify(call.params)}`,
      })
    }
    if (!r || !('result' in r)) throw new DevchainError(`${call.method} got no result from the dev chain.`)
    return r.result as T
  }

  return {
    url,
    async request<T>(method: string, params: unknown[] = []) {
      const call = { method, params }
      return unwrap<T>(call, await post({ jsonrpc: '2.0', id: nextId++, ...call }))
    },
    async batch<T>(calls: readonly DevRpcCall[]) {
      if (calls.length === 0) return []
      const first = nextId
      nextId += calls.length
      const replies = await post(calls.map((c, i) => ({ jsonrpc: '2.0', id: first + i, method: c.method, params: c.params })))
      if (!Array.isArray(replies)) throw new DevchainError('The dev chain answered a batch with a non-array.')
      const byId = new Map<number, unknown>()
      for (const reply of replies) byId.set((reply as { id: number }).id, reply)
      return calls.map((c, i) => unwrap<T>(c, byId.get(first + i)))
    },
  }
}
