/** A log as eth_getLogs returns it, with quantities already checked and converted. */
export type RawLog = {
  address: string // lowercase hex
  topics: string[] // lowercase 0x-prefixed 32-byte hex
  data: string // lowercase 0x-prefixed hex
  blockNumber: number
  blockHash: string
  transactionHash: string
  transactionIndex: number
  logIndex: number
}

/** A settled block range whose logs have all been fetched. */
export type LogChunk = {
  fromBlock: number
  toBlock: number
  logs: RawLog[]
}

export type BlockHeader = {
  number: number
  hash: string
  parentHash: string
  timestamp: number
}

export type RpcCall = { method: string; params: unknown[] }

/**
 * Reads a successful answer from its bytes (`body`, the whole HTTP body; `id`, the
 * request's): the value, or undefined to have the answer parsed as JSON instead.
 */
export type BodyReader<R> = (body: Uint8Array, id: number) => R | undefined
/** What `requestBytes` got: the reader's value, or the JSON-RPC result when the reader declined. */
export type BytesAnswer<R, T = unknown> = { read: R; result?: undefined } | { read?: undefined; result: T }

/** Minimal JSON-RPC transport with the retry policy built in. */
export interface RpcClient {
  /** Redacted URL, safe to print. */
  readonly label: string
  request<T = unknown>(method: string, params: unknown[]): Promise<T>
  /**
   * `request`, offering each successful answer's bytes to `read` first (the eth_getLogs hot
   * path, logBytes.ts). Clients without it are used through `request`.
   */
  requestBytes?<R, T = unknown>(method: string, params: unknown[], read: BodyReader<R>): Promise<BytesAnswer<R, T>>
  /** One HTTP round-trip for several calls; results in call order. */
  batch<T = unknown>(calls: RpcCall[]): Promise<T[]>
}
