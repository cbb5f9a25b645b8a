/**
 * Gathers what `govaudit report` shows, from the same compositions as the single-metric
 * commands (measures.ts): the Nakamoto coefficient and concentration on each basis the DAO
 * has (voting power and token balance at one block, or an imported holder list), the
 * Lorenz curve and largest holders behind them, delegation flows, and the whale-decided
 * summary of the most recent proposals of each vote source. A basis or source the DAO
 * does not have is reported as unavailable, with the reason, never left out silently.
 */
import type { Db } from '../store/db.js'
import { getCursor, type Dao } from '../store/daos.js'
import { daoKind, importedHolders } from '../store/imports.js'
import { TOKEN_STREAM } from '../store/tokenLedger.js'
import { delegationsAt, packedWeightsAt, resolveTokenBlock } from '../store/tokenQueries.js'
import { storedProposals, type ProposalRef, type VoteSource } from '../store/proposalVotes.js'
import type { LoadedLabels } from '../config/labelsFile.js'
import { lorenz } from '../analysis/lorenz.js'
import { HALF, share } from '../analysis/ratio.js'
import { delegationFlows } from '../analysis/delegationFlows.js'
import type { Weights } from '../analysis/population.js'
import { topWeights } from '../analysis/weightOrder.js'
import type { BasisSection, DelegationSection, ProposalSourceSection, ReportModel, ReportBasis } from '../report/report.js'
import { decisiveOfRefs, measureHolders } from './measures.js'
import { UsageError } from '../errors.js'

export type ReportQuery = {
  /** Token block for the holder bases and delegation flows (default: the last indexed block). */
  block?: number
  /** How many of the most recent proposals of each source. */
  proposals: number
  whales: number
}

/** Largest holders per basis (the HTML chart, the JSON) and largest delegates (every format). */
const TOP_HOLDERS = 10
const TOP_DELEGATES = 10

export function gatherReport(db: Db, dao: Dao, query: ReportQuery, labels: LoadedLabels): ReportModel {
  const imported = daoKind(db, dao) === 'imported'
  const tokenIndexed = !imported && getCursor(db, dao.id, TOKEN_STREAM) !== null
  // One block for every holder figure and the flows: --block (checked against the cursor) or the cursor.
  const block = tokenIndexed ? resolveTokenBlock(db, dao, query.block).blockNumber : null
  if (query.block !== undefined && block === null)
    throw new UsageError(
      imported ? `DAO "${dao.name}" is imported: its holder weights have no block; drop --block.` : `DAO "${dao.name}" has no indexed token blocks, so --block does not apply; drop it.`,
    )
  // Each basis's population as read (before labels), reused by the delegation flows at the same block.
  const read = new Map<ReportBasis, Weights>()
  const bases: BasisSection[] = imported
    ? [
        unavailable('voting-power', `DAO "${dao.name}" is imported: it has no on-chain voting power`),
        unavailable('balance', `DAO "${dao.name}" is imported: it has no on-chain balances`),
        importedHolders(db, dao)
          ? measureBasis(db, dao, 'imported', undefined, labels, read)
          : unavailable('imported', `no holders imported (govaudit import ${dao.name} --holders FILE.csv)`),
      ]
    : (['voting-power', 'balance'] as const).map((basis) =>
        block === null ? unavailable(basis, `no token blocks indexed for "${dao.name}" yet`) : measureBasis(db, dao, basis, block, labels, read),
      )
  return {
    dao: dao.name,
    block,
    recent: query.proposals,
    whales: query.whales,
    labelsFile: labels.file,
    bases,
    delegation: block === null ? { available: false, reason: imported ? 'an imported DAO has no delegations' : 'no token blocks indexed yet' } : delegation(db, dao, block, labels, read),
    proposals: proposalSources(db, dao, query, labels),
  }
}

const unavailable = (basis: ReportBasis, reason: string): BasisSection => ({ basis, available: false, reason })

function measureBasis(db: Db, dao: Dao, basis: ReportBasis, block: number | undefined, labels: LoadedLabels, read: Map<ReportBasis, Weights>): BasisSection {
  // `imported` is what resolveWeights answers for an imported DAO asked for its voting power.
  const query = { basis: basis === 'imported' ? ('voting-power' as const) : basis, block, threshold: HALF }
  const { nakamoto, concentration, ranking, read: population } = measureHolders(db, dao, query, labels)
  read.set(basis, population)
  const counted = nakamoto.labels.applied
  return {
    basis,
    available: true,
    nakamoto,
    concentration,
    lorenz: lorenz({ weights: counted.weights, ranking }),
    top: topWeights(counted.weights, TOP_HOLDERS).map((w) => ({
      address: w.address,
      label: counted.names.get(w.address) ?? null,
      weight: w.weight,
      share: share(w.weight, nakamoto.result.total),
    })),
  }
}

/** The flows at `block`, from the populations the basis sections read there (before labels), not read again. */
function delegation(db: Db, dao: Dao, block: number, labels: LoadedLabels, read: ReadonlyMap<ReportBasis, Weights>): DelegationSection {
  const population = (basis: 'balance' | 'voting-power') => read.get(basis) ?? packedWeightsAt(db, dao, basis, block).weights
  const flows = delegationFlows({
    balances: population('balance'),
    delegations: delegationsAt(db, dao, block).delegations,
    votingPower: population('voting-power'),
    top: TOP_DELEGATES,
  })
  return { available: true, block, flows, names: new Map([...labels.map].map(([address, l]) => [address, l.label])) }
}

/** Governor and Snapshot always (side by side, even when absent); imported votes when there are any. */
function proposalSources(db: Db, dao: Dao, query: ReportQuery, labels: LoadedLabels): ProposalSourceSection[] {
  const refs = storedProposals(db, dao)
  const sources: VoteSource[] = ['governor', 'snapshot', ...(refs.some((r) => r.source === 'import') ? (['import'] as const) : [])]
  return sources.map((source) => measureSource(db, dao, source, refs.filter((r) => r.source === source), query, labels))
}

function measureSource(db: Db, dao: Dao, source: VoteSource, refs: ProposalRef[], query: ReportQuery, labels: LoadedLabels): ProposalSourceSection {
  if (refs.length === 0) return { source, status: 'none', stored: 0, reason: `no ${source} proposals stored` }
  // Most recent first; only the shown ones are assessed.
  const decisive = decisiveOfRefs(db, dao, refs.slice(-query.proposals).reverse(), { source, whales: query.whales }, labels)
  return { source, status: 'computed', stored: refs.length, decisive }
}
