/**
 * Index the DelegateRegistry's SetDelegate / ClearDelegate events for a space id and the
 * global id, through the RPC layer's adaptive eth_getLogs, from the stream's cursor (or
 * `fromBlock`, else the registry's deployment block) to `toBlock`. Rows and the cursor are
 * written in one transaction at the end: a failure leaves the database untouched.
 */
import type { Db } from '../../store/db.js'
import type { Dao } from '../../store/daos.js'
import type { RpcClient } from '../evm/types.js'
import { fetchLogs } from '../evm/getLogs.js'
import { isContract } from '../evm/blocks.js'
import { findDeploymentBlock } from '../token/probe.js'
import { SourceError, UsageError } from '../../errors.js'
import { getCursor } from '../../store/daos.js'
import { delegationStream, writeDelegations } from '../../store/snapshotDelegations.js'
import {
  CLEAR_DELEGATE_TOPIC,
  DELEGATE_REGISTRY,
  decodeDelegation,
  GLOBAL_DELEGATION_ID,
  SET_DELEGATE_TOPIC,
  spaceDelegationId,
  type DelegationEvent,
} from './delegateRegistry.js'

export type IndexDelegationsParameters = {
  db: Db
  dao: Pick<Dao, 'id'>
  rpc: RpcClient
  space: string
  /** Default: the mainnet registry 0x469788fE6E9E9681C6ebF3bF78e7Fd26Fc015446. */
  registry?: string
  /** First block when nothing is indexed yet; default the registry's deployment block (found by eth_getCode). */
  fromBlock?: number
  toBlock: number
}

export type IndexDelegationsResult = { registry: string; space: string; fromBlock: number; toBlock: number; events: number }

export async function indexDelegations(p: IndexDelegationsParameters): Promise<IndexDelegationsResult> {
  const registry = (p.registry ?? DELEGATE_REGISTRY).toLowerCase()
  const stream = delegationStream(registry, p.space)
  const cursor = getCursor(p.db, p.dao.id, stream)
  const fromBlock = cursor !== null ? cursor + 1 : (p.fromBlock ?? (await registryDeployment(p.rpc, registry, p.toBlock)))
  const done = { registry, space: p.space, fromBlock, toBlock: p.toBlock }
  if (fromBlock > p.toBlock) return { ...done, events: 0 }
  const events: DelegationEvent[] = []
  for await (const chunk of fetchLogs({
    rpc: p.rpc,
    addresses: [registry],
    topics: [[SET_DELEGATE_TOPIC, CLEAR_DELEGATE_TOPIC], null, [spaceDelegationId(p.space), GLOBAL_DELEGATION_ID]],
    fromBlock,
    toBlock: p.toBlock,
  }))
    for (const log of chunk.logs) events.push(decodeDelegation(log))
  writeDelegations(p.db, { daoId: p.dao.id, stream, events, toBlock: p.toBlock })
  return { ...done, events: events.length }
}

async function registryDeployment(rpc: RpcClient, registry: string, head: number): Promise<number> {
  try {
    return await findDeploymentBlock(rpc, registry, head)
  } catch (cause) {
    throw new SourceError(
      `Cannot find the DelegateRegistry ${registry}'s deployment block to read its events from: the RPC did not serve historical code (an archive node is needed for that).`,
      { cause },
    )
  }
}

/** The registry to read for a space, or why its delegations are skipped (a sentence for stderr). */
export type DelegateRegistryPlan = { registry: string; space: string } | { skipped: string }

/**
 * Decide, before any database work, whether a space's delegations can be read: the space
 * name must fit a bytes32 id (Snapshot's delegation strategy cannot use a longer one), and
 * the registry must have code on this chain. The default mainnet registry missing (another
 * chain, a dev chain) skips with a reason; a `--delegate-registry` the user named that has
 * no code is a UsageError.
 */
export async function planDelegations(rpc: RpcClient, p: { space: string; chainId: number; registry?: string }): Promise<DelegateRegistryPlan> {
  if (Buffer.byteLength(p.space, 'utf8') > 31)
    return { skipped: `Snapshot delegations skipped: the space id "${p.space}" is longer than 31 bytes, so it cannot be a DelegateRegistry id.` }
  const registry = (p.registry ?? DELEGATE_REGISTRY).toLowerCase()
  if (await isContract(rpc, registry)) return { registry, space: p.space }
  if (p.registry !== undefined)
    throw new UsageError(`--delegate-registry ${registry} has no contract code on chain ${p.chainId}; pass the address of the DelegateRegistry deployed on this chain.`)
  return {
    skipped: `Snapshot delegations skipped: no DelegateRegistry at ${DELEGATE_REGISTRY} on chain ${p.chainId}; pass --delegate-registry ADDR to read one deployed at another address.`,
  }
}
