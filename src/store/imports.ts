/**
 * The write path of `govaudit import`: an imported DAO, its vote and holder rows, and one
 * `import_batch` row per file, all in ONE transaction — a failure anywhere leaves the
 * database as it was. Re-importing is a replacement, never an append:
 * - a votes file replaces the imported votes of every proposal it contains (other
 *   proposals are kept), so importing the same file twice is idempotent;
 * - a holders file replaces the DAO's imported holder list as a whole.
 *
 * An imported DAO has kind 'imported', chain_id 0, token 'import', token_standard
 * 'unknown', start_block 0 and no cursor. Votes may also be imported into an indexed DAO
 * (e.g. from a governor this version does not index yet); holders may not — an indexed
 * DAO's holders come from its token.
 */
import type { Db } from './db.js'
import { findDao, type Dao } from './daos.js'
import { toWord } from './amount.js'
import { readWeights } from './readWeights.js'
import { UsageError } from '../errors.js'

export type DaoKind = 'indexed' | 'imported'

const IMPORTED_TOKEN = 'import'

/** Whether the DAO was indexed from a chain or created by `govaudit import`. */
export function daoKind(db: Db, dao: Pick<Dao, 'id'>): DaoKind {
  return db.prepare(`SELECT kind FROM dao WHERE id = ?`).pluck().get(dao.id) as DaoKind
}

export type ImportFile = { file: string; sha256: string; scale: number }
export type ImportVoteRow = { line: number; proposalId: string; voter: string; support: 0 | 1 | 2; weight: bigint }
export type ImportHolderRow = { line: number; address: string; weight: bigint }

export type ImportDataParameters = {
  /** DAO name (already validated and lowercased). */
  name: string
  votes?: ImportFile & { rows: readonly ImportVoteRow[] }
  holders?: ImportFile & { rows: readonly ImportHolderRow[] }
  now?: Date
}

export type ImportDataResult = {
  dao: Dao
  kind: DaoKind
  created: boolean
  votes?: { batchId: number; rows: number; proposals: string[]; replacedProposals: string[]; replacedRows: number; scale: number }
  holders?: { batchId: number; rows: number; replacedRows: number; scale: number }
}

export function importData(db: Db, p: ImportDataParameters): ImportDataResult {
  const now = (p.now ?? new Date()).toISOString()
  const run = db.transaction((): ImportDataResult => {
    let dao = findDao(db, p.name)
    const created = dao === undefined
    if (!dao) {
      db.prepare(
        `INSERT INTO dao (name, chain_id, token, token_standard, start_block, created_at, kind)
         VALUES (?, 0, ?, 'unknown', 0, ?, 'imported')`,
      ).run(p.name, IMPORTED_TOKEN, now)
      dao = findDao(db, p.name)!
    }
    const kind = daoKind(db, dao)
    if (p.holders && kind !== 'imported')
      throw new UsageError(
        `DAO "${dao.name}" is indexed from chain ${dao.chainId}: its holders come from its token. Import holders under another DAO name.`,
      )
    const batch = db.prepare(
      `INSERT INTO import_batch (dao_id, kind, file, sha256, rows, scale, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    const result: ImportDataResult = { dao, kind, created }

    if (p.votes) {
      const v = p.votes
      const batchId = Number(batch.run(dao.id, 'votes', v.file, v.sha256, v.rows.length, v.scale, now).lastInsertRowid)
      const proposals = [...new Set(v.rows.map((r) => r.proposalId))]
      const existing = db.prepare(`SELECT 1 FROM imported_proposal WHERE dao_id = ? AND proposal_id = ?`).pluck()
      const deleteVotes = db.prepare(`DELETE FROM imported_vote WHERE dao_id = ? AND proposal_id = ?`)
      const upsertProposal = db.prepare(
        `INSERT INTO imported_proposal (dao_id, proposal_id, batch_id) VALUES (?, ?, ?)
         ON CONFLICT (dao_id, proposal_id) DO UPDATE SET batch_id = excluded.batch_id`,
      )
      const replacedProposals: string[] = []
      let replacedRows = 0
      for (const id of proposals) {
        if (existing.get(dao.id, id) !== undefined) replacedProposals.push(id)
        replacedRows += deleteVotes.run(dao.id, id).changes
        upsertProposal.run(dao.id, id, batchId)
      }
      const insert = db.prepare(
        `INSERT INTO imported_vote (dao_id, proposal_id, voter, support, weight, line) VALUES (?, ?, ?, ?, ?, ?)`,
      )
      for (const r of v.rows) insert.run(dao.id, r.proposalId, r.voter, r.support, toWord(r.weight), r.line)
      result.votes = { batchId, rows: v.rows.length, proposals, replacedProposals, replacedRows, scale: v.scale }
    }

    if (p.holders) {
      const h = p.holders
      const batchId = Number(batch.run(dao.id, 'holders', h.file, h.sha256, h.rows.length, h.scale, now).lastInsertRowid)
      const replacedRows = db.prepare(`DELETE FROM holder_weight WHERE dao_id = ? AND source = 'import'`).run(dao.id).changes
      const insert = db.prepare(
        `INSERT INTO holder_weight (dao_id, source, holder, weight, batch_id, line) VALUES (?, 'import', ?, ?, ?, ?)`,
      )
      for (const r of h.rows) insert.run(dao.id, r.address, toWord(r.weight), batchId, r.line)
      result.holders = { batchId, rows: h.rows.length, replacedRows, scale: h.scale }
    }
    return result
  })
  return run()
}

export type ImportedHolders = { scale: number; file: string; weights: { address: string; weight: bigint }[] }

/** The DAO's imported holder weights (weight > 0 only) and their scale; undefined when none were imported. */
export function importedHolders(db: Db, dao: Pick<Dao, 'id'>): ImportedHolders | undefined {
  const batch = db
    .prepare(
      `SELECT b.scale AS scale, b.file AS file FROM holder_weight h JOIN import_batch b ON b.id = h.batch_id
       WHERE h.dao_id = ? AND h.source = 'import' LIMIT 1`,
    )
    .get(dao.id) as { scale: number; file: string } | undefined
  if (!batch) return undefined
  const weights = readWeights(db, {
    rows: (range) => `SELECT holder AS a, weight AS w FROM holder_weight
                      WHERE dao_id = @dao AND source = 'import' AND ${range} ORDER BY holder`,
    account: 'holder',
    params: { dao: dao.id },
  })
  return { scale: batch.scale, file: batch.file, weights }
}
