/**
 * One whole `index` run for a DAO, shared by `govaudit index`, follow mode and `scan`:
 * check the RPC and the contracts before the database is touched (`prepareIndex`), then
 * the token pass, the governors up to the token cursor, and the Snapshot space.
 */
import type { Db } from '../store/db.js'
import { findDao } from '../store/daos.js'
import type { RpcClient } from '../sources/evm/types.js'
import { getChainId } from '../sources/evm/blocks.js'
import { probeToken, type TokenInfo } from '../sources/token/probe.js'
import { indexSnapshotSpace, type IndexSnapshotSpaceResult } from '../sources/snapshot/indexSnapshotSpace.js'
import type { IndexTarget } from '../config/indexTarget.js'
import { UsageError } from '../errors.js'
import { indexDao, type Confirmations, type IndexDaoResult, type IndexProgress, type IndexStart } from './indexDao.js'
import { detectGovernors, syncGovernors, type DetectedGovernor, type SyncGovernorsResult } from './syncGovernors.js'

export type PreparedIndex = { chainId: number; tokenInfo?: TokenInfo; governors: DetectedGovernor[] }

/** Reach the node, check the chain, the token and the governors: all before any database work. */
export async function prepareIndex(rpc: RpcClient, target: IndexTarget): Promise<PreparedIndex> {
  const chainId = await getChainId(rpc)
  const preset = target.preset
  if (preset && chainId !== preset.chainId)
    throw new UsageError(
      `Preset ${preset.name} is on chain ${preset.chainId} (${preset.chainName}), but the RPC serves chain ${chainId}; pass an RPC URL for ${preset.chainName}.`,
    )
  const tokenInfo = target.token === undefined ? undefined : await probeToken(rpc, target.token, chainId)
  const governors = await detectGovernors(rpc, target.governors, target.token)
  return { chainId, ...(tokenInfo ? { tokenInfo } : {}), governors }
}

export type RunIndexParameters = {
  db: Db
  rpc: RpcClient
  target: IndexTarget
  prepared: PreparedIndex
  confirmations: Confirmations
  concurrency: number
  batchEvents?: number
  snapshotHub?: string
  snapshotApiKey?: string
  shouldStop?: () => boolean
  onStart?: (start: IndexStart) => void
  onProgress?: (progress: IndexProgress) => void
  /** A new phase begins (governors, Snapshot): a line for the spinner. */
  onPhase?: (text: string) => void
  onSnapshotProgress?: (event: { done: number; of: number; votes: number }) => void
}

export type RunIndexResult = {
  token: IndexDaoResult
  /** Null when the DAO has no governors or the token pass was interrupted. */
  governors: SyncGovernorsResult | null
  /** Null when no Snapshot space was asked for or the token pass was interrupted. */
  snapshot: IndexSnapshotSpaceResult | null
}

export async function runIndex(p: RunIndexParameters): Promise<RunIndexResult> {
  const { db, rpc, target } = p
  const token = target.token ?? existingToken(db, target.name)
  // Resuming a DAO keeps its own start block: the preset's applies only to a new one.
  const resuming = target.name !== undefined && findDao(db, target.name) !== undefined
  const fromBlock = target.preset && !target.explicitFromBlock && resuming ? undefined : target.fromBlock
  const tokenResult = await indexDao({
    db,
    rpc,
    token,
    name: target.name,
    tokenInfo: p.prepared.tokenInfo,
    fromBlock,
    toBlock: target.toBlock,
    confirmations: p.confirmations,
    concurrency: p.concurrency,
    batchEvents: p.batchEvents,
    shouldStop: p.shouldStop,
    onStart: p.onStart,
    onProgress: p.onProgress,
  })
  if (tokenResult.interrupted || tokenResult.cursor === null) return { token: tokenResult, governors: null, snapshot: null }

  p.onPhase?.(`${tokenResult.dao.name}: indexing governors`)
  const governors = await syncGovernors({
    db,
    rpc,
    dao: tokenResult.dao,
    detected: p.prepared.governors,
    toBlock: tokenResult.cursor,
    concurrency: p.concurrency,
  })
  let snapshot: IndexSnapshotSpaceResult | null = null
  if (target.snapshot !== undefined) {
    p.onPhase?.(`Snapshot ${target.snapshot}: reading proposals`)
    snapshot = await indexSnapshotSpace({
      db,
      dao: tokenResult.dao,
      space: target.snapshot,
      ...(p.snapshotHub ? { hub: p.snapshotHub } : {}),
      ...(p.snapshotApiKey ? { apiKey: p.snapshotApiKey } : {}),
      ...(p.onSnapshotProgress ? { onProgress: p.onSnapshotProgress } : {}),
    })
  }
  return { token: tokenResult, governors, snapshot }
}

function existingToken(db: Db, name: string | undefined): string {
  if (name === undefined) throw new UsageError('Pass --token ADDRESS (or --name of a DAO already in the database to resume it).')
  const dao = findDao(db, name)
  if (!dao) throw new UsageError(`No DAO named "${name}" in the database yet; pass --token ADDRESS to create it.`)
  return dao.token
}
