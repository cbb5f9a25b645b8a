/** The v2 schema, the import write path, stored proposal votes and the weights resolver. */
import path from 'node:path'
import Database from 'better-sqlite3'
import { describe, expect, test } from 'vitest'
import { entriesOf } from '../../src/analysis/population.js'
import { freshDb, freshDir, openTestDb } from '../helpers/freshDb.js'
import type { Db } from '../../src/store/db.js'
import { MIGRATIONS } from '../../src/store/migrations/index.js'
import { findDao, insertDao, setCursor, type Dao } from '../../src/store/daos.js'
import { toWord } from '../../src/store/amount.js'
import { daoKind, importData, importedHolders } from '../../src/store/imports.js'
import { listProposals, proposalVotes } from '../../src/store/proposalVotes.js'
import { resolveWeights, votesCastWeights } from '../../src/store/weights.js'
import { UsageError } from '../../src/errors.js'

const a = (i: number) => `0x${i.toString(16).padStart(40, '0')}`
const file = { file: 'f.csv', sha256: 'ab'.repeat(32) }
const vote = (proposalId: string, i: number, support: 0 | 1 | 2, weight: bigint, line = i + 2) => ({ proposalId, voter: a(i), support, weight, line })
const count = (db: Db, table: string) => db.prepare(`SELECT count(*) FROM ${table}`).pluck().get() as number

/** An indexed DAO with voting power and balances at its cursor (block 100). */
function indexedDao(db: Db): Dao {
  const dao = insertDao(db, { name: 'chain', chainId: 1, token: a(999), tokenStandard: 'erc20', startBlock: 10 })
  const put = (table: string, col: string, rows: [number, bigint][]) => {
    for (const [i, w] of rows) db.prepare(`INSERT INTO ${table} (dao_id, ${col}, ${table === 'balance' ? 'balance' : 'votes'}) VALUES (?, unhex(substr(?, 3)), unhex(?))`).run(dao.id, a(i), toWord(w))
  }
  put('balance', 'holder', [[1, 500n], [2, 300n], [3, 200n]]) // supply 1000
  put('voting_power', 'delegate', [[1, 600n], [4, 100n]]) // 2 and 3 delegated to 1; 4 is someone's delegate
  setCursor(db, dao.id, 'token', 100)
  return dao
}

describe('schema v2', () => {
  test('a v1 database migrates: existing DAOs become kind "indexed", new tables exist', () => {
    const file = path.join(freshDir(), 'v1.db')
    const raw = new Database(file)
    raw.exec(MIGRATIONS[0]!)
    raw.pragma('user_version = 1')
    raw.prepare(`INSERT INTO dao (name, chain_id, token, token_standard, start_block, created_at) VALUES ('old', 1, ?, 'erc20', 5, 'x')`).run(a(1))
    raw.close()
    const db = openTestDb(file)
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length)
    expect(daoKind(db, findDao(db, 'old')!)).toBe('indexed')
    for (const t of ['import_batch', 'imported_proposal', 'imported_vote', 'holder_weight']) expect(count(db, t)).toBe(0)
  })
})

