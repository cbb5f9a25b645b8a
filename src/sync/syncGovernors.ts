/**
 * The governor half of `govaudit index`: detect each requested governor from the chain
 * (before any database work, so a wrong address leaves nothing behind), register it with
 * its start block, catch up any governor that is behind the token cursor (one added to a
 * DAO already indexed), let every governor join the token's eth_getLogs pass (indexDao's
 * `joinGovernors`: their rows and cursors commit in the token's transactions), then
 * finalize: quorum at the snapshot, state(), the disagreements between the counting rule
 * and the chain, and the voting-power cross-check of every vote.
 */
import type { Db } from '../store/db.js'
import type { Dao } from '../store/daos.js'
import { addGovernor, findGovernor, getGovernorCursor, listGovernors, type StoredGovernor } from '../store/governors.js'
import { votingPowerCheck, type VotingPowerCheckResult } from '../store/governorQueries.js'
import { detectGovernor, type GovernorInfo } from '../sources/governor/detect.js'
import { findDeploymentBlock } from '../sources/token/probe.js'
import type { RpcClient } from '../sources/evm/types.js'
import { UsageError } from '../errors.js'
import type { GovernorRequest } from '../config/indexTarget.js'
import { catchUpGovernors, indexGovernors, type GovernorPassResult, type IndexGovernorsResult } from './indexGovernors.js'
import { finalizeGovernors } from './finalizeGovernors.js'

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

export type RegisterGovernorsParameters = {
  db: Db
  rpc: RpcClient
  dao: Dao
  detected: readonly DetectedGovernor[]
  /** The highest block the run reaches: where the deployment-block search starts. */
  head: number
}

/** Register the detected governors (from their deployment block, or the DAO's start); returns every governor of the DAO. */
async function registerGovernors(p: RegisterGovernorsParameters): Promise<StoredGovernor[]> {
  for (const { info, fromBlock } of p.detected) {
    if (info.token !== null && info.token !== p.dao.token)
      throw new UsageError(`Governor ${info.address} counts votes of token ${info.token}, not of "${p.dao.name}"'s token ${p.dao.token}.`)
    const known = findGovernor(p.db, p.dao, info.address)
    const deployed = known?.startBlock ?? fromBlock ?? (await findDeploymentBlock(p.rpc, info.address, p.head))
    addGovernor(p.db, p.dao, info, Math.max(p.dao.startBlock, deployed))
  }
  return listGovernors(p.db, p.dao)
}

export type JoinGovernorsParameters = RegisterGovernorsParameters & {
  /** The token's cursor before this run's pass (the block before the DAO's start if none). */
  tokenCursor: number
  concurrency: number
  shouldStop?: () => boolean
  /** Called before a catch-up pass, with the governors it brings up to the token. */
  onCatchUp?: (governors: readonly StoredGovernor[]) => void
}

export type JoinGovernorsResult = {
  /** The governors to index with the token (empty when a catch-up was interrupted). */
  governors: StoredGovernor[]
  /** The catch-up pass of the governors that were behind the token, if any. */
  catchUp: GovernorPassResult | null
}

/** Register the governors and bring those behind the token cursor up to it, so that all can join the token's pass. */
export async function joinGovernors(p: JoinGovernorsParameters): Promise<JoinGovernorsResult> {
  const governors = await registerGovernors({ ...p, head: Math.max(p.head, p.tokenCursor) })
  const behind = governors.filter((g) => (getGovernorCursor(p.db, p.dao.id, g.address) ?? g.startBlock - 1) < p.tokenCursor)
  if (behind.length === 0) return { governors, catchUp: null }
  p.onCatchUp?.(behind)
  const catchUp = await catchUpGovernors({
    db: p.db,
    rpc: p.rpc,
    dao: p.dao,
    governors: behind,
    toBlock: p.tokenCursor,
    concurrency: p.concurrency,
    ...(p.shouldStop ? { shouldStop: p.shouldStop } : {}),
  })
  return { governors: catchUp.interrupted ? [] : governors, catchUp }
}

export type SyncGovernorsResult = IndexGovernorsResult & { governors: number; votingPower: VotingPowerCheckResult }

export type FinishGovernorsParameters = {
  db: Db
  rpc: RpcClient
  dao: Dao
  /** The block every governor is indexed to: the token cursor. */
  atBlock: number
  /** What the passes of this run fetched (catch-up, joint), for the summary. */
  passes: readonly GovernorPassResult[]
}

/** After the passes: finalize every governor's open proposals at `atBlock` and cross-check vote weights. */
export async function finishGovernors(p: FinishGovernorsParameters): Promise<SyncGovernorsResult | null> {
  const governors = listGovernors(p.db, p.dao)
  if (governors.length === 0) return null
  const finalized = await finalizeGovernors({ db: p.db, rpc: p.rpc, dao: p.dao, governors, atBlock: p.atBlock })
  const ran = p.passes.filter((x) => x.fromBlock <= x.toBlock)
  return {
    fromBlock: ran.length ? Math.min(...ran.map((x) => x.fromBlock)) : p.atBlock + 1,
    toBlock: p.atBlock,
    events: sum(p.passes.map((x) => x.events)),
    commits: sum(p.passes.map((x) => x.commits)),
    interrupted: false,
    finalized,
    governors: governors.length,
    votingPower: votingPowerCheck(p.db, p.dao),
  }
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0)

export type SyncGovernorsParameters = {
  db: Db
  rpc: RpcClient
  dao: Dao
  detected: readonly DetectedGovernor[]
  /** The token cursor: governors are indexed up to it, never past it. */
  toBlock: number
  concurrency: number
}

/** A governor-only pass up to the token cursor, then finalize (for a DAO whose token is indexed already, e.g. the demo). */
export async function syncGovernors(p: SyncGovernorsParameters): Promise<SyncGovernorsResult | null> {
  const governors = await registerGovernors({ ...p, head: p.toBlock })
  if (governors.length === 0) return null
  const indexed = await indexGovernors({ db: p.db, rpc: p.rpc, dao: p.dao, governors, toBlock: p.toBlock, concurrency: p.concurrency })
  return { ...indexed, governors: governors.length, votingPower: votingPowerCheck(p.db, p.dao) }
}
