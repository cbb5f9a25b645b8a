/**
 * The governor half of `govaudit index`: detect each requested governor from the chain
 * (before any database work, so a wrong address leaves nothing behind), register it with
 * its start block, then bring every governor of the DAO up to the token cursor with the
 * governor pass (its own cursors, one transaction per batch) and finalize: quorum at the
 * snapshot, state(), and the disagreements between the counting rule and the chain.
 *
 * This runs after the token pass, as a second eth_getLogs pass over the governors only:
 * correct and resumable, but not yet the single joint pass that saves a second scan of
 * the range (GovernorLedger is ready for it; the token pipeline's worker is not).
 */
import type { Db } from '../store/db.js'
import type { Dao } from '../store/daos.js'
import { addGovernor, listGovernors } from '../store/governors.js'
import { votingPowerCheck, type VotingPowerCheckResult } from '../store/governorQueries.js'
import { detectGovernor, type GovernorInfo } from '../sources/governor/detect.js'
import { findDeploymentBlock } from '../sources/token/probe.js'
import type { RpcClient } from '../sources/evm/types.js'
import { UsageError } from '../errors.js'
import type { GovernorRequest } from '../config/indexTarget.js'
import { indexGovernors, type IndexGovernorsResult } from './indexGovernors.js'

export type DetectedGovernor = { info: GovernorInfo; fromBlock?: number }

/** Ask the chain what each governor is; refuses non-governors and kind or token mismatches. */
export async function detectGovernors(rpc: RpcClient, requests: readonly GovernorRequest[], token: string | undefined): Promise<DetectedGovernor[]> {
  const seen = new Set<string>()
  const out: DetectedGovernor[] = []
  for (const r of requests) {
    const address = r.address.toLowerCase()
    if (seen.has(address)) continue
    seen.add(address)
    const info = await detectGovernor({ rpc, address, ...(r.kind ? { kind: r.kind } : {}), ...(token ? { token } : {}) })
    out.push({ info, ...(r.fromBlock !== undefined ? { fromBlock: r.fromBlock } : {}) })
  }
  return out
}

export type SyncGovernorsParameters = {
  db: Db
  rpc: RpcClient
  dao: Dao
  detected: readonly DetectedGovernor[]
  /** The token cursor: governors are indexed up to it, never past it. */
  toBlock: number
  concurrency: number
}

export type SyncGovernorsResult = IndexGovernorsResult & { governors: number; votingPower: VotingPowerCheckResult }

export async function syncGovernors(p: SyncGovernorsParameters): Promise<SyncGovernorsResult | null> {
  for (const { info, fromBlock } of p.detected) {
    if (info.token !== null && info.token !== p.dao.token)
      throw new UsageError(`Governor ${info.address} counts votes of token ${info.token}, not of "${p.dao.name}"'s token ${p.dao.token}.`)
    const deployed = fromBlock ?? (await findDeploymentBlock(p.rpc, info.address, p.toBlock))
    addGovernor(p.db, p.dao, info, Math.max(p.dao.startBlock, deployed))
  }
  const governors = listGovernors(p.db, p.dao)
  if (governors.length === 0) return null
  const indexed = await indexGovernors({ db: p.db, rpc: p.rpc, dao: p.dao, governors, toBlock: p.toBlock, concurrency: p.concurrency })
  return { ...indexed, governors: governors.length, votingPower: votingPowerCheck(p.db, p.dao) }
}
