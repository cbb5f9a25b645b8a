import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { compareSnapshotScores, instantRunoffRounds, scoreSnapshot, type ScoredVote } from '../../src/analysis/snapshotScoring.js'

const v = (voter: string, choice: ScoredVote['choice'], vp: number): ScoredVote => ({ voter, choice, vp })

describe('scoreSnapshot: worked examples', () => {
  test('single-choice: the full vp goes to the one choice', () => {
    // a: 10 → choice 1; b: 5 → choice 2; c: 2.5 → choice 1. Scores [10 + 2.5, 5, 0] = [12.5, 5, 0]; total 17.5.
    const r = scoreSnapshot({ type: 'single-choice', choices: ['A', 'B', 'C'], votes: [v('a', 1, 10), v('b', 2, 5), v('c', 1, 2.5)] })
    expect(r).toEqual({ type: 'single-choice', scores: [12.5, 5, 0], scoresTotal: 17.5, validVotes: 3, anomalies: [] })
  })

  test('basic: a choice that does not fit is a listed anomaly, out of scores and total', () => {
    // d voted 4 on a 3-choice basic proposal: left out (as the hub does), and listed.
    const r = scoreSnapshot({ type: 'basic', choices: ['For', 'Against', 'Abstain'], votes: [v('a', 1, 3), v('b', 3, 1), v('d', 4, 100)] })
    expect(r.scores).toEqual([3, 0, 1])
    expect(r.scoresTotal).toBe(4)
    expect(r.anomalies).toEqual([{ voter: 'd', choice: 4, problem: 'basic wants one choice from 1 to 3' }])
  })

  test('approval: the full vp goes to each approved choice', () => {
    // a (10) approves 1 and 2; b (5) approves 2; c (1) approves 1 and 3.
    // 1: 10 + 1 = 11; 2: 10 + 5 = 15; 3: 1. Total is Σvp = 16 (scores sum to more).
    const r = scoreSnapshot({ type: 'approval', choices: ['A', 'B', 'C'], votes: [v('a', [1, 2], 10), v('b', [2], 5), v('c', [1, 3], 1)] })
    expect(r.scores).toEqual([11, 15, 1])
    expect(r.scoresTotal).toBe(16)
  })

  test('weighted: vp split in proportion to the weights', () => {
    // a (8) weights {1: 1, 2: 3}: 8·1/4 = 2 to choice 1, 8·3/4 = 6 to choice 2.
    // b (4) weights {2: 1}: all 4 to choice 2. Scores [2, 10, 0], total 12.
    const r = scoreSnapshot({ type: 'weighted', choices: ['A', 'B', 'C'], votes: [v('a', { '1': 1, '2': 3 }, 8), v('b', { '2': 1 }, 4)] })
    expect(r.scores).toEqual([2, 10, 0])
    expect(r.scoresTotal).toBe(12)
  })

  test('quadratic: (Σ √(share·vp))² per choice, rescaled to the total vp', () => {
    // whale (16) all on 1: √16 = 4 to choice 1.
    // b, c (4 each) all on 2: √4 = 2 each → 4 to choice 2.
    // d (8) half on 1, half on 2: √(½·8) = √4 = 2 to each.
    // e (9) all on 3: √9 = 3.
    // Σ√: choice 1 = 4 + 2 = 6, choice 2 = 2 + 2 + 2 = 6, choice 3 = 3.
    // Squares 36, 36, 9 (Σ 81); total vp = 16 + 4 + 4 + 8 + 9 = 41.
    // Scores = 41·36/81, 41·36/81, 41·9/81 = 164/9, 164/9, 41/9 ≈ 18.22, 18.22, 4.56.
    // (By plain vp choice 1 would have 20 against 12: three small voters now match the whale.)
    const r = scoreSnapshot({
      type: 'quadratic',
      choices: ['A', 'B', 'C'],
      votes: [v('whale', { '1': 1 }, 16), v('b', { '2': 1 }, 4), v('c', { '2': 5 }, 4), v('d', { '1': 1, '2': 1 }, 8), v('e', { '3': 2 }, 9)],
    })
    expect(r.scoresTotal).toBe(41)
    expect(r.scores[0]).toBeCloseTo(164 / 9, 12)
    expect(r.scores[1]).toBeCloseTo(164 / 9, 12)
    expect(r.scores[2]).toBeCloseTo(41 / 9, 12)
  })

  test('ranked-choice: instant-runoff, a tie for last eliminates the lower-numbered choice (as the hub)', () => {
    // Ballots (most preferred first), vp:  a [1,2,3,4] 40 · b [2,3,1,4] 30 · c [3,2,1,4] 20 · d [4,3,2,1] 10. Total 100.
    // Round 1: 1: 40, 2: 30, 3: 20, 4: 10. Nobody > 50 → eliminate 4 (lowest).
    // Round 2: d moves to 3 → 1: 40, 2: 30, 3: 30. Nobody > 50; 2 and 3 tie for last →
    //          the hub eliminates the first minimum in choice order: 2.
    // Round 3: b moves to 3 → 1: 40, 3: 60. 60 > 50: final. Scores [40, 0, 60, 0].
    // (Eliminating 3 instead would have made 2 win with 60: the tie rule decides.)
    const votes = [v('a', [1, 2, 3, 4], 40), v('b', [2, 3, 1, 4], 30), v('c', [3, 2, 1, 4], 20), v('d', [4, 3, 2, 1], 10)]
    const r = scoreSnapshot({ type: 'ranked-choice', choices: ['A', 'B', 'C', 'D'], votes })
    expect(r.scores).toEqual([40, 0, 60, 0])
    expect(r.scoresTotal).toBe(100)
    const rounds = instantRunoffRounds(votes.map((x) => ({ vp: x.vp, ranking: x.choice as number[] })))
    expect(rounds.map((x) => x.eliminated)).toEqual([4, 2, null])
  })

  test('ranked-choice: a first-round majority ends it at once; partial rankings are anomalies', () => {
    // a (60) ranks 2 first: 60 > 50 of 100 in round 1. Scores are round 1's tallies.
    const r = scoreSnapshot({
      type: 'ranked-choice',
      choices: ['A', 'B', 'C'],
      votes: [v('a', [2, 1, 3], 60), v('b', [1, 2, 3], 25), v('c', [3, 1, 2], 15), v('x', [1, 2], 5), v('y', [1, 1, 2], 5)],
    })
    expect(r.scores).toEqual([25, 60, 15])
    expect(r.anomalies.map((a) => [a.voter, a.problem])).toEqual([
      ['x', 'ranked-choice wants all 3 choices ranked'],
      ['y', 'ranked-choice wants distinct choices'],
    ])
  })

  test('choices that do not fit their type are listed with the reason', () => {
    const anomalies = (type: Parameters<typeof scoreSnapshot>[0]['type'], choice: ScoredVote['choice']) =>
      scoreSnapshot({ type, choices: ['A', 'B'], votes: [v('z', choice, 1)] }).anomalies.map((a) => a.problem)
    expect(anomalies('single-choice', [1])).toEqual(['single-choice wants one choice from 1 to 2'])
    expect(anomalies('approval', [])).toEqual(['approval wants at least one choice'])
    expect(anomalies('approval', 1)).toEqual(['approval wants a list of choices'])
    expect(anomalies('weighted', { '0': 1 })).toEqual(['weighted wants choice keys from 1 to 2'])
    expect(anomalies('weighted', { '1': 0 })).toEqual(['weighted wants a positive total weight'])
    expect(anomalies('quadratic', [1, 2])).toEqual(['quadratic wants an object {"choice": weight}'])
  })
})

