import { UsageError } from '../errors.js'
import { fromDyadic, toDyadic } from './dyadic.js'
import { minimumRemoval, type MinimumRemovalResult } from './minimumRemoval.js'
import { nakamoto } from './nakamoto.js'
import { instantRunoffRounds, parseSnapshotChoice, scoreBallots, type SnapshotBallot } from './snapshotScoring.js'

/** Snapshot voting power: a float computed by the space's strategies, stored as given. Not exact. */
export type SnapshotVp = number

export type SnapshotType = 'single-choice' | 'basic' | 'approval' | 'weighted' | 'quadratic' | 'ranked-choice'

/**
 * A Snapshot choice, 1-based: single-choice/basic a number; approval and ranked-choice
 * an array (ranked: most preferred first); weighted and quadratic `{ "1": 2, "3": 1 }`.
 */
export type SnapshotChoice = number | readonly number[] | Readonly<Record<string, number>>

export type SnapshotVote = { voter: string; choice: SnapshotChoice; vp: SnapshotVp }

export type DecisiveSnapshotParameters = {
  /**
   * One vote per voter (the hub keeps a voter's latest); a repeated voter throws UsageError.
   * Votes whose choice fits the type (`parseSnapshotChoice`): the caller leaves the others
   * out, as the hub does; one that does not fit throws UsageError naming the voter.
   */
  votes: readonly SnapshotVote[]
  type: SnapshotType
  /** The proposal's quorum in vp, compared with the total of all votes (0 = none). */
  quorum: SnapshotVp
  /** Choice labels; basic is For, Against, Abstain in that order. */
  choices: readonly string[]
  /** Whale-decided when decisive <= whales (default 1). */
  whales?: number
  /** Search budget for basic-defeated (see `minimumRemoval`). */
  maxNodes?: number
}

/**
 * basic: passed | defeated; other types: won (a choice strictly ahead) | tied;
 * every type: quorum-failed when the total of all votes is below quorum.
 */
export type SnapshotOutcome = 'passed' | 'defeated' | 'won' | 'tied' | 'quorum-failed'

export type SnapshotStrategy = 'winner-margin' | 'against-margin' | 'quorum'

export type DecisiveSnapshotResult = {
  type: SnapshotType
  outcome: SnapshotOutcome
  /** 1-based index of the leading choice (basic: 1 when passed, 2 when defeated); null when tied. */
  winner: number | null
  decisive: number | null
  decisiveVoters: string[]
  strategy: SnapshotStrategy | null
  whaleDecided: boolean
  /** true for single-choice and basic (barring a search cut short); false for other types (a greedy upper bound), except when the bound is 1. */
  exact: boolean
  /** Recomputed scores per choice (floats for display; compare with the hub's `scores`). */
  scores: number[]
  /** Total vp of all votes (what quorum is compared with). */
  scoresTotal: number
  quorum: SnapshotVp
  /** Nakamoto coefficient (1/2) of the votes' vp, computed exactly on the floats as given. */
  nakamoto: number | null
  voters: number
  whales: number
}

/**
 * Decisive voters of a Snapshot proposal (DESIGN §7): the fewest voters whose removal
 * flips the outcome.
 *
 * vp values are floats; they are turned into exact integers on a common binary scale
 * (`toDyadic`), so sums and ties are exact with respect to the floats as given.
 *
 * - single-choice (exact): the winner must be strictly ahead. It flips when it is no
 *   longer strictly ahead — remove the winner's voters, largest first, until its score
 *   ≤ the runner-up's (removing anyone else only helps it) — or when the total falls
 *   below quorum — remove the largest voters of any choice until total < quorum.
 *   Minimum of the two; each greedy is exact and the flip is either condition.
 * - basic (exact): passed (For > Against, quorum met) flips by For voters (For ≤
 *   Against) or by quorum, as above. Defeated with quorum met flips when enough Against
 *   is removed that For > Against while the total stays >= quorum: each removed Against
 *   vote also lowers the total, so this is solved by `minimumRemoval` with a budget of
 *   total − quorum (exact unless its search budget runs out).
 * - approval, weighted, quadratic, ranked-choice (exact: false): scores as the hub
 *   computes them (approval: full vp to each chosen; weighted: vp split by the shares;
 *   quadratic: (Σ √(share·vp))² rescaled to the total vp; ranked-choice: the hub's
 *   instant-runoff, `instantRunoffRounds`, scores = the final round) — computed by
 *   `scoreBallots`, the scoring `scoreSnapshot` rechecks the hub's scores with. The margin strategy removes the winner's supporters by
 *   their contribution to it (ranked-choice: the ballots counted for it in the final
 *   round), taking the shortest prefix found to flip it under full rescoring (or, if
 *   none does, everyone with vp > 0); the quorum strategy is exact. The result is an upper bound; a bound of 1 is exact.
 *
 * Edges: no votes → tied (or quorum-failed if quorum > 0); quorum-failed and tied → null.
 */
