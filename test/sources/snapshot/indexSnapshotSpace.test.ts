import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createHash } from 'node:crypto'
import { afterEach, describe, expect, test } from 'vitest'
import { openDb, type Db } from '../../../src/store/db.js'
import { insertDao, type Dao } from '../../../src/store/daos.js'
import { indexSnapshotSpace } from '../../../src/sources/snapshot/indexSnapshotSpace.js'
import { getSnapshotSpace, readSnapshotProposals, readSnapshotVotes } from '../../../src/store/snapshotStore.js'
import { SourceError, UsageError } from '../../../src/errors.js'
import { startSnapshotHub, type SnapshotHub } from '../../helpers/snapshotHub.js'
import { dumpDb } from '../../helpers/dbDump.js'
import { bigProposal, smallProposal, withHubScores } from './fixtures.js'

const FAST = { baseDelayMs: 1, maxDelayMs: 5, retries: 3 }
const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function tmpDb(): { file: string; db: Db; dao: Dao } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govaudit-snap-'))
  const file = path.join(dir, 'g.db')
  const db = openDb({ path: file, create: true })
  const dao = insertDao(db, { name: 'test', chainId: 1, token: '0x' + '1'.repeat(40), tokenStandard: 'erc20', startBlock: 0 }, new Date(0))
  cleanups.push(() => {
    if (db.open) db.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })
  return { file, db, dao }
}

async function hubWith(...args: Parameters<typeof startSnapshotHub>): Promise<SnapshotHub> {
  const h = await startSnapshotHub(...args)
  cleanups.push(() => h.close())
  return h
}

/** Checksum of the whole file after a checkpoint (WAL folded in). */
function checksum(db: Db, file: string): string {
  db.pragma('wal_checkpoint(TRUNCATE)')
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex') + dumpDb(file)
}