describe('importData', () => {
  test('creates an imported DAO and stores votes and holders with their batch and scale', () => {
    const db = freshDb()
    const r = importData(db, {
      name: 'x',
      votes: { ...file, scale: 2, rows: [vote('7', 1, 1, 1250n), vote('7', 2, 0, 25n), vote('3', 1, 2, 100n)] },
      holders: { ...file, scale: 0, rows: [{ line: 2, address: a(1), weight: 10n }, { line: 3, address: a(2), weight: 0n }] },
    })
    expect(r).toMatchObject({ created: true, kind: 'imported', votes: { rows: 3, proposals: ['7', '3'], replacedProposals: [], scale: 2 }, holders: { rows: 2, scale: 0 } })
    expect(r.dao).toMatchObject({ name: 'x', chainId: 0, token: 'import', tokenStandard: 'unknown', startBlock: 0 })
    expect(daoKind(db, r.dao)).toBe('imported')
    expect(importedHolders(db, r.dao)).toEqual({ scale: 0, file: 'f.csv', weights: [{ address: a(1), weight: 10n }] }) // zero weight left out
    expect(listProposals(db, r.dao).map((p) => [p.id, p.scale, p.source, p.countingMode, p.quorum])).toEqual([['3', 2, 'import', null, null], ['7', 2, 'import', null, null]])
    expect(proposalVotes(db, r.dao, { source: 'import', id: '7' })).toEqual([
      { voter: a(1), for: 1250n, against: 0n, abstain: 0n },
      { voter: a(2), for: 0n, against: 25n, abstain: 0n },
    ])
  })

  test('re-importing a proposal replaces its votes; other proposals stay', () => {
    const db = freshDb()
    importData(db, { name: 'x', votes: { ...file, scale: 0, rows: [vote('1', 1, 1, 5n), vote('1', 2, 1, 6n), vote('2', 3, 0, 7n)] } })
    const r = importData(db, { name: 'x', votes: { ...file, scale: 0, rows: [vote('1', 4, 2, 8n)] } })
    expect(r.votes).toMatchObject({ replacedProposals: ['1'], replacedRows: 2 })
    expect(proposalVotes(db, r.dao, { source: 'import', id: '1' })).toEqual([{ voter: a(4), for: 0n, against: 0n, abstain: 8n }])
    expect(proposalVotes(db, r.dao, { source: 'import', id: '2' })).toHaveLength(1)
  })

  test('holders into an indexed DAO are refused and nothing of the call is written', () => {
    const db = freshDb()
    indexedDao(db)
    const before = [count(db, 'import_batch'), count(db, 'imported_vote'), count(db, 'dao')]
    expect(() =>
      importData(db, {
        name: 'chain',
        votes: { ...file, scale: 0, rows: [vote('1', 1, 1, 5n)] },
        holders: { ...file, scale: 0, rows: [{ line: 2, address: a(1), weight: 1n }] },
      }),
    ).toThrow(/is indexed from chain 1: its holders come from its token/)
    expect([count(db, 'import_batch'), count(db, 'imported_vote'), count(db, 'dao')]).toEqual(before)
  })
})

describe('listProposals', () => {
  test('sorts decimal ids numerically; unknown ids, empty DAOs and unstored sources are usage errors', () => {
    const db = freshDb()
    const { dao } = importData(db, { name: 'x', votes: { ...file, scale: 0, rows: ['12', '7', 'pip-3', '100'].map((id, i) => vote(id, i, 1, 1n)) } })
    expect(listProposals(db, dao).map((p) => p.id)).toEqual(['7', '12', '100', 'pip-3'])
    expect(listProposals(db, dao, { proposal: '12' }).map((p) => p.id)).toEqual(['12'])
    expect(() => listProposals(db, dao, { proposal: '8' })).toThrow(/No proposal "8" for DAO "x"; known: 7, 12, 100, pip-3\./)
    expect(() => listProposals(db, dao, { source: 'governor' })).toThrow(UsageError)
    const empty = indexedDao(db)
    expect(() => listProposals(db, empty)).toThrow(/DAO "chain" has no stored proposals/)
  })
})

