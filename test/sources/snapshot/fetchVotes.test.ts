import { afterEach, expect, test } from 'vitest'
import { createHubClient } from '../../../src/sources/snapshot/hubClient.js'
import { fetchVotes } from '../../../src/sources/snapshot/fetchSnapshot.js'
import { startSnapshotHub, type SnapshotHub } from '../../helpers/snapshotHub.js'
import { bigProposal } from './fixtures.js'

const hubs: SnapshotHub[] = []
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.close()
})

test('12,000 votes, 2,500 of them in one second, come back complete without duplicates', async () => {
  const p = bigProposal({ id: '0xbig', space: 'big.eth', count: 12_000, start: 1_700_000_000, burstSize: 2_500, seed: 7 })
  // Faults by request number (deterministic, unlike a timed burst): 429s with Retry-After, a dropped connection, a 503.
  const hub = await startSnapshotHub({ proposals: [p], plan: { 2: 'http429', 3: 'http429', 7: 'drop', 12: 'http503' } })
  hubs.push(hub)
  const retried: string[] = []
  const client = createHubClient({ url: hub.url, baseDelayMs: 1, maxDelayMs: 5, retries: 20, onRetry: (e) => retried.push(e.reason) })
  const votes = await fetchVotes(client, { proposal: '0xbig' })
  expect(votes).toHaveLength(12_000)
  expect(new Set(votes.map((v) => v.id)).size).toBe(12_000)
  expect(new Set(votes.map((v) => v.id))).toEqual(new Set(p.votes.map((v) => v.id)))
  // Many votes share a second: the run must have needed the skip fallback, within the limits.
  const perSecond = new Map<number, number>()
  for (const v of p.votes) perSecond.set(v.created, (perSecond.get(v.created) ?? 0) + 1)
  expect(Math.max(...perSecond.values())).toBeGreaterThanOrEqual(2_500)
  expect(hub.stats.rejected).toBe(0)
  expect(hub.stats.maxFirst).toBeLessThanOrEqual(1000)
  expect(hub.stats.maxSkip).toBeGreaterThan(0)
  expect(hub.stats.maxSkip).toBeLessThanOrEqual(5000)
  expect(retried).toHaveLength(4)
  expect(retried.filter((r) => /429/.test(r))).toHaveLength(2)
})

test('more votes in one second than the skip limit can reach is a clear error, not a silent gap', async () => {
  const p = bigProposal({ id: '0xhuge', space: 'big.eth', count: 6_500, start: 1_700_000_000, burstSize: 6_500, seed: 1 })
  const hub = await startSnapshotHub({ proposals: [p] })
  hubs.push(hub)
  const client = createHubClient({ url: hub.url, baseDelayMs: 1, maxDelayMs: 5 })
  await expect(fetchVotes(client, { proposal: '0xhuge' })).rejects.toThrow(/share the created second/)
  expect(hub.stats.rejected).toBe(0)
})
