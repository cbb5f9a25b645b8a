import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { openDb, type Db } from '../../src/store/db.js'
import { insertDao } from '../../src/store/daos.js'
import {
  getSnapshotSpace,
  openSnapshotProposalIds,
  readSnapshotProposals,
  readSnapshotVotes,
  writeSnapshotBatch,
} from '../../src/store/snapshotStore.js'
import type { HubProposal, HubVote } from '../../src/sources/snapshot/types.js'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

function setup(): { db: Db; daoId: number } {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'govaudit-snapstore-'))
  dirs.push(d)
  const db = openDb({ path: path.join(d, 'g.db'), create: true })
  const dao = insertDao(db, { name: 'x', chainId: 1, token: '0x' + '3'.repeat(40), tokenStandard: 'erc20', startBlock: 0 })
  return { db, daoId: dao.id }
}

const proposal = (id: string, created: number, state = 'closed'): HubProposal => ({
  id,
  space: 's.eth',
  author: '0xabc',
  title: `P ${id}`,
  type: 'weighted',
  choices: ['A', 'B'],
  created,
  start: created,
  end: created + 10,
  snapshotBlock: null,
  network: '1',
  state,
  scores: [0.1 + 0.2, 1 / 3],
  scoresTotal: 0.1 + 0.2 + 1 / 3,
  quorum: 0,
  votesCount: 2,
})

const vote = (id: string, proposalId: string, vp: number): HubVote => ({
  id,
  proposal: proposalId,
  voter: `0x${id}`,
  choice: { '1': 1, '2': 2 },
  vp,
  vpByStrategy: [vp / 2, vp / 2],
  created: 5,
  reason: 'because',
})

test('proposals and votes round-trip, floats exactly as given', () => {
  const { db, daoId } = setup()
  const p = proposal('0xa', 100, 'active')
  const votes = [vote('v1', '0xa', 0.1 + 0.2), vote('v2', '0xa', 1 / 3)]
  writeSnapshotBatch(db, { daoId, space: 's.eth', hub: 'http://h', proposals: [p], votes: new Map([['0xa', votes]]), now: 42 })
  expect(readSnapshotProposals(db, daoId, 's.eth')).toEqual([p])
  expect(readSnapshotVotes(db, daoId, '0xa')).toEqual(votes)
  expect(getSnapshotSpace(db, daoId, 's.eth')).toEqual({ space: 's.eth', hub: 'http://h', proposalsCreated: 100, indexedAt: 42 })
  expect(openSnapshotProposalIds(db, daoId, 's.eth')).toEqual(['0xa'])
  // A later batch replaces that proposal's votes and never moves the cursor back.
  writeSnapshotBatch(db, { daoId, space: 's.eth', hub: 'http://h', proposals: [{ ...p, state: 'closed', created: 50 }], votes: new Map([['0xa', [votes[0]!]]]), now: 43 })
  expect(readSnapshotVotes(db, daoId, '0xa')).toEqual([votes[0]])
  expect(getSnapshotSpace(db, daoId, 's.eth')?.proposalsCreated).toBe(100)
  expect(openSnapshotProposalIds(db, daoId, 's.eth')).toEqual([])
})

test('a failing batch writes nothing: rows and cursor in one transaction', () => {
  const { db, daoId } = setup()
  const dup = [vote('v1', '0xa', 1), vote('v1', '0xa', 2)]
  expect(() =>
    writeSnapshotBatch(db, { daoId, space: 's.eth', hub: 'http://h', proposals: [proposal('0xa', 1)], votes: new Map([['0xa', dup]]), now: 1 }),
  ).toThrow(/UNIQUE/)
  expect(readSnapshotProposals(db, daoId)).toEqual([])
  expect(getSnapshotSpace(db, daoId, 's.eth')).toBeUndefined()
})

test('vpToDecimal reads the float as the decimal the hub sent', async () => {
  const { vpToDecimal } = await import('../../src/store/snapshotVoteReader.js')
  expect(vpToDecimal(2755022.0714428956)).toEqual({ digits: 27550220714428956n, scale: 10 })
  expect(vpToDecimal(0)).toEqual({ digits: 0n, scale: 0 })
  expect(vpToDecimal(1e-7)).toEqual({ digits: 1n, scale: 7 })
  expect(vpToDecimal(1.5e21)).toEqual({ digits: 1500000000000000000000n, scale: 0 })
  expect(vpToDecimal(0.1 + 0.2)).toEqual({ digits: 30000000000000004n, scale: 17 })
  expect(() => vpToDecimal(-1)).toThrow(RangeError)
})

test('the snapshot vote reader gives basic votes as exact for/against/abstain on a common scale', async () => {
  const { snapshotVoteReader } = await import('../../src/store/snapshotVoteReader.js')
  const { db, daoId } = setup()
  const dao = { id: daoId, name: 'x' } as Parameters<typeof snapshotVoteReader.votes>[1]
  const basic: HubProposal = { ...proposal('0xb', 1), type: 'basic', choices: ['For', 'Against', 'Abstain'], quorum: 2.5 }
  const vs = [
    { ...vote('a', '0xb', 1.25), choice: 1 },
    { ...vote('b', '0xb', 3), choice: 2 },
    { ...vote('c', '0xb', 0.5), choice: 3 },
    { ...vote('d', '0xb', 9), choice: 7 },
  ]
  writeSnapshotBatch(db, { daoId, space: 's.eth', hub: 'h', proposals: [basic, proposal('0xw', 2)], votes: new Map([['0xb', vs]]), now: 1 })
  const refs = snapshotVoteReader.proposals(db, dao)
  expect(refs[0]).toEqual({ source: 'snapshot', id: '0xb', title: 'P 0xb', scale: 2, countingMode: 'snapshot-basic', quorum: 250n, state: 'closed', snapshotBlock: null })
  expect(snapshotVoteReader.votes(db, dao, '0xb')).toEqual([
    { voter: '0xa', for: 125n, against: 0n, abstain: 0n },
    { voter: '0xb', for: 0n, against: 300n, abstain: 0n },
    { voter: '0xc', for: 0n, against: 0n, abstain: 50n },
  ])
  expect(() => snapshotVoteReader.votes(db, dao, '0xw')).toThrow(/weighted: its votes are choices/)
})
