import { afterEach, describe, expect, test } from 'vitest'
import { createHubClient } from '../../../src/sources/snapshot/hubClient.js'
import { fetchSpace, fetchVotes } from '../../../src/sources/snapshot/fetchSnapshot.js'
import { SourceError, UsageError } from '../../../src/errors.js'
import { redact } from '../../../src/sources/evm/redact.js'
import { startSnapshotHub, type SnapshotHub } from '../../helpers/snapshotHub.js'
import { smallProposal } from './fixtures.js'

const FAST = { baseDelayMs: 1, maxDelayMs: 5, retries: 4 }
const hubs: SnapshotHub[] = []
const start = async (...args: Parameters<typeof startSnapshotHub>) => {
  const h = await startSnapshotHub(...args)
  hubs.push(h)
  return h
}
afterEach(async () => {
  for (const h of hubs.splice(0)) await h.close()
})

const P = smallProposal({ id: '0xp1', space: 'test.eth', created: 1_700_000_000 })

describe('hub client', () => {
  test('sends SNAPSHOT_API_KEY as x-api-key and never prints it', async () => {
    const key = 'sk-snapshot-SECRET-1234567890'
    const hub = await start({ proposals: [P], always: 'graphqlError' })
    const client = createHubClient({ url: hub.url, apiKey: key, ...FAST })
    const err = await client.query('space test.eth', '{ space(id: $id) { id } }', { id: 'test.eth' }).catch((e: unknown) => e)
    expect(hub.stats.apiKeys).toContain(key)
    expect(err).toBeInstanceOf(SourceError)
    expect(String((err as Error).message)).not.toContain(key)
    expect(redact(`boom ${key}`)).not.toContain(key)
  })

  test('an unknown space is a UsageError naming it', async () => {
    const hub = await start({ proposals: [P] })
    const client = createHubClient({ url: hub.url, ...FAST })
    await expect(fetchSpace(client, 'nope.eth')).rejects.toThrow(UsageError)
    await expect(fetchSpace(client, 'nope.eth')).rejects.toThrow(/no space "nope.eth"/)
    expect((await fetchSpace(client, 'test.eth')).id).toBe('test.eth')
  })

  test('429 with Retry-After, 503 and dropped connections are retried', async () => {
    const hub = await start({ proposals: [P], plan: { 1: 'http429', 2: 'drop', 3: 'http503' } })
    const retries: string[] = []
    const client = createHubClient({ url: hub.url, ...FAST, onRetry: (e) => retries.push(e.reason) })
    const votes = await fetchVotes(client, { proposal: '0xp1' })
    expect(votes).toHaveLength(5)
    expect(retries).toHaveLength(3)
    expect(retries[0]).toMatch(/429/)
    expect(retries[2]).toMatch(/503/)
  })

  test('Retry-After is honoured: the wait is at least what the hub asked', async () => {
    const hub = await start({ proposals: [P], burst: { max: 1, windowMs: 60_000, retryAfter: '0.2' } })
    const delays: number[] = []
    const client = createHubClient({ url: hub.url, baseDelayMs: 1, maxDelayMs: 5, retries: 1, onRetry: (e) => delays.push(e.delayMs) })
    await client.query('space', '{ space(id: $id) { id } }', { id: 'test.eth' })
    await expect(client.query('space', '{ space(id: $id) { id } }', { id: 'test.eth' })).rejects.toThrow(/429/)
    expect(delays[0]).toBeGreaterThanOrEqual(200)
    expect(hub.stats.throttled).toBe(2)
  })

  test('malformed JSON, every time, ends in a clear SourceError', async () => {
    const hub = await start({ proposals: [P], always: 'malformed' })
    const client = createHubClient({ url: hub.url, ...FAST })
    const err = await fetchVotes(client, { proposal: '0xp1' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SourceError)
    expect((err as Error).message).toMatch(/unusable after 5 attempts: malformed answer: invalid JSON/)
  })

  test('GraphQL errors are a SourceError at once, not retried', async () => {
    const hub = await start({ proposals: [P], always: 'graphqlError' })
    const client = createHubClient({ url: hub.url, ...FAST })
    await expect(fetchVotes(client, { proposal: '0xp1' })).rejects.toThrow(/refused votes of 0xp1: Internal error: injected/)
    expect(hub.stats.requests).toBe(1)
  })

  test('a hub that is down is a SourceError saying it is unreachable', async () => {
    const hub = await start({ proposals: [P] })
    const url = hub.url
    await hub.close()
    hubs.splice(hubs.indexOf(hub), 1)
    const client = createHubClient({ url, ...FAST })
    await expect(fetchSpace(client, 'test.eth')).rejects.toThrow(/unreachable \(connection refused/)
  })

  test('the loopback hub enforces the real limits', async () => {
    const hub = await start({ proposals: [P] })
    const client = createHubClient({ url: hub.url, ...FAST })
    const q = '{ votes(first: $first, skip: $skip, where: $where) { id } }'
    await expect(client.query('votes', q, { first: 1001, skip: 0, where: {} })).rejects.toThrow(/first.*1000/)
    await expect(client.query('votes', q, { first: 10, skip: 5001, where: {} })).rejects.toThrow(/skip.*5000/)
    await expect(client.query('votes', `{ proposals(first: $first) { id } }`, { first: 10, where: { id_in: Array.from({ length: 101 }, (_, i) => `${i}`) } })).rejects.toThrow(/id_in/)
  })
})
