/**
 * Snapshot scoring, recomputed from stored votes the way the hub does it (snapshot.js
 * `src/voting/*`), so the hub's own `scores` can be checked (DESIGN.md §6).
 *
 * vp is a float from the space's strategies (SnapshotVp); so are the scores: these are
 * Snapshot numbers, not exact integers, and outputs must say so.
 *
 * Valid votes only, as the hub: a vote whose choice does not fit the type is left out of
 * every score and of the total, and listed as an anomaly (never silently dropped).
 * - single-choice, basic: an integer 1..n; its vp goes to that choice.
 * - approval: a non-empty list of distinct integers 1..n; the full vp goes to each one.
 * - weighted: an object {"c": w} with c in 1..n, w >= 0, Σw > 0; choice c gets vp·w_c/Σw.
 * - quadratic: same object; choice c gets (Σ_votes √(vp·w_c/Σw))², and the scores are
 *   then rescaled so they sum to the total vp: score_c = total · q_c / Σq.
 * - ranked-choice: a full ranking (every choice 1..n exactly once); instant-runoff as
 *   the hub: each round tallies every ballot's highest-ranked remaining choice; it ends
 *   when the leader has strictly more than half of the vp, or fewer than 3 choices
 *   remain; otherwise the lowest choice is eliminated (on a tie, the lowest-numbered —
 *   the hub keeps the first strict minimum in choice order). Scores are the final
 *   round's tallies; eliminated choices score 0.
 * `scoresTotal` is the sum of vp of the valid votes (for approval the scores sum to more).
 */
import type { SnapshotChoice, SnapshotType, SnapshotVp } from './decisiveSnapshot.js'

const SNAPSHOT_TYPES: readonly SnapshotType[] = ['single-choice', 'basic', 'approval', 'weighted', 'quadratic', 'ranked-choice']

export const isSnapshotType = (t: string): t is SnapshotType => (SNAPSHOT_TYPES as readonly string[]).includes(t)

export type ScoredVote = { id?: string; voter: string; choice: SnapshotChoice; vp: SnapshotVp }

export type ScoreSnapshotParameters = { type: SnapshotType; choices: readonly string[]; votes: readonly ScoredVote[] }

export type SnapshotAnomaly = { id?: string; voter: string; choice: SnapshotChoice; problem: string }

export type ScoreSnapshotResult = {
  type: SnapshotType
  /** Per choice (index 0 = choice 1), floats. */
  scores: number[]
  /** Σ vp of valid votes. */
  scoresTotal: number
  validVotes: number
  /** Votes left out because their choice does not fit the type. */
  anomalies: SnapshotAnomaly[]
}

export function scoreSnapshot({ type, choices, votes }: ScoreSnapshotParameters): ScoreSnapshotResult {
  const n = choices.length
  const anomalies: SnapshotAnomaly[] = []
  const valid: { vp: number; ballot: Ballot }[] = []
  for (const v of votes) {
    const b = parseSnapshotChoice(type, v.choice, n)
    if (typeof b === 'string') anomalies.push({ ...(v.id === undefined ? {} : { id: v.id }), voter: v.voter, choice: v.choice, problem: b })
    else valid.push({ vp: v.vp, ballot: b })
  }
  const { scores, scoresTotal } = scoreBallots(type, n, valid)
  return { type, scores, scoresTotal, validVotes: valid.length, anomalies }
}

/** A parsed vote: its vp and its ballot (`parseSnapshotChoice`). */
export type ParsedBallot = { vp: number; ballot: SnapshotBallot }

/**
 * Scores per choice of valid ballots, as the hub computes them for `type` (`n` choices),
 * and their vp total: what `scoreSnapshot` does after parsing, for a caller that scores
 * many subsets of one parsed set (decisiveSnapshot's removal probes).
 */
