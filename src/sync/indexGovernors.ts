/**
 * A governor-only pass: eth_getLogs over a DAO's governors (no token), decoded, written
 * with each governor's cursor in one transaction per batch (`catchUpGovernors`), then
 * `finalizeGovernors` (`indexGovernors`: both).
 *
 * The joint token + governor pass of `govaudit index` (indexDao with `joinGovernors`)
 * commits governor rows inside the token's transaction instead; this pass is for a
 * governor added to a DAO whose token is already indexed (catch up from the governor's
 * start block to the token cursor, then join the shared pass) and for tests. Logs at or
 * before a governor's own cursor are skipped, so governors at different cursors can share
 * one pass.
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
  /** Polled between chunks: when true, commit what is staged and stop (catch-up only). */
  shouldStop?: () => boolean
}

/** What a governor pass fetched; `fromBlock > toBlock` when every governor was up to date. */
export type GovernorPassResult = {
  fromBlock: number
  toBlock: number
  events: number
  commits: number
  /** Stopped by `shouldStop` before `toBlock`. */
  interrupted: boolean
}

export type IndexGovernorsResult = GovernorPassResult & { finalized: FinalizeGovernorsResult }

/** Every governor's topics, for one eth_getLogs topic0 list. */
export function governorTopicList(kinds: readonly GovernorKind[]): string[] {
  return [...new Set(kinds.flatMap((k) => governorTopics(k)))]
}

/** The governor pass, then finalize at `toBlock`. */
export async function indexGovernors(p: IndexGovernorsParameters): Promise<IndexGovernorsResult> {
  const governors = p.governors ?? listGovernors(p.db, p.dao)
  const pass = await catchUpGovernors({ ...p, governors })
  if (governors.length === 0) return { ...pass, finalized: { checked: 0, disagreements: [] } }
  const finalized = await finalizeGovernors({ db: p.db, rpc: p.rpc, dao: p.dao, governors, atBlock: p.toBlock })
  return { ...pass, finalized }
}

/** Bring each governor from its own cursor up to `toBlock`; no finalize. */
export async function catchUpGovernors(p: IndexGovernorsParameters): Promise<GovernorPassResult> {
  const { db, rpc, dao, toBlock } = p
  const governors = p.governors ?? listGovernors(db, dao)
  const after = new Map(governors.map((g) => [g.address, getGovernorCursor(db, dao.id, g.address) ?? g.startBlock - 1]))
  const kinds = new Map(governors.map((g) => [g.address, g.kind]))
  const fromBlock = governors.length === 0 ? toBlock + 1 : Math.min(...governors.map((g) => after.get(g.address)! + 1))
  const result: GovernorPassResult = { fromBlock, toBlock, events: 0, commits: 0, interrupted: false }
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
        const stop = p.shouldStop?.() ?? false
        if (ledger.stagedEvents >= batchEvents || chunk.toBlock === toBlock || stop) {
          db.transaction(() => ledger.write(chunk.toBlock))()
          result.commits++
          if (stop && chunk.toBlock !== toBlock) {
            result.interrupted = true
            break
          }
        }
      }
    } catch (error) {
      ledger.discard()
      throw error
    }
  }
  return result
}
