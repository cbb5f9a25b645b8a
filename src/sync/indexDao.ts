/**
 * `govaudit index`: one pass of eth_getLogs over a DAO's contracts (the token and, when
 * asked, its governors: one request per range for all of them), decoded and committed to
 * the store in block order. Every cursor advances in the same transaction as the rows, so
 * an interrupted run (Ctrl-C, crash, kill -9) resumes exactly where it stopped.
 */
import type { Db } from '../store/db.js'
import { findDao, getCursor, insertDao, type Dao } from '../store/daos.js'
import { BALANCE_CACHE_LIMIT, balanceReader, TOKEN_STREAM } from '../store/tokenLedger.js'
import { getGovernorCursor, type StoredGovernor } from '../store/governors.js'
import { TOKEN_TOPICS } from '../sources/token/decode.js'
import type { GovernorEvent } from '../sources/governor/decode.js'
import { findDeploymentBlock, probeToken, type TokenInfo } from '../sources/token/probe.js'
import { fetchLogsWith } from '../sources/evm/getLogs.js'
import { getBlockHeaders, getChainId, getHead } from '../sources/evm/blocks.js'
import type { RpcClient } from '../sources/evm/types.js'
import { SourceError, StoreError, UsageError } from '../errors.js'
import { balancesAt, delegationsAt, votingPowerAt } from '../store/tokenQueries.js'
import { checkVotingPower, type VotingPowerMismatch } from '../sources/token/consistency.js'
import { openLedgerWriter } from './ledgerWriter.js'
import { daoLogConverter, type BlockHash } from './tokenLogs.js'
import { TokenState } from './tokenState.js'
import { governorTopicList } from './indexGovernors.js'

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
  /**
   * The governors to index in the same pass as the token: called once the DAO and the
   * range are known (also when there is nothing new to fetch), before any log is fetched.
   * Each must already be indexed up to the token cursor (a governor added later is caught
   * up by the caller: see joinGovernors); its rows and cursor then commit with the token's.
   */
  joinGovernors?: (start: IndexStart) => Promise<readonly StoredGovernor[]>
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
  /** Token events. */
  events: number
  /** Governor events committed with them (the joint pass). */
  governorEvents: number
  commits: number
  interrupted: boolean
  upToDate: boolean
  /** Delegates whose emitted voting power differs from their delegators' balances. */
  mismatches: VotingPowerMismatch[]
  elapsedMs: number
}

/**
 * Events per commit. Larger commits walk the checkpoint tables' B-trees fewer times (each
 * commit rewrites the pages it touches): 200k measured ~25% less writer CPU than 50k
 * (bench/). Memory per staged event is ~150 bytes (TokenState's checkpoint records).
 */
const DEFAULT_BATCH_EVENTS = 200_000
/**
 * Logs per eth_getLogs answer to aim for. A larger answer is parsed into more objects than
 * V8's young generation holds: they are copied and promoted instead of dying young.
 * Measured per million logs (bench/): 2.5k vs 10k+ logs per answer, ~3 s less CPU in all
 * (most of it garbage collection) and ~60 MB less peak RSS; at 1k, requests cost more.
 */
const TARGET_LOGS = 2_500
/**
 * How far below the head a block may still be replaced. Ethereum finalizes after two epochs
 * (64 blocks); L2s and sidechains reorg far less deep. Generous: checking a settled block
 * costs one header in a batch call.
 */
const UNFINALIZED_DEPTH = 128

/** Commits posted to the writer and not yet done, beyond which fetching waits. */
const MAX_COMMITS_IN_FLIGHT = 1