describe('compareSnapshotScores', () => {
  test('within relative 1e-6 agrees; beyond, each mismatch is listed', () => {
    const recomputed = { scores: [100, 50.00001, 0], scoresTotal: 150.00001 }
    expect(compareSnapshotScores({ recomputed, hubScores: [100.00000001, 50.00001, 1e-12], hubScoresTotal: 150.00001 }).agrees).toBe(true)
    const r = compareSnapshotScores({ recomputed, hubScores: [100, 51, 0], hubScoresTotal: 151 })
    expect(r.mismatches).toEqual([
      { choice: 2, hub: 51, recomputed: 50.00001 },
      { choice: 'total', hub: 151, recomputed: 150.00001 },
    ])
    expect(compareSnapshotScores({ recomputed, hubScores: [100, 50.00001], hubScoresTotal: 150.00001 }).mismatches).toEqual([
      { choice: 'count', hub: 2, recomputed: 3 },
    ])
  })
})

/** Brute-force IRV: every round recounts all original ballots against the set of remaining choices. */
function bruteIrv(ballots: { vp: number; ranking: number[] }[], n: number): number[] {
  let remaining = new Set<number>()
  for (const b of ballots) for (const c of b.ranking) remaining.add(c)
  for (;;) {
    const tally: number[] = new Array(n + 1).fill(0)
    let power = 0
    for (const b of ballots) {
      for (const c of b.ranking)
        if (remaining.has(c)) {
          tally[c]! += b.vp
          power += b.vp
          break
        }
    }
    const cands = [...remaining].sort((a, b) => a - b)
    const max = Math.max(...cands.map((c) => tally[c]!))
    const min = Math.min(...cands.map((c) => tally[c]!))
    if (cands.length === 0) return new Array(n).fill(0)
    if (max > power / 2 || cands.length < 3) return Array.from({ length: n }, (_, i) => (remaining.has(i + 1) ? tally[i + 1]! : 0))
    const loser = cands.find((c) => tally[c] === min)!
    remaining = new Set(cands.filter((c) => c !== loser))
  }
}

