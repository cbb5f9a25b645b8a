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

/** Minimal JSON-RPC transport with the retry policy built in. */
export interface RpcClient {
  /** Redacted URL, safe to print. */
  readonly label: string
  request<T = unknown>(method: string, params: unknown[]): Promise<T>
  /** One HTTP round-trip for several calls; results in call order. */
  batch<T = unknown>(calls: RpcCall[]): Promise<T[]>
}
