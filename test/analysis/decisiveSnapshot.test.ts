import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { decisiveSnapshot, type SnapshotType, type SnapshotVote } from '../../src/analysis/decisiveSnapshot.js'
import { scoreSnapshot } from '../../src/analysis/snapshotScoring.js'
import { UsageError } from '../../src/errors.js'

const popcount = (x: number) => {
  let c = 0
  for (; x; x &= x - 1) c++
  return c
}

/**
 * Brute force for single-choice / basic on vp = k/4 (exact in floats): the outcome of any
 * subset, then the smallest removal that changes it.
 */
function bruteExact(type: 'single-choice' | 'basic', picks: number[], quarters: number[], quorumQ: number, nChoices: number): number | null {
  const outcome = (mask: number): string => {
    const scores = new Array<number>(nChoices).fill(0)
    let total = 0
    picks.forEach((c, i) => {
      if (!(mask & (1 << i))) {
        scores[c - 1]! += quarters[i]!
        total += quarters[i]!
      }
    })
    if (total < quorumQ) return 'quorum-failed'
    if (type === 'basic') return scores[0]! > scores[1]! ? 'passed' : 'defeated'
    const top = Math.max(...scores)
    const leaders = scores.flatMap((s, i) => (s === top ? [i + 1] : []))
    return top > 0 && leaders.length === 1 ? `won:${leaders[0]}` : 'tied'
  }
  const now = outcome(0)
  if (now === 'quorum-failed' || now === 'tied') return null
  let best: number | null = null
  for (let mask = 1; mask < 1 << picks.length; mask++) {
    const size = popcount(mask)
    if (best !== null && size >= best) continue
    const after = outcome(mask)
    const flipped = type === 'basic' ? (now === 'passed') !== (after === 'passed') : after !== now
    if (flipped) best = size
  }
  return best
}

const CHOICES = ['For', 'Against', 'Abstain']

