/**
 * One whole `index` run for a DAO, shared by `govaudit index`, follow mode and `scan`:
 * check the RPC and the contracts before the database is touched (`prepareIndex`), then
 * one eth_getLogs pass over the token and its governors together (a governor behind the
 * token cursor is caught up first, on its own), the governors' finalize step, the
 * Snapshot space, and its DelegateRegistry delegations up to the token cursor.
 */
import type { Db } from '../store/db.js'
import { findDao, type Dao } from '../store/daos.js'
import type { RpcClient } from '../sources/evm/types.js'
import { getChainId } from '../sources/evm/blocks.js'
import { probeToken, type TokenInfo } from '../sources/token/probe.js'
import { indexSnapshotSpace, type IndexSnapshotSpaceResult } from '../sources/snapshot/indexSnapshotSpace.js'
import { indexDelegations, planDelegations, type DelegateRegistryPlan, type IndexDelegationsResult } from '../sources/snapshot/indexDelegations.js'
import type { IndexTarget } from '../config/indexTarget.js'
import { UsageError } from '../errors.js'
import { checkReorg, type Reorg } from './reorg.js'
import { indexDao, type Confirmations, type IndexDaoResult, type IndexProgress, type IndexStart } from './indexDao.js'
import { detectGovernors, finishGovernors, joinGovernors, type DetectedGovernor, type SyncGovernorsResult } from './syncGovernors.js'
import type { GovernorPassResult } from './indexGovernors.js'

export type PreparedIndex = {
  chainId: number
  tokenInfo?: TokenInfo
  governors: DetectedGovernor[]
  /** With a Snapshot space: its DelegateRegistry to read, or why its delegations are skipped. */
  delegations?: DelegateRegistryPlan
}

/**
 * Reach the node, check the chain, the token, the governors and the Snapshot space's
 * DelegateRegistry (`--delegate-registry`, default the mainnet one): all before any database work.
 */
export async function prepareIndex(rpc: RpcClient, target: IndexTarget, options: { delegateRegistry?: string } = {}): Promise<PreparedIndex> {
  const chainId = await getChainId(rpc)
  const preset = target.preset
  if (preset && chainId !== preset.chainId)
    throw new UsageError(
      `Preset ${preset.name} is on chain ${preset.chainId} (${preset.chainName}), but the RPC serves chain ${chainId}; pass an RPC URL for ${preset.chainName}.`,
    )
  const tokenInfo = target.token === undefined ? undefined : await probeToken(rpc, target.token, chainId)
  const governors = await detectGovernors(rpc, target.governors, target.token)
  const delegations =
    target.snapshot === undefined
      ? undefined
      : await planDelegations(rpc, { space: target.snapshot, chainId, ...(options.delegateRegistry ? { registry: options.delegateRegistry } : {}) })
  return { chainId, ...(tokenInfo ? { tokenInfo } : {}), governors, ...(delegations ? { delegations } : {}) }
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
  /** Read the Snapshot space from the hub in this run (default true; follow mode skips it between its intervals). */
  withSnapshot?: boolean
  shouldStop?: () => boolean
  onStart?: (start: IndexStart) => void
  onProgress?: (progress: IndexProgress) => void
  /** A new phase begins (governors, Snapshot): a line for the spinner. */
  onPhase?: (text: string) => void
  onSnapshotProgress?: (event: { done: number; of: number; votes: number }) => void
  /** The Snapshot hub is about to be read (whether or not the read then succeeds). */
  onSnapshotRead?: () => void
  /** The stored blocks were replaced on the chain and rolled back (they are re-indexed by this run). */
  onReorg?: (reorg: Reorg) => void
}

export type RunIndexResult = {
  token: IndexDaoResult
  /** Null when the DAO has no governors or the token pass was interrupted. */
  governors: SyncGovernorsResult | null
  /** Null when no Snapshot space was asked for, it was not read in this run (`withSnapshot`), or the token pass was interrupted. */
  snapshot: IndexSnapshotSpaceResult | null
  /** The space's DelegateRegistry events up to the token cursor, or why they were skipped; absent without a space or when interrupted. */
  delegations?: IndexDelegationsResult | { skipped: string }
}

