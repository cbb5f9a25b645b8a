/**
 * Index the DelegateRegistry's SetDelegate / ClearDelegate events for a space id and the
 * global id, through the RPC layer's adaptive eth_getLogs, from the stream's cursor (or
 * `fromBlock`) to `toBlock`. Rows and the cursor are written in one transaction at the end:
 * a failure leaves the database untouched.
 */
import type { Db } from '../../store/db.js'
import type { Dao } from '../../store/daos.js'
import type { RpcClient } from '../evm/types.js'
import { fetchLogs } from '../evm/getLogs.js'
import { delegationCursor, delegationStream, writeDelegations } from '../../store/snapshotDelegations.js'
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
  /** First block when nothing is indexed yet (the registry's deployment, or the DAO's start). */
  fromBlock: number
  toBlock: number
}

export type IndexDelegationsResult = { fromBlock: number; toBlock: number; events: number }

export async function indexDelegations(p: IndexDelegationsParameters): Promise<IndexDelegationsResult> {
  const registry = (p.registry ?? DELEGATE_REGISTRY).toLowerCase()
  const stream = delegationStream(registry, p.space)
  const cursor = delegationCursor(p.db, p.dao.id, stream)
  const fromBlock = cursor === null ? p.fromBlock : cursor + 1
  if (fromBlock > p.toBlock) return { fromBlock, toBlock: p.toBlock, events: 0 }
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
  return { fromBlock, toBlock: p.toBlock, events: events.length }
}