describe('decisiveSnapshot: worked examples', () => {
  test('single-choice on floats is exact: 0.1 + 0.2 beats 0.3 (as binary values: 0.30000000000000001665 > 0.29999999999999998890)', () => {
    const votes = [
      { voter: '0xa', choice: 1, vp: 0.1 },
      { voter: '0xb', choice: 1, vp: 0.2 },
      { voter: '0xc', choice: 2, vp: 0.3 },
    ]
    const r = decisiveSnapshot({ votes, type: 'single-choice', quorum: 0, choices: ['A', 'B'] })
    expect(r).toMatchObject({ outcome: 'won', winner: 1, decisive: 1, decisiveVoters: ['0xb'], exact: true, whaleDecided: true, voters: 3 })
    expect(r.scores[1]).toBe(0.3)
  })

  test('basic passed: 30 + 30 For vs 50 Against, quorum 100 (total 110): one For voter flips both ways', () => {
    const votes = [
      { voter: '0xf1', choice: 1, vp: 30 },
      { voter: '0xf2', choice: 1, vp: 30 },
      { voter: '0xa', choice: 2, vp: 50 },
    ]
    const r = decisiveSnapshot({ votes, type: 'basic', quorum: 100, choices: CHOICES })
    expect(r).toMatchObject({ outcome: 'passed', winner: 1, decisive: 1, exact: true, scoresTotal: 110, scores: [60, 50, 0] })
  })

  test('basic defeated: removing the largest Against voter would break quorum; the smaller one passes it', () => {
    // For 40, Against 30 + 15, Abstain 20: total 105, quorum 85 (slack 20).
    // Remove 30: total 75 < 85. Remove 15: Against 30 < 40 and total 90 >= 85 -> 1.
    const votes = [
      { voter: '0xf', choice: 1, vp: 40 },
      { voter: '0xa1', choice: 2, vp: 30 },
      { voter: '0xa2', choice: 2, vp: 15 },
      { voter: '0xab', choice: 3, vp: 20 },
    ]
    expect(decisiveSnapshot({ votes, type: 'basic', quorum: 85, choices: CHOICES })).toMatchObject({
      outcome: 'defeated', winner: 2, decisive: 1, decisiveVoters: ['0xa2'], strategy: 'against-margin', exact: true,
    })
    // quorum 100 (slack 5): no Against removal keeps quorum -> null
    expect(decisiveSnapshot({ votes, type: 'basic', quorum: 100, choices: CHOICES })).toMatchObject({ outcome: 'defeated', decisive: null })
  })

  test('ties, empty proposals, quorum', () => {
    const tie = [
      { voter: '0xa', choice: 1, vp: 5 },
      { voter: '0xb', choice: 2, vp: 5 },
    ]
    expect(decisiveSnapshot({ votes: tie, type: 'single-choice', quorum: 0, choices: ['A', 'B'] })).toMatchObject({ outcome: 'tied', winner: null, decisive: null })
    expect(decisiveSnapshot({ votes: [], type: 'single-choice', quorum: 0, choices: ['A'] })).toMatchObject({ outcome: 'tied', decisive: null, nakamoto: null })
    expect(decisiveSnapshot({ votes: [], type: 'basic', quorum: 1, choices: CHOICES })).toMatchObject({ outcome: 'quorum-failed', decisive: null })
    // Quorum exactly met (10 >= 10) is met; removing anyone breaks it.
    const r = decisiveSnapshot({ votes: [{ voter: '0xa', choice: 1, vp: 6 }, { voter: '0xb', choice: 2, vp: 4 }], type: 'single-choice', quorum: 10, choices: ['A', 'B'] })
    expect(r).toMatchObject({ outcome: 'won', decisive: 1 })
  })

  test('bad input is a UsageError naming the voter', () => {
    const one = (v: Partial<SnapshotVote>) => [{ voter: '0xa', choice: 1, vp: 1, ...v }]
    expect(() => decisiveSnapshot({ votes: one({ choice: 4 }), type: 'basic', quorum: 0, choices: CHOICES })).toThrow(UsageError)
    expect(() => decisiveSnapshot({ votes: one({ vp: Number.NaN }), type: 'basic', quorum: 0, choices: CHOICES })).toThrow(UsageError)
    expect(() => decisiveSnapshot({ votes: [...one({}), ...one({})], type: 'basic', quorum: 0, choices: CHOICES })).toThrow('appears twice')
    expect(() => decisiveSnapshot({ votes: one({ choice: [1, 1] }), type: 'approval', quorum: 0, choices: CHOICES })).toThrow(UsageError)
  })

  test('other types: the bound is labelled inexact unless it is 1', () => {
    const votes = [
      { voter: '0xa', choice: [1, 2], vp: 10 },
      { voter: '0xb', choice: [1], vp: 3 },
      { voter: '0xc', choice: [2, 3], vp: 4 },
    ]
    // approval scores: 1: 13, 2: 14, 3: 4 -> choice 2 wins; removing 0xc (4) gives 13 vs 10: choice 1.
    const r = decisiveSnapshot({ votes, type: 'approval', quorum: 0, choices: ['A', 'B', 'C'] })
    expect(r).toMatchObject({ outcome: 'won', winner: 2, scores: [13, 14, 4], decisive: 1, exact: true })
  })
})

describe('decisiveSnapshot ranked-choice: the hub\'s instant-runoff', () => {
  test('a tie for last eliminates the lower-numbered choice, which decides the winner', () => {
    // Ballots (most preferred first), vp: a [1,2,3,4] 40 · b [2,3,1,4] 30 · c [3,2,1,4] 20 · d [4,3,2,1] 10.
    // Round 1: 1: 40, 2: 30, 3: 20, 4: 10 → 4 out. Round 2: d → 3: 1: 40, 2: 30, 3: 30; 2 and 3 tie
    // for last → the hub eliminates 2 (eliminating 3 would make 2 win with 60).
    // Round 3: b → 3: 1: 40, 3: 60 > 50 → 3 wins, scores [40, 0, 60, 0].
    // Final-round supporters of 3: b (30), c (20), d (10). Without b: 1: 40 of 70 > 35 in round 1 → 1 wins.
    const votes = [
      { voter: '0xa', choice: [1, 2, 3, 4], vp: 40 },
      { voter: '0xb', choice: [2, 3, 1, 4], vp: 30 },
      { voter: '0xc', choice: [3, 2, 1, 4], vp: 20 },
      { voter: '0xd', choice: [4, 3, 2, 1], vp: 10 },
    ]
    const r = decisiveSnapshot({ votes, type: 'ranked-choice', quorum: 0, choices: ['A', 'B', 'C', 'D'] })
    expect(r).toMatchObject({ outcome: 'won', winner: 3, scores: [40, 0, 60, 0], decisive: 1, decisiveVoters: ['0xb'], exact: true })
    // The same tally as the scoring that rechecks the hub (one implementation).
    expect(r.scores).toEqual(scoreSnapshot({ type: 'ranked-choice', choices: ['A', 'B', 'C', 'D'], votes }).scores)
  })

  test('two choices left in an exact tie: tied, nothing to flip', () => {
    const votes = [
      { voter: '0xa', choice: [1, 2, 3], vp: 10 },
      { voter: '0xb', choice: [2, 1, 3], vp: 10 },
      { voter: '0xc', choice: [3, 2, 1], vp: 0 },
    ]
    // Round 1: 1: 10, 2: 10, 3: 0 → 3 out; round 2: 1: 10, 2: 10 with two left → final, tied.
    expect(decisiveSnapshot({ votes, type: 'ranked-choice', quorum: 0, choices: ['A', 'B', 'C'] })).toMatchObject({ outcome: 'tied', winner: null, decisive: null, scores: [10, 10, 0] })
  })
})