const permutation = (n: number) => fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i + 1), { minLength: n, maxLength: n })

describe('scoreSnapshot: properties', () => {
  test('single-choice: scores sum to the total vp', () =>
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((n) => fc.tuple(fc.constant(n), fc.array(fc.record({ c: fc.integer({ min: 1, max: n }), vp: fc.double({ min: 0, max: 1e9, noNaN: true }) }), { maxLength: 30 }))),
        ([n, vs]) => {
          const r = scoreSnapshot({ type: 'single-choice', choices: new Array(n).fill('x'), votes: vs.map((x, i) => v(`v${i}`, x.c, x.vp)) })
          const sum = r.scores.reduce((a, b) => a + b, 0)
          return Math.abs(sum - r.scoresTotal) <= 1e-9 * Math.max(1, r.scoresTotal)
        },
      ),
    ))

  test('weighted: scores sum to the total vp', () =>
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            fc.array(fc.record({ w: fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: n, maxLength: n }), vp: fc.double({ min: 0, max: 1e9, noNaN: true }) }), { maxLength: 20 }),
          ),
        ),
        ([n, vs]) => {
          const votes = vs.map((x, i) => v(`v${i}`, Object.fromEntries(x.w.map((w, c) => [String(c + 1), w])), x.vp))
          const r = scoreSnapshot({ type: 'weighted', choices: new Array(n).fill('x'), votes })
          const sum = r.scores.reduce((a, b) => a + b, 0)
          expect(r.anomalies.length).toBe(vs.filter((x) => x.w.every((w) => w === 0)).length)
          return Math.abs(sum - r.scoresTotal) <= 1e-9 * Math.max(1, r.scoresTotal)
        },
      ),
    ))

  test('quadratic: rescaled scores sum to the total vp', () =>
    fc.assert(
      fc.property(
        fc.array(fc.record({ w: fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 3, maxLength: 3 }), vp: fc.integer({ min: 0, max: 1e6 }) }), { maxLength: 15 }),
        (vs) => {
          const votes = vs.map((x, i) => v(`v${i}`, Object.fromEntries(x.w.map((w, c) => [String(c + 1), w])), x.vp))
          const r = scoreSnapshot({ type: 'quadratic', choices: ['a', 'b', 'c'], votes })
          const sum = r.scores.reduce((a, b) => a + b, 0)
          return Math.abs(sum - r.scoresTotal) <= 1e-9 * Math.max(1, r.scoresTotal)
        },
      ),
    ))

  test('ranked-choice equals a brute-force IRV on small random inputs', () =>
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((n) =>
          fc.tuple(fc.constant(n), fc.array(fc.record({ ranking: permutation(n), vp: fc.integer({ min: 0, max: 20 }) }), { maxLength: 12 })),
        ),
        ([n, ballots]) => {
          const r = scoreSnapshot({ type: 'ranked-choice', choices: new Array(n).fill('x'), votes: ballots.map((b, i) => v(`v${i}`, b.ranking, b.vp)) })
          expect(r.scores).toEqual(bruteIrv(ballots, n))
        },
      ),
      { numRuns: 500 },
    ))
})

describe('checkSnapshotProposal', () => {
  test('a wrong hub score is listed, an unknown type is reported as unsupported', async () => {
    const { checkSnapshotProposal } = await import('../../src/analysis/snapshotScoring.js')
    const votes = [v('a', 1, 10), v('b', 2, 5), v('c', 9, 1)]
    const r = checkSnapshotProposal({ proposal: { type: 'single-choice', choices: ['A', 'B'], scores: [10, 6], scoresTotal: 15 }, votes })
    expect(r.supported && r.comparison.mismatches).toEqual([{ choice: 2, hub: 6, recomputed: 5 }])
    expect(r.supported && r.recomputed.anomalies.map((a) => a.voter)).toEqual(['c'])
    expect(checkSnapshotProposal({ proposal: { type: 'copeland', choices: ['A'], scores: [], scoresTotal: 0 }, votes })).toEqual({ supported: false, type: 'copeland' })
  })
})
