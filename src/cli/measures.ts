/**
 * The composition every analysis command (and the demo, and the report) shares: read the
 * weights a query asks for, apply labels, run the pure metric, and package what the
 * renderers need to state basis, denominator, block and labels.
 */
import type { Db } from '../store/db.js'
import type { Dao } from '../store/daos.js'
import { resolveWeights, type ResolveWeightsParameters } from '../store/weights.js'
import type { LoadedLabels } from '../config/labelsFile.js'
import { applyLabels } from '../analysis/labels.js'
import { nakamoto } from '../analysis/nakamoto.js'
import { concentration } from '../analysis/concentration.js'
import { sumWeights } from '../analysis/weights.js'
import type { Ratio } from '../analysis/ratio.js'
import type { NakamotoReport } from '../report/nakamoto.js'
import type { ConcentrationReport } from '../report/concentration.js'
import type { ProposalRef } from '../store/proposalVotes.js'

export function measureNakamoto(db: Db, dao: Dao, query: ResolveWeightsParameters & { threshold: Ratio }, labels: LoadedLabels): NakamotoReport {
  const measured = resolveWeights(db, dao, query)
  const counted = applyLabels({ weights: measured.weights, labels: labels.map })
  // The same labels apply to the denominator's population (exclusions leave the total too).
  const denominated =
    measured.denominatorWeights === measured.weights ? counted : applyLabels({ weights: measured.denominatorWeights, labels: labels.map })
  const result = nakamoto({ weights: counted.weights, total: sumWeights(denominated.weights), threshold: query.threshold })
  return { dao: dao.name, measured, result, labels: { file: labels.file, applied: counted }, names: counted.names }
}

export function measureConcentration(db: Db, dao: Dao, query: ResolveWeightsParameters, labels: LoadedLabels): ConcentrationReport {
  const measured = resolveWeights(db, dao, query)
  const counted = applyLabels({ weights: measured.weights, labels: labels.map })
  return { dao: dao.name, measured, result: concentration({ weights: counted.weights }), labels: { file: labels.file, applied: counted } }
}

/**
 * A proposal that was canceled, or whose vote has not ended, has no outcome to flip: its
 * tally must not be read as passed or defeated (DESIGN §8: `decisive` is null for them).
 */
export function unsettledOutcome(ref: Pick<ProposalRef, 'state'>): 'canceled' | 'pending' | null {
  if (ref.state === 'canceled') return 'canceled'
  if (ref.state === 'pending' || ref.state === 'active') return 'pending'
  return null
}
