/**
 * Block timestamps for timestamp-clock governors, fetched only for the blocks asked about
 * and cached for one finalize run (DESIGN.md §4: fetch only referenced blocks).
 */
import { getBlockHeaders } from '../evm/blocks.js'
import type { BlockHeader, RpcClient } from '../evm/types.js'

export type BlockTimes = {
  header(blockNumber: number): Promise<BlockHeader>
  /** Headers of several blocks, the missing ones fetched in JSON-RPC batches. */
  headers(blockNumbers: readonly number[]): Promise<BlockHeader[]>
  timestamp(blockNumber: number): Promise<number>
  /** Every header fetched so far. */
  fetched(): BlockHeader[]
}

export function createBlockTimes(rpc: RpcClient): BlockTimes {
  const cache = new Map<number, Promise<BlockHeader>>()
  const header = (n: number) => {
    let h = cache.get(n)
    if (!h) {
      h = getBlockHeaders(rpc, [n]).then(([x]) => x!)
      // A failed fetch is not cached: the next ask tries again.
      h.catch(() => cache.delete(n))
      cache.set(n, h)
    }
    return h
  }
  const done = new Map<number, BlockHeader>()
  const self: BlockTimes = {
    header: async (n) => {
      const h = await header(n)
      done.set(n, h)
      return h
    },
    headers: async (numbers) => {
      const missing = [...new Set(numbers)].filter((n) => !cache.has(n))
      if (missing.length > 0) {
        const fetched = getBlockHeaders(rpc, missing)
        for (const [i, n] of missing.entries()) {
          const h = fetched.then((list) => list[i]!)
          h.catch(() => cache.delete(n))
          cache.set(n, h)
        }
      }
      const list = await Promise.all(numbers.map(header))
      for (const h of list) done.set(h.number, h)
      return list
    },
    timestamp: async (n) => (await self.header(n)).timestamp,
    fetched: () => [...done.values()],
  }
  return self
}

export type FindSnapshotBlockParameters = {
  times: BlockTimes
  /** The timepoint (unix seconds). */
  timestamp: number
  /** A block at or before the answer: its timestamp is <= `timestamp` (e.g. the proposal's creation block). */
  low: number
  /** A block after the answer: its timestamp is > `timestamp` (e.g. the checked head). */
  high: number
}

/**
 * The last block whose timestamp is <= `timestamp`: the block whose end state a
 * timestamp-clock `getPastVotes(account, timestamp)` reads. Binary search over headers,
 * about log2(high - low) of them. Returns null unless timestamp(low) <= timestamp < timestamp(high).
 */
export async function findSnapshotBlock({ times, timestamp, low, high }: FindSnapshotBlockParameters): Promise<number | null> {
  if (low > high) return null
  if ((await times.timestamp(low)) > timestamp) return null
  if ((await times.timestamp(high)) <= timestamp) return null
  let lo = low
  let hi = high
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2)
    if ((await times.timestamp(mid)) <= timestamp) lo = mid
    else hi = mid
  }
  return lo
}