describe('resolveWeights', () => {
  test('indexed DAO: bases, default and crossed denominators, at the cursor', () => {
    const db = freshDb()
    const dao = indexedDao(db)
    const vp = resolveWeights(db, dao)
    expect(vp).toMatchObject({ basis: 'voting-power', denominator: 'total-voting-power', blockNumber: 100, proposal: null, scale: 0 })
    expect(vp.denominatorWeights).toBe(vp.weights)
    const crossed = resolveWeights(db, dao, { denominator: 'total-supply' })
    expect(entriesOf(crossed.weights).map((w) => w.weight).sort()).toEqual([100n, 600n])
    expect(entriesOf(crossed.denominatorWeights).reduce((s, w) => s + w.weight, 0n)).toBe(1000n)
    const bal = resolveWeights(db, dao, { basis: 'balance' })
    expect(bal).toMatchObject({ basis: 'balance', denominator: 'total-supply' })
    expect(() => resolveWeights(db, dao, { block: 101 })).toThrow(/after the last indexed block 100/)
    expect(() => resolveWeights(db, dao, { denominator: 'votes-cast' })).toThrow(/needs --proposal/)
    expect(() => resolveWeights(db, dao, { denominator: 'total-imported' })).toThrow(/indexed from a chain and has no imported holders/)
  })

  test('votes imported into an indexed DAO can be divided by on-chain totals, unless they are decimal-scaled', () => {
    const db = freshDb()
    const dao = indexedDao(db)
    importData(db, { name: 'chain', votes: { ...file, scale: 0, rows: [vote('1', 1, 1, 400n), vote('1', 4, 0, 100n)] } })
    const r = resolveWeights(db, dao, { proposal: '1', denominator: 'total-voting-power' })
    expect(r).toMatchObject({ basis: 'votes', blockNumber: 100, scale: 0 })
    expect(entriesOf(r.denominatorWeights).reduce((s, w) => s + w.weight, 0n)).toBe(700n)
    importData(db, { name: 'chain', votes: { ...file, scale: 1, rows: [vote('2', 1, 1, 15n)] } })
    expect(() => resolveWeights(db, dao, { proposal: '2', denominator: 'total-supply' })).toThrow(/imported with 1 decimal place/)
    expect(() => resolveWeights(db, dao, { proposal: '1', block: 50 })).toThrow(/--block applies to on-chain totals/)
  })

  test('imported DAO: holders are basis "imported"; votes over total-imported are brought to one scale', () => {
    const db = freshDb()
    const { dao } = importData(db, {
      name: 'x',
      votes: { ...file, scale: 0, rows: [vote('1', 1, 1, 3n), vote('1', 1, 0, 2n)] }, // one voter, split: 5 cast
      holders: { ...file, scale: 2, rows: [{ line: 2, address: a(1), weight: 1000n }, { line: 3, address: a(2), weight: 550n }] },
    })
    expect(resolveWeights(db, dao, { basis: 'balance' })).toMatchObject({ basis: 'imported', denominator: 'total-imported', scale: 2, blockNumber: null })
    const r = resolveWeights(db, dao, { proposal: '1', denominator: 'total-imported' })
    // votes × 10^(2 − 0): 5 -> 500, against holders 1000 + 550 = 1550 at scale 2.
    expect(r.scale).toBe(2)
    expect(r.weights).toEqual([{ address: a(1), weight: 500n }])
    expect(entriesOf(r.denominatorWeights).reduce((s, w) => s + w.weight, 0n)).toBe(1550n)
    // What an imported DAO does not have is named, not guessed.
    expect(() => resolveWeights(db, dao, { proposal: '1', denominator: 'total-supply' })).toThrow(/is imported: it has no on-chain voting power or supply/)
    expect(() => resolveWeights(db, dao, { denominator: 'total-voting-power' })).toThrow(/its only population is the imported holder list/)
    expect(() => resolveWeights(db, dao, { block: 5 })).toThrow(/its holder weights have no block/)
    expect(() => resolveWeights(db, dao, { proposal: '1', basis: 'balance' })).toThrow(/--proposal selects the votes cast/)
    expect(() => resolveWeights(db, dao, { basis: 'votes' })).toThrow(/--basis votes needs --proposal/)
  })

  test('an imported DAO without holders says how to import them', () => {
    const db = freshDb()
    const { dao } = importData(db, { name: 'v', votes: { ...file, scale: 0, rows: [vote('1', 1, 1, 3n)] } })
    expect(() => resolveWeights(db, dao)).toThrow(/DAO "v" has no imported holders; import them with `govaudit import v --holders FILE.csv`/)
  })

  test('votesCastWeights sums every row of a voter', () => {
    expect(votesCastWeights([
      { voter: a(1), for: 1n, against: 0n, abstain: 0n },
      { voter: a(2), for: 0n, against: 4n, abstain: 0n },
      { voter: a(1), for: 0n, against: 2n, abstain: 3n },
    ])).toEqual([{ address: a(1), weight: 6n }, { address: a(2), weight: 4n }])
  })
})