export function scoreBallots(type: SnapshotType, n: number, valid: readonly ParsedBallot[]): { scores: number[]; scoresTotal: number } {
  let scoresTotal = 0
  for (const v of valid) scoresTotal += v.vp
  const scores = new Array<number>(n).fill(0)
  switch (type) {
    case 'single-choice':
    case 'basic':
      for (const { vp, ballot } of valid) scores[(ballot as number) - 1]! += vp
      break
    case 'approval':
      for (const { vp, ballot } of valid) for (const c of ballot as number[]) scores[c - 1]! += vp
      break
    case 'weighted':
      for (const { vp, ballot } of valid) {
        const w = ballot as number[]
        const sum = w.reduce((a, x) => a + x, 0)
        for (let c = 0; c < n; c++) scores[c]! += (vp * w[c]!) / sum
      }
      break
    case 'quadratic': {
      const roots = new Array<number>(n).fill(0)
      for (const { vp, ballot } of valid) {
        const w = ballot as number[]
        const sum = w.reduce((a, x) => a + x, 0)
        for (let c = 0; c < n; c++) roots[c]! += Math.sqrt((w[c]! / sum) * vp)
      }
      const squares = roots.map((r) => r * r)
      const sumSquares = squares.reduce((a, x) => a + x, 0)
      for (let c = 0; c < n; c++) scores[c] = sumSquares > 0 ? (squares[c]! / sumSquares) * scoresTotal : 0
      break
    }
    case 'ranked-choice': {
      const final = instantRunoffRounds(valid.map(({ vp, ballot }) => ({ vp, ranking: ballot as number[] })))
      const last = final[final.length - 1]
      if (last) for (const [c, t] of last.tally) scores[c - 1] = t
      break
    }
  }
  return { scores, scoresTotal }
}

/** A ballot: the choice (single), the list (approval, ranked), or weights per choice, index 0 = choice 1 (weighted, quadratic). */
export type SnapshotBallot = number | number[]
type Ballot = SnapshotBallot

/** The parsed ballot, or why the choice does not fit the type (the hub's validity rules). */
export function parseSnapshotChoice(type: SnapshotType, choice: SnapshotChoice, n: number): Ballot | string {
  const inRange = (c: unknown): c is number => typeof c === 'number' && Number.isInteger(c) && c >= 1 && c <= n
  switch (type) {
    case 'single-choice':
    case 'basic':
      return inRange(choice) ? choice : `${type} wants one choice from 1 to ${n}`
    case 'approval':
    case 'ranked-choice': {
      if (!Array.isArray(choice)) return `${type} wants a list of choices`
      const list = choice as readonly unknown[]
      if (!list.every(inRange)) return `${type} wants choices from 1 to ${n}`
      if (new Set(list).size !== list.length) return `${type} wants distinct choices`
      if (type === 'approval' && list.length === 0) return 'approval wants at least one choice'
      if (type === 'ranked-choice' && list.length !== n) return `ranked-choice wants all ${n} choices ranked`
      return [...(list as number[])]
    }
    case 'weighted':
    case 'quadratic': {
      if (typeof choice !== 'object' || choice === null || Array.isArray(choice)) return `${type} wants an object {"choice": weight}`
      const w = new Array<number>(n).fill(0)
      let sum = 0
      for (const [k, x] of Object.entries(choice as Record<string, unknown>)) {
        if (!/^\d+$/.test(k) || !inRange(Number(k))) return `${type} wants choice keys from 1 to ${n}`
        if (typeof x !== 'number' || !Number.isFinite(x) || x < 0) return `${type} wants weights >= 0`
        w[Number(k) - 1] = x
        sum += x
      }
      return sum > 0 ? w : `${type} wants a positive total weight`
    }
  }
}

export type IrvRound = { round: number; tally: Map<number, number>; eliminated: number | null }

/**
 * Instant-runoff rounds as the hub runs them (snapshot.js `src/voting/rankedChoice.ts`,
 * `irv`): the one implementation, used by `scoreSnapshot` and `decisiveSnapshot`.
 * Candidates are the choices still on any ballot, in choice order (the hub tallies them
 * in an object keyed by choice number, which JavaScript enumerates in ascending order);
 * each round's `tally` maps candidate → vp. A round is final when the top tally is
 * strictly more than half of the round's vp, or fewer than 3 candidates remain (so a
 * final round of two may be an exact tie). Otherwise the lowest is eliminated; on a tie
 * for lowest, the lowest-numbered choice (the hub keeps the first strict minimum).
 */