export function decisiveSnapshot({
  votes,
  type,
  quorum,
  choices,
  whales = 1,
  maxNodes,
}: DecisiveSnapshotParameters): DecisiveSnapshotResult {
  if (!Number.isSafeInteger(whales) || whales < 0) throw new UsageError(`--whales must be a non-negative integer; got ${whales}`)
  const seen = new Set<string>()
  for (const v of votes) {
    const key = v.voter.toLowerCase()
    if (seen.has(key)) throw new UsageError(`Snapshot voter ${v.voter} appears twice; keep only their latest vote`)
    seen.add(key)
  }
  const d = toDyadic([quorum, ...votes.map((v) => v.vp)])
  const q = d.scaled[0]!
  const vp = d.scaled.slice(1)
  const voters = votes.map((v) => v.voter.toLowerCase())
  let total = 0n
  for (const x of vp) total += x
  const quorumLoss = () =>
    minimumRemoval({ items: voters.map((id, i) => ({ id, key: vp[i]!, cost: 0n })), target: total - q + 1n })
  const base = {
    type,
    quorum,
    scoresTotal: fromDyadic(total, d.exponent),
    nakamoto: nakamoto({ weights: voters.map((address, i) => ({ address, weight: vp[i]! })) }).k,
    voters: votes.length,
    whales,
  }
  const finish = (
    outcome: SnapshotOutcome,
    winner: number | null,
    scores: number[],
    options: { strategy: SnapshotStrategy; removal: MinimumRemovalResult }[],
    exactType: boolean,
  ): DecisiveSnapshotResult => {
    let best: { strategy: SnapshotStrategy; removal: MinimumRemovalResult } | null = null
    for (const o of options) if (o.removal.count !== null && (best === null || o.removal.count < best.removal.count!)) best = o
    const count = best?.removal.count ?? null
    const exact = exactType ? options.every((o) => o.removal.exact) : count === 1
    return {
      ...base,
      outcome,
      winner,
      scores,
      decisive: count,
      decisiveVoters: best?.removal.chosen ?? [],
      strategy: best?.strategy ?? null,
      whaleDecided: count !== null && count <= whales,
      exact,
    }
  }

  if (type === 'single-choice' || type === 'basic') {
    const picks = votes.map((v) => singleChoice(v, choices.length))
    const scores = choices.map(() => 0n)
    for (const [i, c] of picks.entries()) scores[c - 1]! += vp[i]!
    const display = scores.map((s) => fromDyadic(s, d.exponent))
    if (total < q) return finish('quorum-failed', null, display, [], true)
    const supporters = (choice: number) =>
      voters.flatMap((id, i) => (picks[i] === choice ? [{ id, key: vp[i]!, cost: vp[i]! }] : []))
    if (type === 'basic') {
      const forScore = scores[0] ?? 0n
      const againstScore = scores[1] ?? 0n
      if (forScore > againstScore) {
        const margin = minimumRemoval({ items: supporters(1), target: forScore - againstScore })
        return finish('passed', 1, display, [
          { strategy: 'winner-margin', removal: margin },
          { strategy: 'quorum', removal: quorumLoss() },
        ], true)
      }
      const removal = minimumRemoval({
        items: supporters(2),
        target: againstScore - forScore + 1n,
        budget: total - q,
        ...(maxNodes === undefined ? {} : { maxNodes }),
      })
      return finish('defeated', 2, display, [{ strategy: 'against-margin', removal }], true)
    }
    const winner = strictWinner(scores)
    if (winner === null) return finish('tied', null, display, [], true)
    let runnerUp = 0n
    for (const [i, s] of scores.entries()) if (i !== winner - 1 && s > runnerUp) runnerUp = s
    const margin = minimumRemoval({ items: supporters(winner), target: scores[winner - 1]! - runnerUp })
    return finish('won', winner, display, [
      { strategy: 'winner-margin', removal: margin },
      { strategy: 'quorum', removal: quorumLoss() },
    ], true)
  }

  // Other types: the hub's float scoring (snapshotScoring, shared with `proposals`), greedy bound.
  const n = choices.length
  const ballots = votes.map((v) => {
    const b = parseSnapshotChoice(type, v.choice, n)
    if (typeof b === 'string') throw new UsageError(`The ${type} choice of ${v.voter} does not fit: ${b}; got ${JSON.stringify(v.choice)}`)
    return b
  })
  // Parsed once; each removal probe scores a subset of these.
  const parsed = votes.map((v, i) => ({ vp: v.vp, ballot: ballots[i]! }))
  const scoresOf = (kept: readonly boolean[]) => scoreBallots(type, n, parsed.filter((_, i) => kept[i])).scores
  const all = votes.map(() => true)
  const scores = scoresOf(all)
  if (total < q) return finish('quorum-failed', null, scores, [], false)
  const winner = floatWinner(scores)
  if (winner === null) return finish('tied', null, scores, [], false)
  // Ranked-choice: a ballot counts for the winner when the winner is its top choice among the final round's.
  const finalRound = type === 'ranked-choice' ? instantRunoffRounds(votes.map((v, i) => ({ vp: v.vp, ranking: ballots[i] as number[] }))).at(-1) : undefined
  const finalists = new Set(finalRound?.tally.keys())
  const contribution = votes.map((v, i) => contributionTo(type, ballots[i]!, v.vp, winner, finalists))
  const order = votes
    .map((_, i) => i)
    .filter((i) => contribution[i]! > 0)
    .sort((a, b) => contribution[b]! - contribution[a]! || (voters[a]! < voters[b]! ? -1 : voters[a]! > voters[b]! ? 1 : 0))
  const flipsWithout = (k: number): boolean => {
    const kept = [...all]
    let removedVp = 0n
    for (const i of order.slice(0, k)) {
      kept[i] = false
      removedVp += vp[i]!
    }
    if (total - removedVp < q) return true
    return floatWinner(scoresOf(kept)) !== winner
  }
  let margin: MinimumRemovalResult = { count: null, chosen: [], exact: false }
  if (order.length > 0 && flipsWithout(order.length)) {
    // Shortest flipping prefix found by doubling then bisection (flipsWithout(hi) holds throughout).
    let lo = 0
    let hi = 1
    while (!flipsWithout(hi)) {
      lo = hi
      hi = Math.min(order.length, hi * 2)
    }
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1
      if (flipsWithout(mid)) hi = mid
      else lo = mid
    }
    margin = { count: hi, chosen: order.slice(0, hi).map((i) => voters[i]!), exact: false }
  } else {
    // Removing every voter with vp > 0 leaves no score at all: never a strict winner.
    const everyone = votes.map((_, i) => i).filter((i) => vp[i]! > 0n).sort((a, b) => (vp[b]! > vp[a]! ? 1 : vp[b]! < vp[a]! ? -1 : 0))
    margin = { count: everyone.length, chosen: everyone.map((i) => voters[i]!), exact: false }
  }
  return finish('won', winner, scores, [
    { strategy: 'winner-margin', removal: margin },
    { strategy: 'quorum', removal: quorumLoss() },
  ], false)
}

