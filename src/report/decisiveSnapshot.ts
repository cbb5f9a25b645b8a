/**
 * The Snapshot rows of `govaudit decisive` (and of `report` and `check`, which share its
 * JSON): a Snapshot proposal assessed by `decisiveSnapshot` — exact for single-choice and
 * basic, a greedy upper bound (`exact: false`) for the other types. Its numbers are the
 * hub's floats: vp is the space's strategy score, not an exact integer, and every output
 * says so. The JSON keeps the Governor rows' keys (for/against/abstain are null; the
 * per-choice `scores` carry the tally) so one list serves both.
 */
import type { DecisiveSnapshotResult } from '../analysis/decisiveSnapshot.js'
import type { ProposalRef } from '../store/proposalVotes.js'
import { snapshotNumber } from './format.js'

/** A proposal of a type this version does not score (a custom plugin's): listed, not assessed. */
export type UnscoredSnapshot = { outcome: 'not-scored'; decisive: null; exact: false; type: string }

export type SnapshotDecisiveRow = {
  kind: 'snapshot'
  ref: ProposalRef
  choices: readonly string[]
  result: DecisiveSnapshotResult | UnscoredSnapshot
  /** Scored by this version and settled on the hub (closed). */
  assessed: boolean
  unsettled: 'canceled' | 'pending' | null
  /** Votes left out because their choice does not fit the type (as the hub leaves them out). */
  anomalies: number
}

export const SNAPSHOT_FLOAT_NOTE = "Snapshot numbers are off-chain floats: vp is the space's strategy score, not an exact integer."

export const isSnapshotRow = (p: object): p is SnapshotDecisiveRow => 'kind' in p && p.kind === 'snapshot'

/** Floats for reading: integers as such, else 12 significant digits. */

function scored(p: SnapshotDecisiveRow): DecisiveSnapshotResult | null {
  return p.result.outcome === 'not-scored' ? null : p.result
}

export function snapshotProposalJson(p: SnapshotDecisiveRow) {
  const r = scored(p)
  const decided = r !== null && p.unsettled === null
  return {
    source: p.ref.source,
    id: p.ref.id,
    title: p.ref.title,
    outcome: p.unsettled ?? p.result.outcome,
    for: null,
    against: null,
    abstain: null,
    quorum: r?.quorum ?? null,
    voters: r?.voters ?? null,
    nakamoto: r?.nakamoto ?? null,
    decisive: decided ? r.decisive : null,
    decisiveVoters: decided ? r.decisiveVoters : [],
    whaleDecided: decided ? r.whaleDecided : false,
    exact: decided ? r.exact : false,
    assessed: p.assessed,
    rule: null,
    countingMode: p.ref.countingMode,
    ruleFrom: null,
    quorumFrom: 'source' as const,
    strategy: decided ? r.strategy : null,
    assumption: r === null ? `Snapshot type ${p.result.type} is not scored by this version: decisive voters not computed` : null,
    scale: null,
    labels: { merged: [], excluded: [] },
    type: r?.type ?? p.result.type,
    choices: p.choices,
    winner: r?.winner ?? null,
    winnerChoice: r?.winner ? (p.choices[r.winner - 1] ?? null) : null,
    scores: r?.scores ?? null,
    scoresTotal: r?.scoresTotal ?? null,
    anomalies: p.anomalies,
    note: SNAPSHOT_FLOAT_NOTE,
  }
}

/** The outcome in words for a table: `won: B`, `passed`, `tied`, `pending`. */
export function snapshotOutcomeText(j: ReturnType<typeof snapshotProposalJson>): string {
  return j.outcome === 'won' && j.winnerChoice !== null ? `won: ${j.winnerChoice}` : j.outcome
}

/** Per-proposal notes for a table: the recomputed scores by choice, and votes left out. */
export function snapshotRowNote(j: ReturnType<typeof snapshotProposalJson>): string {
  const scores = j.scores === null ? 'not scored' : j.choices.map((c, i) => `${c} ${snapshotNumber(j.scores![i] ?? 0)}`).join(', ')
  const bound = j.decisive !== null && !j.exact ? '; decisive is a greedy upper bound (≤)' : ''
  const left = j.anomalies > 0 ? `; ${j.anomalies} vote(s) whose choice does not fit left out, as the hub does` : ''
  return `Snapshot ${j.id} (${j.type}): ${scores}; total vp ${j.scoresTotal === null ? '-' : snapshotNumber(j.scoresTotal)}, quorum ${j.quorum === null ? '-' : snapshotNumber(j.quorum)}${bound}${left}.`
}
