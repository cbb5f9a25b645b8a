import { UsageError } from '../errors.js'
import { share, type Ratio } from './ratio.js'

/** What summarizeDecisive needs of a per-proposal result (Governor or Snapshot). */
export type DecisiveSummaryInput = { outcome: string; decisive: number | null; exact?: boolean }

export type SummarizeDecisiveParameters = {
  results: readonly DecisiveSummaryInput[]
  /** Whale-decided when decisive <= whales (default 1). Recomputed here, not read from results. */
  whales?: number
}

export type SummarizeDecisiveResult = {
  whales: number
  /** Proposals with a decided outcome: passed, defeated (Governor, Snapshot basic) or won (Snapshot). */
  decided: number
  /** Of those, how many are whale-decided. */
  whaleDecided: number
  /** Of the whale-decided, how many rest on an inexact (upper-bound) count. */
  inexact: number
  /** whaleDecided / decided, exact. 0/1 when nothing was decided. */
  whaleDecidedRatio: Ratio
  /** The same as a float; 0 when nothing was decided (see `decided`). */
  whaleDecidedShare: number
}

const DECIDED = new Set(['passed', 'defeated', 'won'])

/**
 * Share of proposals decided by at most `whales` voters.
 *
 * Denominator: proposals whose outcome was decided by the votes — passed, defeated, or
 * (Snapshot single-choice and other types) won. Quorum-failed, tied, canceled and
 * pending proposals are left out: nobody's removal decided them. A decided proposal
 * that no removal can flip (decisive null, e.g. defeated with nobody voting for) counts
 * in the denominator and not as whale-decided. With no decided proposals the share is
 * 0 and `decided` is 0, so a report can say "0 of 0" rather than imply a measurement.
 */
export function summarizeDecisive({ results, whales = 1 }: SummarizeDecisiveParameters): SummarizeDecisiveResult {
  if (!Number.isSafeInteger(whales) || whales < 0) throw new UsageError(`--whales must be a non-negative integer; got ${whales}`)
  let decided = 0
  let whaleDecided = 0
  let inexact = 0
  for (const r of results) {
    if (!DECIDED.has(r.outcome)) continue
    decided++
    if (r.decisive !== null && r.decisive <= whales) {
      whaleDecided++
      if (r.exact === false) inexact++
    }
  }
  const whaleDecidedRatio: Ratio = decided === 0 ? { num: 0n, den: 1n } : { num: BigInt(whaleDecided), den: BigInt(decided) }
  return {
    whales,
    decided,
    whaleDecided,
    inexact,
    whaleDecidedRatio,
    whaleDecidedShare: share(whaleDecidedRatio.num, whaleDecidedRatio.den),
  }
}
