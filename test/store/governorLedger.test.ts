import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, test } from 'vitest'
import { openDb, type Db } from '../../src/store/db.js'
import { getCursor, insertDao, setCursor, type Dao } from '../../src/store/daos.js'
import Database from 'better-sqlite3'
import { GovernorLedger, GovernorWriter, rebuildProposalTallies } from '../../src/store/governorLedger.js'
import { addGovernor, getGovernorCursor } from '../../src/store/governors.js'
import { listGovernorProposals, proposalVoters } from '../../src/store/governorQueries.js'
import type { GovernorEvent, VoteCastEvent } from '../../src/sources/governor/decode.js'
import { SourceError, StoreError, UsageError } from '../../src/errors.js'

const GOV = '0x00000000000000000000000000000000000000aa'
const word = (v: bigint) => v.toString(16).padStart(64, '0')
let dbs: Db[] = []
afterEach(() => {
  for (const d of dbs) {
    d.close()
    fs.rmSync(path.dirname(d.name), { recursive: true, force: true })
  }
  dbs = []
})

function setup(countingMode = 'support=bravo,fractional&quorum=for,abstain&params=fractional'): { db: Db; dao: Dao; ledger: GovernorLedger } {
  const db = openDb({ path: path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'govaudit-ledger-')), 'x.db'), create: true })
  dbs.push(db)
  const dao = insertDao(db, { name: 'd', chainId: 1, token: '0x00000000000000000000000000000000000000bb', tokenStandard: 'erc20', startBlock: 1 })
  addGovernor(db, dao, { address: GOV, kind: 'oz', countingMode, clockMode: 'mode=blocknumber&from=default', clock: 'blocknumber', token: null, name: null }, 1)
  return { db, dao, ledger: new GovernorLedger(db, dao.id, [{ address: GOV, countingMode }]) }
}

let logIndex = 0
const pos = (blockNumber: number) => ({ governor: GOV, blockNumber, logIndex: logIndex++, transactionIndex: 0, transactionHash: `0x${'1'.repeat(64)}` })
const created = (id: bigint, blockNumber = 2): GovernorEvent => ({
  kind: 'ProposalCreated',
  ...pos(blockNumber),
  proposalId: word(id),
  proposer: GOV,
  targets: [],
  values: [],
  signatures: [],
  calldatas: [],
  voteStart: 5,
  voteEnd: 10,
  description: '# T\nbody',
})
const vote = (id: bigint, voter: string, a: bigint, f: bigint, b: bigint, support = 255, blockNumber = 6): VoteCastEvent => ({
  kind: 'VoteCast',
  event: support === 255 ? 'VoteCastWithParams' : 'VoteCast',
  ...pos(blockNumber),
  voter,
  proposalId: word(id),
  support,
  weight: word(a + f + b),
  againstVotes: word(a),
  forVotes: word(f),
  abstainVotes: word(b),
  reason: '',
  params: support === 255 ? '0x' : null,
})

describe('GovernorLedger', () => {
  test('write refuses to run outside the caller’s transaction', () => {
    const { ledger } = setup()
    ledger.stage([created(1n)])
    expect(() => ledger.write(3)).toThrow(StoreError)
  })

  test('tallies accumulate across commits; fractional voters count once; rebuild agrees', () => {
    const { db, dao, ledger } = setup()
    const [x, y] = ['0x00000000000000000000000000000000000000c1', '0x00000000000000000000000000000000000000c2']
    ledger.stage([created(1n), vote(1n, x, 1n, 2n, 3n)])
    db.transaction(() => ledger.write(6))()
    ledger.stage([vote(1n, x, 0n, 4n, 0n, 255, 7), vote(1n, y, 0n, 0n, 5n, 2, 7)])
    db.transaction(() => ledger.write(8))()
    const [p] = listGovernorProposals(db, dao)
    expect(p).toMatchObject({ tally: { for: 6n, against: 1n, abstain: 8n }, votes: 3, voters: 2, title: 'T' })
    expect(getGovernorCursor(db, dao.id, GOV)).toBe(8)
    const before = db.prepare('SELECT * FROM proposal_tally').all()
    db.prepare('DELETE FROM proposal_tally').run()
    expect(rebuildProposalTallies(db, dao.id)).toBe(1)
    expect(db.prepare('SELECT * FROM proposal_tally').all()).toEqual(before)
    const voters = proposalVoters(db, dao, p!)
    expect(voters.voters.map((v) => [v.voter, v.weight, v.support, v.votes])).toEqual([
      [x, 10n, 'split', 2],
      [y, 5n, 'abstain', 1],
    ])
    expect(voters.unchecked).toMatch(/not known yet/)
  })

  test('a commit taken on one connection is written on another, with the token cursor, in one transaction', () => {
    const { db, dao, ledger } = setup()
    ledger.stage([created(7n), vote(7n, '0x00000000000000000000000000000000000000c3', 0n, 0n, 9n, 2)])
    // As posted to a writer thread: a structured clone on the thread's own connection.
    const commit = structuredClone(ledger.take())
    expect(ledger.stagedEvents).toBe(0)
    const other = new Database(db.name)
    try {
      const writer = new GovernorWriter(other, dao.id)
      expect(() => writer.write(commit, 9)).toThrow(StoreError)
      other.transaction(() => {
        setCursor(other, dao.id, 'token', 9)
        writer.write(commit, 9)
      })()
    } finally {
      other.close()
    }
    expect(getCursor(db, dao.id, 'token')).toBe(9)
    expect(getGovernorCursor(db, dao.id, GOV)).toBe(9)
    expect(listGovernorProposals(db, dao)[0]).toMatchObject({ id: 7n, tally: { for: 0n, against: 0n, abstain: 9n }, voters: 1 })
  })

  test('a governor cursor never moves back', () => {
    const { db, dao, ledger } = setup()
    db.transaction(() => ledger.write(50))()
    db.transaction(() => ledger.write(40))()
    expect(getGovernorCursor(db, dao.id, GOV)).toBe(50)
  })

  test('a repeated proposal id is a SourceError, and the transaction rolls back', () => {
    const { db, dao, ledger } = setup()
    ledger.stage([created(1n)])
    db.transaction(() => ledger.write(3))()
    ledger.stage([created(1n, 4)])
    expect(() => db.transaction(() => ledger.write(5))()).toThrow(SourceError)
    expect(getGovernorCursor(db, dao.id, GOV)).toBe(3)
  })

  test('re-registering a governor the chain now describes differently is refused', () => {
    const { db, dao } = setup()
    expect(() =>
      addGovernor(db, dao, { address: GOV, kind: 'bravo', countingMode: 'support=bravo&quorum=bravo', clockMode: 'x', clock: 'blocknumber', token: null, name: null }, 1),
    ).toThrow(UsageError)
  })
})