function singleChoice(v: SnapshotVote, n: number): number {
  const c = v.choice
  if (typeof c !== 'number' || !Number.isInteger(c) || c < 1 || c > n)
    throw new UsageError(`choice of ${v.voter} must be an integer from 1 to ${n}; got ${JSON.stringify(c)}`)
  return c
}

function strictWinner(scores: readonly bigint[]): number | null {
  let winner: number | null = null
  let top = -1n
  for (const [i, s] of scores.entries()) {
    if (s > top) {
      top = s
      winner = i + 1
    } else if (s === top) winner = null
  }
  return top > 0n ? winner : null
}

function floatWinner(scores: readonly number[]): number | null {
  let winner: number | null = null
  let top = -Infinity
  for (const [i, s] of scores.entries()) {
    if (s > top) {
      top = s
      winner = i + 1
    } else if (s === top) winner = null
  }
  return top > 0 ? winner : null
}

/** What one ballot gives the winner: its vp (approval; ranked-choice when the winner is its top finalist), its share (weighted), its root (quadratic). */
function contributionTo(type: SnapshotType, ballot: SnapshotBallot, vp: number, winner: number, finalists: ReadonlySet<number>): number {
  const list = ballot as number[]
  if (type === 'approval') return list.includes(winner) ? vp : 0
  if (type === 'ranked-choice') return list.find((c) => finalists.has(c)) === winner ? vp : 0
  const sum = list.reduce((a, x) => a + x, 0)
  const x = list[winner - 1] ?? 0
  if (sum <= 0 || x <= 0) return 0
  return type === 'quadratic' ? Math.sqrt((x / sum) * vp) : (vp * x) / sum
}
