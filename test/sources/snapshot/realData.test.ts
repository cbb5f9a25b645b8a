/**
 * Real Snapshot data (../shared/data/snapshot-tokenomics, CC BY 4.0; see its README):
 * 28 closed proposals with all 19,970 votes, served by the loopback hub, indexed, and
 * rescored from the stored votes. The recomputed totals must match the hub's
 * `scores_total` (an independent check: votes and totals came from separate exports),
 * and the per-choice scores the file's `scores`.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDb, type Db } from '../../../src/store/db.js'
import { insertDao, type Dao } from '../../../src/store/daos.js'
import { indexSnapshotSpace } from '../../../src/sources/snapshot/indexSnapshotSpace.js'
import { readSnapshotProposals, readSnapshotVotes } from '../../../src/store/snapshotStore.js'
import { checkSnapshotProposal, compareSnapshotScores, isSnapshotType, scoreSnapshot } from '../../../src/analysis/snapshotScoring.js'
import { renderSnapshotProposals } from '../../../src/report/snapshotProposals.js'
import { startSnapshotHub, type FixtureProposal, type SnapshotHub } from '../../helpers/snapshotHub.js'

const repoRoot = path.resolve(import.meta.dirname, '../../..')
const DATA = path.resolve(repoRoot, '../shared/data/snapshot-tokenomics/proposals.json')
const present = fs.existsSync(DATA)
if (!present) console.warn(`[skipped] real Snapshot data not found at ${DATA}; the real-data test is skipped`)

describe.skipIf(!present)('real Snapshot data (28 proposals, 19,970 votes)', () => {
  let hub: SnapshotHub
  let db: Db
  let dao: Dao
  let dir: string
  let fixture: FixtureProposal[]

  beforeAll(async () => {
    fixture = JSON.parse(fs.readFileSync(DATA, 'utf8')) as FixtureProposal[]
    hub = await startSnapshotHub({ proposals: fixture })
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govaudit-real-'))
    db = openDb({ path: path.join(dir, 'g.db'), create: true })
    dao = insertDao(db, { name: 'real', chainId: 1, token: '0x' + '2'.repeat(40), tokenStandard: 'erc20', startBlock: 0 })
    for (const space of [...new Set(fixture.map((p) => p.space))])
      await indexSnapshotSpace({ db, dao, space, hub: hub.url, retry: { baseDelayMs: 1, maxDelayMs: 5 } })
  })
  afterAll(async () => {
    db?.close()
    await hub?.close()
    if (dir) fs.rmSync(dir, { recursive: true, force: true })
  })

  test('every proposal and vote is stored', () => {
    const stored = readSnapshotProposals(db, dao.id)
    expect(stored).toHaveLength(28)
    let votes = 0
    for (const p of stored) {
      const vs = readSnapshotVotes(db, dao.id, p.id)
      expect(vs).toHaveLength(p.votesCount)
      votes += vs.length
    }
    expect(votes).toBe(19_970)
  })

  test('recomputed scores match the hub scores and scores_total for all 28 proposals', () => {
    const results = readSnapshotProposals(db, dao.id).map((p) => {
      if (!isSnapshotType(p.type)) throw new Error(`unexpected type ${p.type}`)
      const scored = scoreSnapshot({ type: p.type, choices: p.choices, votes: readSnapshotVotes(db, dao.id, p.id) })
      return { id: p.id, type: p.type, anomalies: scored.anomalies.length, ...compareSnapshotScores({ recomputed: scored, hubScores: p.scores, hubScoresTotal: p.scoresTotal }) }
    })
    expect(results.filter((r) => !r.agrees || r.anomalies > 0)).toEqual([])
    expect(new Set(results.map((r) => r.type))).toEqual(new Set(['basic', 'single-choice', 'weighted']))
  })

  test('the proposals report (--source snapshot) shows all 28 checked, floats labelled as Snapshot numbers', () => {
    const proposals = readSnapshotProposals(db, dao.id).map((proposal) => {
      const votes = readSnapshotVotes(db, dao.id, proposal.id)
      return { proposal, storedVotes: votes.length, check: checkSnapshotProposal({ proposal, votes }) }
    })
    const j = JSON.parse(renderSnapshotProposals({ dao: 'real', proposals }, 'json'))
    expect(j.proposals).toHaveLength(28)
    expect(j.proposals.every((p: { check: { agrees: boolean } }) => p.check.agrees)).toBe(true)
    expect(j.note).toMatch(/floats/)
    const table = renderSnapshotProposals({ dao: 'real', proposals }, 'table')
    expect(table).toMatch(/Snapshot proposals of real: 28\n/)
    expect(table).toMatch(/Snapshot numbers: vp and scores are floats/)
    expect(table).not.toMatch(/MISMATCH|ANOMALY/)
    const csv = renderSnapshotProposals({ dao: 'real', proposals }, 'csv').trim().split('\n')
    expect(csv).toHaveLength(29)
  })
})
