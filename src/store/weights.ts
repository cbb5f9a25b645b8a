/**
 * The population an analysis command measures, and the population its denominator is the
 * total of — read from whichever tables hold them:
 *
 * | basis          | indexed DAO                           | imported DAO                    |
 * | voting-power   | packedWeightsAt(block), default cursor | imported holders ("imported")   |
 * | balance        | packedWeightsAt(block), default cursor | imported holders ("imported")   |
 * | votes          | votes cast on --proposal (any source)  | votes cast on --proposal        |
 *
 * Denominators: total-voting-power (sum of voting power at the block), total-supply (sum of
 * balances at the block), votes-cast (sum of the proposal's votes), total-imported (sum of
 * the imported holder weights). Defaults: voting-power -> total-voting-power, balance ->
 * total-supply, votes -> votes-cast, imported -> total-imported. Combinations that mix
 * units (decimal-scaled imports over on-chain totals) or data that does not exist (a block
 * for an imported list) are UsageErrors naming the fix.
 *
 * The denominator is returned as weights, not a sum, so the caller applies the same labels
 * (exclusions) to both before summing.
 */
import type { Db } from './db.js'
import type { Dao } from './daos.js'
import type { Basis, Denominator } from '../config/analysisOptions.js'
import { packedWeightsAt, type AccountWeight } from './tokenQueries.js'
import type { PackedRecords } from '../analysis/population.js'
import { daoKind, importedHolders, type ImportedHolders } from './imports.js'
import { listProposals, proposalVotesCast, type ProposalRef, type VoteSource } from './proposalVotes.js'
import { UsageError } from '../errors.js'

/** What was measured: `imported` is an imported DAO's holder list (asked for as voting-power or balance). */
export type ResolvedBasis = 'voting-power' | 'balance' | 'imported' | 'votes'

export type ResolveWeightsParameters = {
  /** Default: votes when a proposal is given, else voting-power. */
  basis?: Basis
  denominator?: Denominator
  block?: number
  proposal?: string
  source?: VoteSource
}

export type ResolvedWeights = {
  basis: ResolvedBasis
  denominator: Denominator
  /** Block the on-chain weights (of the basis or the denominator) were read at; null when none are. */
  blockNumber: number | null
  proposal: ProposalRef | null
  /** Weights are integers in units of 10^-scale of the imported file's numbers (0: exact token units). */
  scale: number
  /** A token population (voting power, balance) comes packed, as `readPackedWeights` reads it. */
  weights: AccountWeight[] | PackedRecords
  /** Whose sum is the denominator; the same object as `weights` when the denominator is the basis's own total. */
  denominatorWeights: AccountWeight[] | PackedRecords
}

export { votesCastWeights } from './proposalVotes.js'

const rescale = (weights: AccountWeight[], from: number, to: number): AccountWeight[] =>
  from === to ? weights : weights.map((w) => ({ address: w.address, weight: w.weight * 10n ** BigInt(to - from) }))

function requireHolders(db: Db, dao: Dao): ImportedHolders {
  const holders = importedHolders(db, dao)
  if (!holders)
    throw new UsageError(
      `DAO "${dao.name}" has no imported holders; import them with \`govaudit import ${dao.name} --holders FILE.csv\`, or measure votes cast with --proposal ID.`,
    )
  return holders
}

export function resolveWeights(db: Db, dao: Dao, p: ResolveWeightsParameters = {}): ResolvedWeights {
  const kind = daoKind(db, dao)
  const basis = p.basis ?? (p.proposal !== undefined ? 'votes' : 'voting-power')

  if (basis === 'votes') {
    if (p.proposal === undefined) throw new UsageError('--basis votes needs --proposal ID: the proposal whose votes cast are measured.')
    const [proposal] = listProposals(db, dao, { proposal: p.proposal, ...(p.source ? { source: p.source } : {}) })
    const weights = proposalVotesCast(db, dao, proposal!)
    const denominator = p.denominator ?? 'votes-cast'
    const base = { basis, denominator, proposal: proposal!, scale: proposal!.scale, weights }
    switch (denominator) {
      case 'votes-cast':
        if (p.block !== undefined)
          throw new UsageError('--block applies to on-chain totals; with --denominator votes-cast drop it (or divide by --denominator total-voting-power at --block N).')
        return { ...base, blockNumber: null, denominatorWeights: weights }
      case 'total-imported': {
        const holders = requireHolders(db, dao)
        if (p.block !== undefined) throw new UsageError('--block does not apply to imported holders; drop it.')
        const scale = Math.max(proposal!.scale, holders.scale)
        return {
          ...base,
          scale,
          weights: rescale(weights, proposal!.scale, scale),
          blockNumber: null,
          denominatorWeights: rescale(holders.weights, holders.scale, scale),
        }
      }
      case 'total-voting-power':
      case 'total-supply': {
        if (kind === 'imported')
          throw new UsageError(
            `DAO "${dao.name}" is imported: it has no on-chain voting power or supply; use --denominator votes-cast or total-imported.`,
          )
        if (proposal!.scale !== 0)
          throw new UsageError(
            `The votes of proposal ${proposal!.id} were imported with ${proposal!.scale} decimal place(s), so they are not in token units; use --denominator votes-cast.`,
          )
        const block = p.block ?? proposal!.snapshotBlock ?? undefined
        const at = packedWeightsAt(db, dao, denominator === 'total-voting-power' ? 'voting-power' : 'balance', block)
        return { ...base, blockNumber: at.blockNumber, denominatorWeights: at.weights }
      }
    }
  }

  if (p.proposal !== undefined)
    throw new UsageError(`--proposal selects the votes cast on a proposal; use --basis votes (or leave --basis out), not --basis ${basis}.`)

  if (kind === 'imported') {
    if (p.block !== undefined) throw new UsageError(`DAO "${dao.name}" is imported: its holder weights have no block; drop --block.`)
    if (p.denominator !== undefined && p.denominator !== 'total-imported')
      throw new UsageError(
        `DAO "${dao.name}" is imported: its only population is the imported holder list, so the denominator is their total (total-imported); got --denominator ${p.denominator}.`,
      )
    const holders = requireHolders(db, dao)
    return {
      basis: 'imported',
      denominator: 'total-imported',
      blockNumber: null,
      proposal: null,
      scale: holders.scale,
      weights: holders.weights,
      denominatorWeights: holders.weights,
    }
  }

  const denominator = p.denominator ?? (basis === 'balance' ? 'total-supply' : 'total-voting-power')
  if (denominator === 'votes-cast') throw new UsageError('--denominator votes-cast needs --proposal ID (votes cast on that proposal).')
  if (denominator === 'total-imported')
    throw new UsageError(`DAO "${dao.name}" is indexed from a chain and has no imported holders; use --denominator total-voting-power or total-supply.`)
  const at = packedWeightsAt(db, dao, basis, p.block)
  const own = (basis === 'balance') === (denominator === 'total-supply')
  const denominatorWeights = own ? at.weights : packedWeightsAt(db, dao, denominator === 'total-supply' ? 'balance' : 'voting-power', at.blockNumber).weights
  return { basis, denominator, blockNumber: at.blockNumber, proposal: null, scale: 0, weights: at.weights, denominatorWeights }
}