describe('decisiveSnapshot equals brute force for single-choice and basic', () => {
  for (const type of ['single-choice', 'basic'] as const)
    test(type, () =>
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 4 }).chain((m) =>
            fc.tuple(
              fc.constant(type === 'basic' ? 3 : m),
              fc.array(fc.tuple(fc.integer({ min: 1, max: type === 'basic' ? 3 : m }), fc.integer({ min: 0, max: 40 })), { maxLength: 11 }),
              fc.integer({ min: 0, max: 200 }),
            ),
          ),
          ([nChoices, rows, quorumSeed]) => {
            const totalQ = rows.reduce((a, [, k]) => a + k, 0)
            const quorumQ = quorumSeed % (totalQ + 5)
            const votes = rows.map(([choice, k], i) => ({ voter: `0x${i}`, choice, vp: k / 4 }))
            const choices = type === 'basic' ? CHOICES : Array.from({ length: nChoices }, (_, i) => `c${i + 1}`)
            const r = decisiveSnapshot({ votes, type, quorum: quorumQ / 4, choices })
            expect(r.exact).toBe(true)
            expect(r.decisive).toBe(bruteExact(type, rows.map(([c]) => c), rows.map(([, k]) => k), quorumQ, choices.length))
            expect(r.decisiveVoters).toHaveLength(r.decisive ?? 0)
          },
        ),
        { numRuns: 200 },
      ))
})

describe('decisiveSnapshot other types: a valid upper bound', () => {
  const n = 4
  const choiceArb = (type: SnapshotType) =>
    type === 'approval'
      ? fc.uniqueArray(fc.integer({ min: 1, max: n }), { minLength: 1, maxLength: n })
      : type === 'ranked-choice'
        ? fc.shuffledSubarray([1, 2, 3, 4], { minLength: n }) // the hub accepts full rankings only
        : fc.dictionary(fc.constantFrom('1', '2', '3', '4'), fc.integer({ min: 0, max: 5 }), { minKeys: 1 }).filter((w) => Object.values(w).some((x) => x > 0))

  for (const type of ['approval', 'weighted', 'quadratic', 'ranked-choice'] as const)
    test(type, () =>
      fc.assert(
        fc.property(
          fc.array(fc.tuple(choiceArb(type), fc.integer({ min: 1, max: 30 })), { maxLength: 8 }),
          fc.integer({ min: 0, max: 100 }),
          (rows, quorum) => {
            const votes: SnapshotVote[] = rows.map(([choice, vp], i) => ({ voter: `0x${i}`, choice, vp }))
            const choices = ['a', 'b', 'c', 'd']
            const run = (vs: SnapshotVote[]) => decisiveSnapshot({ votes: vs, type, quorum, choices })
            const r = run(votes)
            if (r.outcome !== 'won') {
              expect(r.decisive).toBeNull()
              return
            }
            const flips = (gone: Set<string>) => {
              const after = run(votes.filter((v) => !gone.has(v.voter)))
              return after.outcome !== 'won' || after.winner !== r.winner
            }
            let best: number | null = null
            for (let mask = 1; mask < 1 << votes.length; mask++)
              if ((best === null || popcount(mask) < best) && flips(new Set(votes.filter((_, i) => mask & (1 << i)).map((v) => v.voter)))) best = popcount(mask)
            if (r.decisive === null) {
              expect(best).toBeNull()
              return
            }
            expect(flips(new Set(r.decisiveVoters))).toBe(true)
            expect(r.decisive).toBeGreaterThanOrEqual(best!)
            expect(r.exact).toBe(r.decisive === 1)
          },
        ),
        { numRuns: 60 },
      ))
})