export async function runIndex(p: RunIndexParameters): Promise<RunIndexResult> {
  const { db, rpc, target } = p
  // Before anything new is written: the stored blocks must still be the chain's (reorg.ts).
  const reorg = await checkReorg({ db, rpc, chainId: p.prepared.chainId })
  if (reorg) p.onReorg?.(reorg)
  const existing = target.name === undefined ? undefined : findDao(db, target.name)
  const token = target.token ?? existingToken(existing, target.name)
  // Resuming a DAO keeps its own start block: the preset's applies only to a new one.
  const resuming = existing !== undefined
  const fromBlock = target.preset && !target.explicitFromBlock && resuming ? undefined : target.fromBlock
  let catchUp: GovernorPassResult | null = null
  let joined = 0
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
    joinGovernors: async (start) => {
      const join = await joinGovernors({
        db,
        rpc,
        dao: start.dao,
        detected: p.prepared.governors,
        head: start.toBlock,
        tokenCursor: start.resumedFrom ?? start.dao.startBlock - 1,
        concurrency: p.concurrency,
        ...(p.shouldStop ? { shouldStop: p.shouldStop } : {}),
        onCatchUp: (behind) => p.onPhase?.(`${start.dao.name}: catching up governor(s) ${behind.map((g) => g.address).join(', ')}`),
      })
      catchUp = join.catchUp
      joined = join.governors.length
      return join.governors
    },
  })
  const caughtUp = catchUp as GovernorPassResult | null // assigned in the callback above
  // A Ctrl-C during a governor's catch-up stops the run like one during the token pass.
  if (caughtUp?.interrupted) return { token: { ...tokenResult, interrupted: true }, governors: null, snapshot: null }
  if (tokenResult.interrupted || tokenResult.cursor === null) return { token: tokenResult, governors: null, snapshot: null }

  if (joined > 0) p.onPhase?.(`${tokenResult.dao.name}: checking governors' proposals against the chain`)
  const jointPass: GovernorPassResult | null =
    joined > 0 && !tokenResult.upToDate
      ? { fromBlock: tokenResult.fromBlock, toBlock: tokenResult.toBlock, events: tokenResult.governorEvents, commits: tokenResult.commits, interrupted: false }
      : null
  const governors = await finishGovernors({
    db,
    rpc,
    dao: tokenResult.dao,
    atBlock: tokenResult.cursor,
    passes: [caughtUp, jointPass].filter((x): x is GovernorPassResult => x !== null),
  })
  let snapshot: IndexSnapshotSpaceResult | null = null
  if (target.snapshot !== undefined && p.withSnapshot !== false) {
    p.onPhase?.(`Snapshot ${target.snapshot}: reading proposals`)
    p.onSnapshotRead?.()
    snapshot = await indexSnapshotSpace({
      db,
      dao: tokenResult.dao,
      space: target.snapshot,
      ...(p.snapshotHub ? { hub: p.snapshotHub } : {}),
      ...(p.snapshotApiKey ? { apiKey: p.snapshotApiKey } : {}),
      ...(p.onSnapshotProgress ? { onProgress: p.onSnapshotProgress } : {}),
    })
  }
  let delegations: RunIndexResult['delegations']
  const plan = p.prepared.delegations
  if (plan && 'skipped' in plan) delegations = plan
  else if (plan) {
    p.onPhase?.(`Snapshot ${plan.space}: reading delegations from ${plan.registry}`)
    delegations = await indexDelegations({ db, dao: tokenResult.dao, rpc, ...plan, toBlock: tokenResult.cursor })
  }
  return { token: tokenResult, governors, snapshot, ...(delegations ? { delegations } : {}) }
}

function existingToken(dao: Dao | undefined, name: string | undefined): string {
  if (name === undefined) throw new UsageError('Pass --token ADDRESS (or --name of a DAO already in the database to resume it).')
  if (!dao) throw new UsageError(`No DAO named "${name}" in the database yet; pass --token ADDRESS to create it.`)
  return dao.token
}
