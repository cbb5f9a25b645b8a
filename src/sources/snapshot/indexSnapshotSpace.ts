/**
 * Index one Snapshot space into a DAO: its proposals and their votes, from the hub into
 * `snapshot_proposal` / `snapshot_vote`, in one transaction with the space's cursor.
 *
 * Incremental: a re-run asks only for proposals created at or after the newest one stored,
 * re-reads the proposals that were still open (not `closed`) at the last run, and fetches
 * votes only for new proposals and those still-open ones (whose stored votes are replaced
 * by the complete new set). Anything failing — unknown space (UsageError), hub down or
 * unusable answers after retries (SourceError) — throws before the write: the database is
 * untouched.
 */
import type { Db } from '../../store/db.js'
import type { Dao } from '../../store/daos.js'
import { getSnapshotSpace, openSnapshotProposalIds, readSnapshotProposals, writeSnapshotBatch } from '../../store/snapshotStore.js'
import type { RetryPolicyOptions } from '../evm/retryPolicy.js'
import { createHubClient, DEFAULT_HUB_URL, type HubRetryEvent } from './hubClient.js'
import { fetchProposals, fetchProposalsById, fetchSpace, fetchVotes } from './fetchSnapshot.js'
import type { HubProposal, HubVote } from './types.js'

export type IndexSnapshotSpaceParameters = {
  db: Db
  dao: Pick<Dao, 'id' | 'name'>
  /** The space id, e.g. `uniswapgovernance.eth`. */
  space: string
  /** The hub's GraphQL URL (--hub); default https://hub.snapshot.org/graphql. */
  hub?: string
  /** SNAPSHOT_API_KEY, sent as x-api-key, never printed. */
  apiKey?: string
  /** Retry tuning (tests shorten the backoff). */
  retry?: RetryPolicyOptions
  /** Per request. Default 30000 ms. */
  timeoutMs?: number
  onRetry?: (event: HubRetryEvent) => void
  /** Progress: called after each proposal's votes are read. */
  onProgress?: (event: { proposal: string; votes: number; done: number; of: number }) => void
  /** Unix seconds recorded as the run's time. Default now. */
  now?: number
}

export type IndexSnapshotSpaceResult = {
  space: string
  /** The hub's redacted label. */
  hub: string
  /** Proposals not stored before this run. */
  newProposals: number
  /** Stored proposals re-read because they were open at the last run. */
  refreshedProposals: number
  /** Votes written (complete sets of the proposals fetched). */
  votes: number
  /** Proposals whose vote count differs from the hub's `votes` field (listed, not hidden). */
  countMismatches: { proposal: string; hubCount: number; fetched: number }[]
}

export async function indexSnapshotSpace(p: IndexSnapshotSpaceParameters): Promise<IndexSnapshotSpaceResult> {
  const client = createHubClient({
    url: p.hub ?? DEFAULT_HUB_URL,
    ...(p.apiKey ? { apiKey: p.apiKey } : {}),
    ...p.retry,
    ...(p.timeoutMs === undefined ? {} : { timeoutMs: p.timeoutMs }),
    ...(p.onRetry ? { onRetry: p.onRetry } : {}),
  })
  await fetchSpace(client, p.space)
  const cursor = getSnapshotSpace(p.db, p.dao.id, p.space)
  const stored = new Map(readSnapshotProposals(p.db, p.dao.id, p.space).map((x) => [x.id, x]))
  const open = new Set(openSnapshotProposalIds(p.db, p.dao.id, p.space))

  const fresh = await fetchProposals(client, { space: p.space, from: cursor?.proposalsCreated ?? 0 })
  const byId = new Map<string, HubProposal>()
  for (const x of fresh) if (x.space === p.space && (!stored.has(x.id) || open.has(x.id))) byId.set(x.id, x)
  const stale = [...open].filter((id) => !byId.has(id))
  for (const x of await fetchProposalsById(client, stale)) byId.set(x.id, x)

  const proposals = [...byId.values()].sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const votes = new Map<string, HubVote[]>()
  const countMismatches: IndexSnapshotSpaceResult['countMismatches'] = []
  let total = 0
  for (const [i, x] of proposals.entries()) {
    const vs = await fetchVotes(client, { proposal: x.id })
    votes.set(x.id, vs)
    total += vs.length
    if (vs.length !== x.votesCount) countMismatches.push({ proposal: x.id, hubCount: x.votesCount, fetched: vs.length })
    p.onProgress?.({ proposal: x.id, votes: vs.length, done: i + 1, of: proposals.length })
  }
  writeSnapshotBatch(p.db, {
    daoId: p.dao.id,
    space: p.space,
    hub: client.label,
    proposals,
    votes,
    now: p.now ?? Math.floor(Date.now() / 1000),
  })
  return {
    space: p.space,
    hub: client.label,
    newProposals: proposals.filter((x) => !stored.has(x.id)).length,
    refreshedProposals: proposals.filter((x) => stored.has(x.id)).length,
    votes: total,
    countMismatches,
  }
}