export async function indexDao(p: IndexDaoParameters): Promise<IndexDaoResult> {
  const started = Date.now()
  const chainId = await getChainId(p.rpc)
  const head = await getHead(p.rpc, p.confirmations)
  const { dao, created } = await resolveDao(p, chainId, head)

  const cursor = getCursor(p.db, dao.id, TOKEN_STREAM)
  const fromBlock = cursor === null ? dao.startBlock : cursor + 1
  const toBlock = p.toBlock === undefined ? head : Math.min(p.toBlock, head)
  const start: IndexStart = { dao, created, fromBlock, toBlock, resumedFrom: cursor }
  p.onStart?.(start)
  const governors = joinedGovernors(p.db, dao, fromBlock, (await p.joinGovernors?.(start)) ?? [])

  const result: IndexDaoResult = {
    dao,
    fromBlock,
    toBlock,
    cursor,
    events: 0,
    governorEvents: 0,
    commits: 0,
    interrupted: false,
    upToDate: fromBlock > toBlock,
    mismatches: [],
    elapsedMs: 0,
  }
  if (result.upToDate) return { ...result, elapsedMs: Date.now() - started }

  // The pipeline: on this thread, fetch, parse, validate, decode and pack each answer
  // (fetchLogsWith, daoLogConverter) and derive balances and checkpoints (TokenState);
  // the raw rows (token and governors) as they come, then each commit's derived rows,
  // governor tallies and cursors, go to SQLite in one transaction per commit (TokenWriter),
  // in a worker thread when possible (ledgerWriter.ts), so that SQLite's work overlaps
  // with everything else.
  const balances = balanceReader(p.db, dao.id)
  const state = new TokenState({ loadBalance: balances.load, storeMayHaveBalances: balances.any })
  const joined = governors.map((g) => ({ address: g.governor.address, countingMode: g.governor.countingMode }))
  let governorStaged = 0 // governor events since the last commit
  const writer = openLedgerWriter({ db: p.db, daoId: dao.id, chainId })
  const batchEvents = p.batchEvents ?? DEFAULT_BATCH_EVENTS
  const inFlight: Promise<void>[] = []
  // Blocks a reorg may still replace: their logs' hashes are checked against the headers
  // fetched at commit time, so a fork between reading the logs and reading the header
  // cannot leave old-chain rows under a new-chain hash (which the next run's reorg check
  // would then trust).
  const hashesFrom = p.confirmations === 'finalized' ? Infinity : head + p.confirmations - UNFINALIZED_DEPTH
  let tailHashes: BlockHash[] = []
  const commit = async (toBlockOfBatch: number) => {
    const checked = tailHashes
    tailHashes = []
    const headers = await getBlockHeaders(p.rpc, [toBlockOfBatch, ...checked.map((b) => b.number)])
    const hashOf = new Map(headers.map((h) => [h.number, h.hash]))
    const replaced = checked.find((b) => hashOf.get(b.number) !== b.hash)
    if (replaced)
      throw new SourceError(
        `The chain replaced block ${replaced.number} while it was being indexed (a reorg), so this batch was not committed; run again (the next run rolls back what the fork replaced) or index with more --confirmations.`,
      )
    const header = headers.find((h) => h.number === toBlockOfBatch)
    const block = header && { number: header.number, hash: header.hash, timestamp: header.timestamp }
    const events = result.events + result.governorEvents
    const end = { toBlock: toBlockOfBatch, ...(block ? { block } : {}), ...(joined.length > 0 ? { governors: joined } : {}) }
    governorStaged = 0
    const done = writer.commit({ ...state.take(), ...end }).then(() => {
      result.cursor = toBlockOfBatch
      result.commits++
      p.onProgress?.({ fromBlock, toBlock, committedBlock: toBlockOfBatch, events, elapsedMs: Date.now() - started })
    })
    done.catch(() => undefined) // awaited below, in order; this only avoids an early unhandled rejection
    inFlight.push(done)
    // Bounded read-ahead: at most MAX_COMMITS_IN_FLIGHT commits queued behind the writer.
    while (inFlight.length > MAX_COMMITS_IN_FLIGHT) await inFlight.shift()
    // The balance cache may only be dropped once the store has every value in it.
    if (state.cachedBalances > BALANCE_CACHE_LIMIT) {
      for (const d of inFlight.splice(0)) await d
      state.evictBalances(BALANCE_CACHE_LIMIT)
    }
  }

  let pendingTo: number | null = null
  try {
    const chunks = fetchLogsWith(
      {
        rpc: p.rpc,
        addresses: [dao.token, ...governors.map((g) => g.governor.address)],
        topics: [governors.length > 0 ? [...new Set([...TOKEN_TOPICS, ...governorTopicList(governors.map((g) => g.governor.kind))])] : TOKEN_TOPICS],
        fromBlock,
        toBlock,
        concurrency: p.concurrency,
        targetLogs: TARGET_LOGS,
      },
      daoLogConverter(dao.token, new Map(governors.map((g) => [g.governor.address, g.governor.kind])), hashesFrom),
    )
    for await (const chunk of chunks) {
      const { token: batch } = chunk.logs
      const governor = chunk.logs.governor.length > 0 ? newGovernorEvents(chunk.logs.governor, governors) : chunk.logs.governor
      if (batch.count > 0) state.apply(batch)
      if (chunk.logs.blockHashes.length > 0) tailHashes.push(...chunk.logs.blockHashes)
      if (batch.count > 0 || governor.length > 0) await writer.events(batch, governor.length > 0 ? { events: governor, governors: joined } : undefined)
      result.events += batch.count
      result.governorEvents += governor.length
      governorStaged += governor.length
      pendingTo = chunk.toBlock
      const stop = p.shouldStop?.() ?? false
      if (state.stagedEvents + governorStaged >= batchEvents || chunk.toBlock === toBlock || stop) {
        await commit(chunk.toBlock)
        pendingTo = null
        if (stop && chunk.toBlock !== toBlock) {
          result.interrupted = true
          break
        }
      }
    }
    if (pendingTo !== null) await commit(pendingTo)
    for (const done of inFlight.splice(0)) await done
  } finally {
    // On failure, what came after the last posted commit is rolled back (and dropped with
    // `state`); posted commits still complete (each is a whole range with its cursor).
    await writer.close()
  }
  result.mismatches = checkVotingPower({
    votingPower: votingPowerAt(p.db, dao).weights,
    balances: balancesAt(p.db, dao).weights,
    delegations: delegationsAt(p.db, dao).delegations,
  })
  return { ...result, elapsedMs: Date.now() - started }
}

