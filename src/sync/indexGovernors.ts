/**
 * A governor-only pass: eth_getLogs over a DAO's governors (no token), decoded, written
 * with each governor's cursor in one transaction per batch, then `finalizeGovernors`.
 *
 * The joint token + governor pass of `govaudit index` commits governor rows inside the
 * token's transaction instead (see GovernorLedger); this pass is for a governor added to
 * a DAO whose token is already indexed (catch up from the governor's start block to the
 * token cursor, then join the shared pass) and for tests. Logs at or before a governor's
 * own cursor are skipped, so governors at different cursors can share one pass.
 */
import type { Db } from '../store/db.js'
import type { Dao } from '../store/daos.js'
import { getGovernorCursor, listGovernors, type StoredGovernor } from '../store/governors.js'
import { GovernorLedger } from '../store/governorLedger.js'
import { decodeGovernorLog, type GovernorEvent } from '../sources/governor/decode.js'
import { governorTopics, type GovernorKind } from '../sources/governor/topics.js'
import { fetchLogs } from '../sources/evm/getLogs.js'
import type { RpcClient } from '../sources/evm/types.js'
import { finalizeGovernors, type FinalizeGovernorsResult } from './finalizeGovernors.js'

export type IndexGovernorsParameters = {
  db: Db
  rpc: RpcClient
  dao: Dao
  /** Default: every governor of the DAO. */
  governors?: readonly StoredGovernor[]
  /** Last block to index (inclusive). */
  toBlock: number
  concurrency?: number
  /** Commit after this many staged events (or at the end). Default 50,000. */
  batchEvents?: number
}

export type IndexGovernorsResult = {
  fromBlock: number
  toBlock: number
  events: number
  commits: number
  finalized: FinalizeGovernorsResult
}

/** Every governor's topics, for one eth_getLogs topic0 list. */
export function governorTopicList(kinds: readonly GovernorKind[]): string[] {
  return [...new Set(kinds.flatMap((k) => governorTopics(k)))]
}

export async function indexGovernors(p: IndexGovernorsParameters): Promise<IndexGovernorsResult> {
  const { db, rpc, dao, toBlock } = p
  const governors = p.governors ?? listGovernors(db, dao)
  const after = new Map(governors.map((g) => [g.address, getGovernorCursor(db, dao.id, g.address) ?? g.startBlock - 1]))
  const kinds = new Map(governors.map((g) => [g.address, g.kind]))
  const fromBlock = governors.length === 0 ? toBlock + 1 : Math.min(...governors.map((g) => after.get(g.address)! + 1))
  const result: IndexGovernorsResult = { fromBlock, toBlock, events: 0, commits: 0, finalized: { checked: 0, disagreements: [] } }
  if (governors.length === 0) return result
  if (fromBlock <= toBlock) {
    const ledger = new GovernorLedger(db, dao.id, governors)
    const batchEvents = p.batchEvents ?? 50_000
    try {
      for await (const chunk of fetchLogs({
        rpc,
        addresses: governors.map((g) => g.address),
        topics: [governorTopicList(governors.map((g) => g.kind))],
        fromBlock,
        toBlock,
        concurrency: p.concurrency ?? 4,
      })) {
        const events: GovernorEvent[] = []
        for (const log of chunk.logs) {
          const kind = kinds.get(log.address)
          if (kind === undefined || log.blockNumber <= after.get(log.address)!) continue
          const ev = decodeGovernorLog(log, kind)
          if (ev) events.push(ev)
        }
        ledger.stage(events)
        result.events += events.length
        if (ledger.stagedEvents >= batchEvents || chunk.toBlock === toBlock) {
          db.transaction(() => ledger.write(chunk.toBlock))()
          result.commits++
        }
      }
    } catch (error) {
      ledger.discard()
      throw error
    }
  }
  result.finalized = await finalizeGovernors({ db, rpc, dao, governors, atBlock: toBlock })
  return result
}