export function instantRunoffRounds(ballots: readonly { vp: number; ranking: readonly number[] }[]): IrvRound[] {
  let current = ballots.filter((b) => b.ranking.length > 0).map((b) => ({ vp: b.vp, ranking: [...b.ranking] }))
  const rounds: IrvRound[] = []
  while (current.length > 0) {
    const candidates = [...new Set(current.flatMap((b) => b.ranking))].sort((a, b) => a - b)
    const tally = new Map<number, number>(candidates.map((c) => [c, 0]))
    let power = 0
    for (const b of current) {
      tally.set(b.ranking[0]!, tally.get(b.ranking[0]!)! + b.vp)
      power += b.vp
    }
    let top = -Infinity
    let bottom = Infinity
    let bottomCand = candidates[0]!
    for (const c of candidates) {
      const t = tally.get(c)!
      if (t > top) top = t
      if (t < bottom) {
        bottom = t
        bottomCand = c
      }
    }
    if (top > power / 2 || candidates.length < 3) {
      rounds.push({ round: rounds.length + 1, tally, eliminated: null })
      return rounds
    }
    rounds.push({ round: rounds.length + 1, tally, eliminated: bottomCand })
    current = current.map((b) => ({ vp: b.vp, ranking: b.ranking.filter((c) => c !== bottomCand) })).filter((b) => b.ranking.length > 0)
  }
  return rounds
}

export type SnapshotScoreMismatch = {
  /** 1-based choice, or 'total' for scores_total, or 'count' when the hub gives a different number of scores. */
  choice: number | 'total' | 'count'
  hub: number
  recomputed: number
}

export type CompareSnapshotScoresParameters = {
  recomputed: Pick<ScoreSnapshotResult, 'scores' | 'scoresTotal'>
  hubScores: readonly number[]
  hubScoresTotal: number
  /** Relative tolerance; default 1e-6. */
  relTol?: number
}

export type CompareSnapshotScoresResult = { agrees: boolean; relTol: number; mismatches: SnapshotScoreMismatch[] }

/**
 * Compare recomputed scores with the hub's. Floats agree when |a − b| <= relTol·max(|a|, |b|),
 * or when both are negligible against the total (|a − b| <= relTol·1e-6·total: a choice
 * with no support may be 0 on one side and a rounding residue on the other). A missing
 * hub score counts as 0 and a different count of scores is itself listed.
 */
export function compareSnapshotScores({ recomputed, hubScores, hubScoresTotal, relTol = 1e-6 }: CompareSnapshotScoresParameters): CompareSnapshotScoresResult {
  const mismatches: SnapshotScoreMismatch[] = []
  const scale = Math.max(Math.abs(hubScoresTotal), Math.abs(recomputed.scoresTotal))
  const close = (a: number, b: number) => {
    const d = Math.abs(a - b)
    return d <= relTol * Math.max(Math.abs(a), Math.abs(b)) || d <= relTol * 1e-6 * scale
  }
  if (hubScores.length > 0 && hubScores.length !== recomputed.scores.length)
    mismatches.push({ choice: 'count', hub: hubScores.length, recomputed: recomputed.scores.length })
  const len = Math.max(hubScores.length, recomputed.scores.length)
  if (hubScores.length > 0)
    for (let i = 0; i < len; i++) {
      const h = hubScores[i] ?? 0
      const r = recomputed.scores[i] ?? 0
      if (!close(h, r)) mismatches.push({ choice: i + 1, hub: h, recomputed: r })
    }
  if (!close(hubScoresTotal, recomputed.scoresTotal)) mismatches.push({ choice: 'total', hub: hubScoresTotal, recomputed: recomputed.scoresTotal })
  return { agrees: mismatches.length === 0, relTol, mismatches }
}

export type CheckSnapshotProposalParameters = {
  /** The proposal as stored: its type (any string the hub gave), choices and the hub's scores. */
  proposal: { type: string; choices: readonly string[]; scores: readonly number[]; scoresTotal: number }
  votes: readonly ScoredVote[]
  relTol?: number
}

export type CheckSnapshotProposalResult =
  | { supported: true; recomputed: ScoreSnapshotResult; comparison: CompareSnapshotScoresResult }
  /** A voting type this version does not score (the hub has others, e.g. custom plugins). */
  | { supported: false; type: string }

/** Rescore a stored proposal from its votes and compare with the hub's scores. */
export function checkSnapshotProposal({ proposal, votes, relTol }: CheckSnapshotProposalParameters): CheckSnapshotProposalResult {
  if (!isSnapshotType(proposal.type)) return { supported: false, type: proposal.type }
  const recomputed = scoreSnapshot({ type: proposal.type, choices: proposal.choices, votes })
  const comparison = compareSnapshotScores({
    recomputed,
    hubScores: proposal.scores,
    hubScoresTotal: proposal.scoresTotal,
    ...(relTol === undefined ? {} : { relTol }),
  })
  return { supported: true, recomputed, comparison }
}