/** A governor of the joint pass and the last block already indexed for it. */
type JoinedGovernor = { governor: StoredGovernor; after: number }

/**
 * The governors that join the pass from `fromBlock`, each with its own cursor (or the
 * block before its start). One behind the token cursor would leave a gap that no later
 * pass fills: refused. One ahead (indexed on its own further than the token) is fine:
 * its logs up to its cursor are skipped, and its cursor never moves back.
 */
function joinedGovernors(db: Db, dao: Dao, fromBlock: number, governors: readonly StoredGovernor[]): JoinedGovernor[] {
  return governors.map((governor) => {
    const after = getGovernorCursor(db, dao.id, governor.address) ?? governor.startBlock - 1
    if (after < fromBlock - 1)
      throw new StoreError(
        `Governor ${governor.address} of "${dao.name}" is indexed only up to block ${after}, behind the token (block ${fromBlock - 1}); catch it up before it joins the token's pass.`,
      )
    return { governor, after }
  })
}

/** The events past each governor's own cursor (all of them, unless a governor is ahead of the token). */
function newGovernorEvents(events: GovernorEvent[], governors: readonly JoinedGovernor[]): GovernorEvent[] {
  const ahead = governors.filter((g) => g.after >= (events[0]?.blockNumber ?? Infinity))
  if (ahead.length === 0) return events
  const after = new Map(ahead.map((g) => [g.governor.address, g.after]))
  return events.filter((ev) => ev.blockNumber > (after.get(ev.governor) ?? -1))
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
