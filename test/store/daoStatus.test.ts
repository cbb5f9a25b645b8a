/**
 * `govaudit list`: per DAO, its governors with their proposals and votes, and its Snapshot
 * spaces with theirs (null when it has none), counted from the stored rows and printed by
 * the built CLI in every format.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { openDb } from '../../src/store/db.js'
import { insertDao } from '../../src/store/daos.js'
import { addGovernor } from '../../src/store/governors.js'
import { GovernorWriter } from '../../src/store/governorLedger.js'
import { listDaoStatus } from '../../src/store/daoStatus.js'
import { writeSnapshotBatch } from '../../src/store/snapshotStore.js'
import type { GovernorEvent } from '../../src/sources/governor/decode.js'
import type { GovernorInfo } from '../../src/sources/governor/detect.js'
import { cli, json, tmpDir } from '../cli/harness.js'

const TOKEN = '0x' + '11'.repeat(20)
const word = (n: number | bigint) => n.toString(16).padStart(64, '0')
const governorInfo = (address: string): GovernorInfo => ({
  address,
  kind: 'oz',
  countingMode: 'support=bravo&quorum=for,abstain',
  clockMode: 'mode=blocknumber&from=default',
  clock: 'blocknumber',
  token: TOKEN,
  name: null,
})

/** One proposal with `votes` votes on `governor`, in blocks from `block`. */
function proposalWithVotes(governor: string, id: number, votes: number, block: number): GovernorEvent[] {
  const at = (i: number) => ({ governor, blockNumber: block + i, logIndex: 0, transactionIndex: 0, transactionHash: `0x${word(block + i)}` })
  return [
    {
      kind: 'ProposalCreated', ...at(0), proposalId: word(id), proposer: '0x' + '22'.repeat(20), targets: [], values: [], signatures: [], calldatas: [],
      voteStart: block + 1, voteEnd: block + 100, description: `# P${id}`,
    },
    ...Array.from({ length: votes }, (_, v): GovernorEvent => ({
      kind: 'VoteCast', event: 'VoteCast', ...at(v + 2), voter: `0x${(v + 1).toString(16).padStart(40, '0')}`, proposalId: word(id), support: 1,
      weight: word(10), againstVotes: word(0), forVotes: word(10), abstainVotes: word(0), reason: '', params: null,
    })),
  ]
}

let file: string
beforeAll(() => {
  file = path.join(tmpDir('govaudit-list-'), 'list.db')
  const db = openDb({ path: file, create: true })
  const gov = insertDao(db, { name: 'gov', chainId: 1, token: TOKEN, tokenStandard: 'erc20', startBlock: 10 })
  insertDao(db, { name: 'plain', chainId: 1, token: '0x' + '33'.repeat(20), tokenStandard: 'erc20', startBlock: 0 })
  const a = '0x' + 'aa'.repeat(20)
  const b = '0x' + 'bb'.repeat(20)
  for (const g of [a, b]) addGovernor(db, gov, governorInfo(g), 10)
  const governors = [a, b].map((address) => ({ address, countingMode: 'support=bravo&quorum=for,abstain' }))
  const events = [...proposalWithVotes(a, 1, 3, 20), ...proposalWithVotes(a, 2, 2, 40), ...proposalWithVotes(b, 1, 4, 60)]
  db.transaction(() => new GovernorWriter(db, gov.id).write({ events, governors }, 100))()
  writeSnapshotBatch(db, {
    daoId: gov.id,
    space: 'gov.eth',
    hub: 'http://hub',
    proposals: [
      { id: '0xp', space: 'gov.eth', author: '0xabc', title: 'S1', type: 'single-choice', choices: ['For', 'Against'], created: 1, start: 1, end: 2,
        snapshotBlock: null, network: '1', state: 'closed', scores: [1, 0], scoresTotal: 1, quorum: 0, votesCount: 2 },
    ],
    votes: new Map([['0xp', [1, 2].map((i) => ({ id: `v${i}`, proposal: '0xp', voter: `0x${i}`, choice: 1, vp: 0.5, vpByStrategy: null, created: 1, reason: '' }))]]),
    now: 3,
  })
  db.close()
})
afterAll(() => {
  if (file) fs.rmSync(path.dirname(file), { recursive: true, force: true })
})

test('the store counts governors, proposals and votes, and Snapshot spaces, per DAO', () => {
  const db = openDb({ path: file, create: false })
  const byName = new Map(listDaoStatus(db).map((d) => [d.name, d]))
  db.close()
  expect(byName.get('gov')).toMatchObject({ governors: { governors: 2, proposals: 3, votes: 9 }, snapshot: { spaces: ['gov.eth'], proposals: 1, votes: 2 } })
  expect(byName.get('plain')).toMatchObject({ governors: { governors: 0, proposals: 0, votes: 0 }, snapshot: null })
})

test('list prints them: JSON, table and CSV', async () => {
  const out = json(await cli(['list', '--db', file, '--format', 'json']))
  expect(out.daos.map((d: { name: string; governors: unknown; snapshot: unknown }) => [d.name, d.governors, d.snapshot])).toEqual([
    ['gov', { governors: 2, proposals: 3, votes: 9 }, { spaces: ['gov.eth'], proposals: 1, votes: 2 }],
    ['plain', { governors: 0, proposals: 0, votes: 0 }, null],
  ])
  const table = await cli(['list', '--db', file])
  expect(table.code, table.stderr).toBe(0)
  for (const header of ['governors', 'proposals', 'votes', 'Snapshot']) expect(table.stdout).toContain(header)
  expect(table.stdout).toContain('gov.eth')
  const csv = (await cli(['list', '--db', file, '--format', 'csv'])).stdout.trim().split('\n')
  const header = csv[0]!.split(',')
  const row = Object.fromEntries(csv[1]!.split(',').map((v, i) => [header[i], v]))
  expect(row).toMatchObject({ governors: '2', proposals: '3', votes: '9', snapshotSpaces: 'gov.eth', snapshotProposals: '1', snapshotVotes: '2' })
})
