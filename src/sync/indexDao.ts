/**
 * `govaudit index`: one pass of eth_getLogs over a DAO's contracts, decoded and committed
 * to the store in block order. The cursor advances in the same transaction as the rows,
 * so an interrupted run (Ctrl-C, crash, kill -9) resumes exactly where it stopped.
 */
import type { Db } from '../store/db.js'
import { findDao, getCursor, insertDao, type Dao } from '../store/daos.js'
import { TOKEN_STREAM, TokenLedger } from '../store/tokenLedger.js'
import { decodeTokenLog, TOKEN_TOPICS, type TokenEvent } from '../sources/token/decode.js'
import { findDeploymentBlock, probeToken, type TokenInfo } from '../sources/token/probe.js'
import { fetchLogs } from '../sources/evm/getLogs.js'
import { getBlockHeaders, getChainId, getHead } from '../sources/evm/blocks.js'
import type { RpcClient } from '../sources/evm/types.js'
import { UsageError } from '../errors.js'
import { balancesAt, delegationsAt, votingPowerAt } from '../store/tokenQueries.js'
import { checkVotingPower, type VotingPowerMismatch } from '../sources/token/consistency.js'

export type Confirmations = number | 'finalized'

export type IndexDaoParameters = {
  db: Db
  rpc: RpcClient
  token: string // lowercase address
  name?: string
  /** The token probe, when the caller already made it (to validate before opening the db). */
  tokenInfo?: TokenInfo
  fromBlock?: number
  toBlock?: number
  confirmations: Confirmations
  concurrency: number
  /** Commit after this many staged events (or at the end of the range). */
  batchEvents?: number
  onStart?: (info: IndexStart) => void
  onProgress?: (progress: IndexProgress) => void
  /** Polled between batches: when true, commit what is staged and stop. */
  shouldStop?: () => boolean
}

export type IndexStart = { dao: Dao; created: boolean; fromBlock: number; toBlock: number; resumedFrom: number | null }

export type IndexProgress = {
  fromBlock: number
  toBlock: number
  /** Last block whose events are committed. */
  committedBlock: number
  events: number
  elapsedMs: number
}

export type IndexDaoResult = {
  dao: Dao
  fromBlock: number
  toBlock: number
  /** Last committed block, or null when there was nothing to do. */
  cursor: number | null
  events: number
  commits: number
  interrupted: boolean
  upToDate: boolean
  /** Delegates whose emitted voting power differs from their delegators' balances. */
  mismatches: VotingPowerMismatch[]
  elapsedMs: number
}

const DEFAULT_BATCH_EVENTS = 50_000

export async function indexDao(p: IndexDaoParameters): Promise<IndexDaoResult> {
  const started = Date.now()
  const chainId = await getChainId(p.rpc)
  const head = await getHead(p.rpc, p.confirmations)
  const { dao, created } = await resolveDao(p, chainId, head)

  const cursor = getCursor(p.db, dao.id, TOKEN_STREAM)
  const fromBlock = cursor === null ? dao.startBlock : cursor + 1
  const toBlock = p.toBlock === undefined ? head : Math.min(p.toBlock, head)
  p.onStart?.({ dao, created, fromBlock, toBlock, resumedFrom: cursor })

  const result: IndexDaoResult = {
    dao,
    fromBlock,
    toBlock,
    cursor,
    events: 0,
    commits: 0,
    interrupted: false,
    upToDate: fromBlock > toBlock,
    mismatches: [],
    elapsedMs: 0,
  }
  if (result.upToDate) return { ...result, elapsedMs: Date.now() - started }

  const ledger = new TokenLedger(p.db, dao.id, chainId)
  const batchEvents = p.batchEvents ?? DEFAULT_BATCH_EVENTS
  const commit = async (toBlockOfBatch: number) => {
    const [header] = await getBlockHeaders(p.rpc, [toBlockOfBatch])
    ledger.commit({ toBlock: toBlockOfBatch, block: header && { number: header.number, hash: header.hash, timestamp: header.timestamp } })
    result.cursor = toBlockOfBatch
    result.commits++
    p.onProgress?.({ fromBlock, toBlock, committedBlock: toBlockOfBatch, events: result.events, elapsedMs: Date.now() - started })
  }

  let pendingTo: number | null = null
  try {
    for await (const chunk of fetchLogs({
      rpc: p.rpc,
      addresses: [dao.token],
      topics: [TOKEN_TOPICS],
      fromBlock,
      toBlock,
      concurrency: p.concurrency,
    })) {
      const events: TokenEvent[] = []
      for (const log of chunk.logs) {
        if (log.address !== dao.token) continue
        const ev = decodeTokenLog(log)
        if (ev) events.push(ev)
      }
      ledger.apply(events)
      result.events += events.length
      pendingTo = chunk.toBlock
      const stop = p.shouldStop?.() ?? false
      if (ledger.stagedEvents >= batchEvents || chunk.toBlock === toBlock || stop) {
        await commit(chunk.toBlock)
        pendingTo = null
        if (stop && chunk.toBlock !== toBlock) {
          result.interrupted = true
          break
        }
      }
    }
    if (pendingTo !== null) await commit(pendingTo)
  } catch (error) {
    ledger.discard()
    throw error
  }
  result.mismatches = checkVotingPower({
    votingPower: votingPowerAt(p.db, dao).weights,
    balances: balancesAt(p.db, dao).weights,
    delegations: delegationsAt(p.db, dao).delegations,
  })
  return { ...result, elapsedMs: Date.now() - started }
}

async function resolveDao(p: IndexDaoParameters, chainId: number, head: number): Promise<{ dao: Dao; created: boolean }> {
  const existing = p.name !== undefined ? findDao(p.db, p.name) : undefined
  if (existing) {
    if (existing.token !== p.token || existing.chainId !== chainId)
      throw new UsageError(
        `DAO "${existing.name}" is already indexed for token ${existing.token} on chain ${existing.chainId}; use another --name or --db.`,
      )
    if (p.fromBlock !== undefined && p.fromBlock !== existing.startBlock)
      throw new UsageError(
        `DAO "${existing.name}" starts at block ${existing.startBlock}; --from-block ${p.fromBlock} would leave a gap or overlap. Use another --name to index a different range.`,
      )
    return { dao: existing, created: false }
  }
  const info = p.tokenInfo ?? (await probeToken(p.rpc, p.token, chainId))
  const name = p.name ?? info.symbol?.toLowerCase().replace(/[^a-z0-9_-]/g, '') ?? p.token
  const clash = findDao(p.db, name)
  if (clash) return resolveDao({ ...p, name }, chainId, head)
  if (p.fromBlock !== undefined && p.fromBlock > head)
    throw new UsageError(`--from-block ${p.fromBlock} is after the last settled block ${head}; lower it or --confirmations.`)
  const startBlock = p.fromBlock ?? (await findDeploymentBlock(p.rpc, p.token, head))
  const dao = insertDao(p.db, { name, chainId, token: p.token, tokenStandard: info.standard, startBlock })
  return { dao, created: true }
}