describe('indexSnapshotSpace', () => {
  test('indexes every proposal and vote, including a 12,000-vote proposal', async () => {
    const { db, dao } = tmpDb()
    const big = bigProposal({ id: '0xbig', space: 'big.eth', count: 12_000, start: 1_700_000_000, burstSize: 1_500, seed: 3 })
    const small = smallProposal({ id: '0xsmall', space: 'big.eth', created: 1_700_100_000 })
    const other = smallProposal({ id: '0xother', space: 'other.eth', created: 1_700_000_500 })
    const hub = await hubWith({ proposals: [big, small, other] })
    const r = await indexSnapshotSpace({ db, dao, space: 'big.eth', hub: hub.url, retry: FAST, now: 1 })
    expect(r).toMatchObject({ space: 'big.eth', newProposals: 2, refreshedProposals: 0, votes: 12_005, countMismatches: [] })
    const stored = readSnapshotProposals(db, dao.id, 'big.eth')
    expect(stored.map((p) => p.id)).toEqual(['0xbig', '0xsmall'])
    expect(stored[0]).toMatchObject({ type: 'single-choice', choices: ['A', 'B', 'C'], snapshotBlock: 123456, state: 'closed', votesCount: 12_000 })
    expect(stored[0]!.scores).toEqual(big.scores)
    const votes = readSnapshotVotes(db, dao.id, '0xbig')
    expect(votes).toHaveLength(12_000)
    expect(new Set(votes.map((v) => v.id)).size).toBe(12_000)
    // vp is kept exactly as given (a REAL round-trips a double).
    const byId = new Map(big.votes.map((v) => [v.id, v]))
    for (const v of votes) expect(v.vp).toBe(byId.get(v.id)!.vp)
    expect(getSnapshotSpace(db, dao.id, 'big.eth')).toMatchObject({ proposalsCreated: 1_700_100_000, indexedAt: 1 })
    expect(hub.stats.rejected).toBe(0)
  })

  test('a re-run fetches only new proposals and the votes of proposals open at the last run', async () => {
    const { db, dao } = tmpDb()
    const closed = smallProposal({ id: '0xa', space: 's.eth', created: 1000 })
    const open = smallProposal({ id: '0xb', space: 's.eth', created: 2000, state: 'active', voters: 3 })
    const hub = await hubWith({ proposals: [closed, open] })
    await indexSnapshotSpace({ db, dao, space: 's.eth', hub: hub.url, retry: FAST, now: 1 })
    expect(readSnapshotVotes(db, dao.id, '0xb')).toHaveLength(3)

    // Between runs: 0xb gets two more votes and closes; a new proposal 0xc appears.
    const more = smallProposal({ id: '0xb', space: 's.eth', created: 2000, state: 'closed', voters: 5 })
    hub.data.proposals = [closed, more, smallProposal({ id: '0xc', space: 's.eth', created: 3000, voters: 2 })]
    hub.stats.voteQueries = {}
    const r = await indexSnapshotSpace({ db, dao, space: 's.eth', hub: hub.url, retry: FAST, now: 2 })
    expect(r).toMatchObject({ newProposals: 1, refreshedProposals: 1, votes: 7 })
    expect(Object.keys(hub.stats.voteQueries).sort()).toEqual(['0xb', '0xc'])
    expect(readSnapshotVotes(db, dao.id, '0xb')).toHaveLength(5)
    expect(readSnapshotProposals(db, dao.id, 's.eth').map((p) => [p.id, p.state])).toEqual([
      ['0xa', 'closed'],
      ['0xb', 'closed'],
      ['0xc', 'closed'],
    ])

    // Nothing new: no votes are fetched at all.
    hub.stats.voteQueries = {}
    const again = await indexSnapshotSpace({ db, dao, space: 's.eth', hub: hub.url, retry: FAST, now: 3 })
    expect(again).toMatchObject({ newProposals: 0, refreshedProposals: 0, votes: 0 })
    expect(hub.stats.voteQueries).toEqual({})
  })

  test('150 open proposals are re-read by id in chunks of 100 (the hub\'s id_in limit), with the API key', async () => {
    const { db, dao } = tmpDb()
    const open = Array.from({ length: 150 }, (_, i) => smallProposal({ id: `0x${String(i).padStart(3, '0')}`, space: 's.eth', created: 1000 + i, state: 'active', voters: 1 }))
    const hub = await hubWith({ proposals: open })
    const apiKey = 'snapshot-key-0123456789'
    await indexSnapshotSpace({ db, dao, space: 's.eth', hub: hub.url, apiKey, retry: FAST })
    // Between runs the newest proposal's created moves no cursor; all 150 are still open.
    hub.stats.byRoot = {}
    const r = await indexSnapshotSpace({ db, dao, space: 's.eth', hub: hub.url, apiKey, retry: FAST })
    expect(r).toMatchObject({ newProposals: 0, refreshedProposals: 150, votes: 150 })
    // One page from the cursor (the newest proposal), then the other 149 by id: 100 + 49.
    expect(hub.stats.byRoot.proposals).toBe(3)
    expect(hub.stats.rejected).toBe(0)
    expect(new Set(hub.stats.apiKeys)).toEqual(new Set([apiKey]))
  })

  test('a vote count that differs from the hub is listed', async () => {
    const { db, dao } = tmpDb()
    const p = { ...smallProposal({ id: '0xa', space: 's.eth', created: 1000 }), votes_count: 9 }
    const hub = await hubWith({ proposals: [p] })
    const r = await indexSnapshotSpace({ db, dao, space: 's.eth', hub: hub.url, retry: FAST })
    expect(r.countMismatches).toEqual([{ proposal: '0xa', hubCount: 9, fetched: 5 }])
  })

  describe('bad input leaves the database untouched', () => {
    const seed = async () => {
      const ctx = tmpDb()
      const hub = await hubWith({ proposals: [smallProposal({ id: '0xa', space: 's.eth', created: 1000, state: 'active' })] })
      await indexSnapshotSpace({ db: ctx.db, dao: ctx.dao, space: 's.eth', hub: hub.url, retry: FAST, now: 1 })
      hub.data.proposals.push(withHubScores(smallProposal({ id: '0xb', space: 's.eth', created: 2000 })))
      return { ...ctx, hub }
    }

    test('unknown space: UsageError', async () => {
      const { db, dao, file, hub } = await seed()
      const before = checksum(db, file)
      await expect(indexSnapshotSpace({ db, dao, space: 'missing.eth', hub: hub.url, retry: FAST })).rejects.toThrow(UsageError)
      expect(checksum(db, file)).toBe(before)
    })

    test('hub down: SourceError', async () => {
      const { db, dao, file, hub } = await seed()
      const before = checksum(db, file)
      await hub.close()
      await expect(indexSnapshotSpace({ db, dao, space: 's.eth', hub: hub.url, retry: FAST })).rejects.toThrow(SourceError)
      expect(checksum(db, file)).toBe(before)
    })

    test('malformed JSON mid-run (after the space and proposals were read): SourceError', async () => {
      const { db, dao, file, hub } = await seed()
      const before = checksum(db, file)
      hub.data.plan = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [hub.stats.requests + 4 + i, 'malformed' as const]))
      const err = await indexSnapshotSpace({ db, dao, space: 's.eth', hub: hub.url, retry: FAST }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(SourceError)
      expect((err as Error).message).toMatch(/malformed answer: invalid JSON/)
      expect(checksum(db, file)).toBe(before)
    })

    test('a vote with an unusable vp: SourceError naming it', async () => {
      const { db, dao, file, hub } = await seed()
      const before = checksum(db, file)
      hub.data.proposals[1]!.votes[0]!.vp = -1
      await expect(indexSnapshotSpace({ db, dao, space: 's.eth', hub: hub.url, retry: FAST })).rejects.toThrow(/vote 0xb-v0 with an unusable vp: -1/)
      expect(checksum(db, file)).toBe(before)
    })
  })
})
