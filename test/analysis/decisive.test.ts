import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { counterfactualNonVoters, decisive, summarizeDecisive } from '../../src/analysis/decisive.js'
import { rules, type CountingRule, type Tally } from '../../src/analysis/rules/index.js'
import { mergeVotes, tallyVotes, voteFromSupport, type Vote } from '../../src/analysis/vote.js'

const RULES = Object.values(rules) as CountingRule[]
const passes = (t: Tally, quorum: bigint, rule: CountingRule) => rule.quorumReached(t, quorum) && rule.voteSucceeded(t)

/** Brute force: fewest voters whose removal changes pass/fail, over every subset of voters. */
function bruteDecisive(votes: Vote[], quorum: bigint, rule: CountingRule): number | null {
  const merged = mergeVotes(votes)
  const passedNow = passes(tallyVotes(merged), quorum, rule)
  let best: number | null = null
  for (let mask = 1; mask < 1 << merged.length; mask++) {
    const size = popcount(mask)
    if (best !== null && size >= best) continue
    const kept = merged.filter((_, i) => !(mask & (1 << i)))
    if (passes(tallyVotes(kept), quorum, rule) !== passedNow) best = size
  }
  return best
}

const popcount = (x: number) => {
  let c = 0
  for (; x; x &= x - 1) c++
  return c
}

const flipsWithout = (votes: Vote[], removed: string[], quorum: bigint, rule: CountingRule) => {
  const merged = mergeVotes(votes)
  const gone = new Set(removed)
  return passes(tallyVotes(merged), quorum, rule) !== passes(tallyVotes(merged.filter((v) => !gone.has(v.voter))), quorum, rule)
}

const amount = (max: number) => fc.bigInt({ min: 0n, max: BigInt(max) })
/** A simple vote (one support) or a fractional one (several), from a small pool of voters so some repeat. */
const voteArb: fc.Arbitrary<Vote> = fc.oneof(
  fc.record({ voter: fc.integer({ min: 0, max: 10 }), support: fc.integer({ min: 0, max: 2 }), weight: amount(20) }).map(
    ({ voter, support, weight }) => voteFromSupport({ voter: `0x${voter}`, support, weight }),
  ),
  fc.record({ voter: fc.integer({ min: 0, max: 10 }), for: amount(10), against: amount(10), abstain: amount(10) }).map(
    (v) => ({ ...v, voter: `0x${v.voter}` }),
  ),
)

describe('decisive: worked examples', () => {
  const v = (voter: string, f: bigint, a: bigint, ab = 0n): Vote => ({ voter, for: f, against: a, abstain: ab })

  test('one whale passes it alone: removing it flips -> 1, whale-decided', () => {
    const r = decisive({ votes: [v('0xw', 100n, 0n), v('0xa', 0n, 40n), v('0xb', 0n, 30n)], quorum: 50n, rule: rules.ozSimple })
    expect(r).toMatchObject({
      outcome: 'passed', decisive: 1, decisiveVoters: ['0xw'], strategy: 'for-margin', whaleDecided: true, exact: true,
      tally: { for: 100n, against: 70n, abstain: 0n }, voters: 3, nakamoto: 1,
    })
  })

  test('a tie is defeated (for = against is not >); removing one against voter passes it', () => {
    const r = decisive({ votes: [v('0xf', 50n, 0n), v('0xa', 0n, 30n), v('0xb', 0n, 20n)], quorum: 0n, rule: rules.bravo })
    expect(r).toMatchObject({ outcome: 'defeated', decisive: 1, decisiveVoters: ['0xa'], strategy: 'against-margin' })
  })

  test('quorum exactly met passes; removing any quorum-counting voter breaks it', () => {
    // for 60 + abstain 40 = 100 = quorum (reached: >=); against 10
    const votes = [v('0xf', 60n, 0n), v('0xab', 0n, 0n, 40n), v('0xa', 0n, 10n)]
    const r = decisive({ votes, quorum: 100n, rule: rules.ozSimple })
    expect(r).toMatchObject({ outcome: 'passed', decisive: 1, decisiveVoters: ['0xf'] })
    // Under quorum=bravo abstain does not count: for 60 < 100 -> quorum-failed, nothing can flip it.
    expect(decisive({ votes, quorum: 100n, rule: rules.ozBravoQuorum })).toMatchObject({ outcome: 'quorum-failed', decisive: null, strategy: null, whaleDecided: false, exact: true })
  })

  test('removal can break quorum before the margin: 10 for-voters × 10 vs 50 against, quorum 105', () => {
    // QW = 100 + 10 abstain = 110; margin needs Σfor >= 50 (5 voters); quorum needs Σ >= 6 (1 voter).
    const votes = [...Array.from({ length: 10 }, (_, i) => v(`0xf${i}`, 10n, 0n)), v('0xa', 0n, 50n), v('0xab', 0n, 0n, 10n)]
    const r = decisive({ votes, quorum: 105n, rule: rules.ozSimple })
    expect(r).toMatchObject({ outcome: 'passed', decisive: 1, strategy: 'quorum', exact: true })
    expect(bruteDecisive(votes, 105n, rules.ozSimple)).toBe(1)
  })

  test('fractional against voters that also abstain: greedy by against would break quorum; exact search finds 3', () => {
    // for 19; against X10 W9 Y6 Z6 V6 = 37; abstain X4 W4 = 8. QW = 27, quorum 21: slack 6.
    // Need Σ(against − for) >= 37 − 19 + 1 = 19. X+W = 19 but spends 8 > 6 of quorum. X+Y+Z = 22, spends 4.
    const votes = [v('0xg', 19n, 0n), v('0xx', 0n, 10n, 4n), v('0xw', 0n, 9n, 4n), v('0xy', 0n, 6n), v('0xz', 0n, 6n), v('0xv', 0n, 6n)]
    const r = decisive({ votes, quorum: 21n, rule: rules.ozSimple })
    expect(r).toMatchObject({ outcome: 'defeated', decisive: 3, exact: true, strategy: 'against-margin' })
    expect(r.decisiveVoters).toEqual(['0xx', '0xv', '0xy'])
    expect(bruteDecisive(votes, 21n, rules.ozSimple)).toBe(3)
    expect(flipsWithout(votes, r.decisiveVoters, 21n, rules.ozSimple)).toBe(true)
    // With no search budget the answer is a valid upper bound, marked inexact.
    const cut = decisive({ votes, quorum: 21n, rule: rules.ozSimple, maxNodes: 0 })
    expect(cut.exact).toBe(false)
    expect(cut.decisive).toBeGreaterThanOrEqual(3)
    expect(flipsWithout(votes, cut.decisiveVoters, 21n, rules.ozSimple)).toBe(true)
  })

  test('defeated with nobody for: no removal can pass it -> null', () => {
    expect(decisive({ votes: [v('0xa', 0n, 5n)], quorum: 0n, rule: rules.bravo })).toMatchObject({ outcome: 'defeated', decisive: null })
  })

  test('empty proposal: quorum 0 -> defeated (0 > 0 fails), null; quorum > 0 -> quorum-failed', () => {
    expect(decisive({ votes: [], quorum: 0n, rule: rules.ozSimple })).toMatchObject({ outcome: 'defeated', decisive: null, nakamoto: null, voters: 0 })
    expect(decisive({ votes: [], quorum: 1n, rule: rules.ozSimple })).toMatchObject({ outcome: 'quorum-failed', decisive: null })
  })

  test('a voter who voted twice (fractional) is removed whole', () => {
    const votes = [v('0xA', 30n, 0n), v('0xa', 0n, 0n, 30n), v('0xb', 0n, 20n), v('0xc', 25n, 0n)]
    const r = decisive({ votes, quorum: 80n, rule: rules.ozSimple })
    // 0xa: for 30 + abstain 30; QW = 85; removing 0xa leaves QW 25 < 80.
    expect(r).toMatchObject({ outcome: 'passed', decisive: 1, decisiveVoters: ['0xa'], voters: 3 })
  })

  test('exact with amounts near 2^256 and sums past 2^53', () => {
    const h = 2n ** 255n
    // for h + 1 vs against h: passes by one unit; removing either for voter flips; floats would see a tie.
    const votes = [v('0xf1', h - 1n, 0n), v('0xf2', 2n, 0n), v('0xa', 0n, h)]
    expect(decisive({ votes, quorum: h, rule: rules.bravo })).toMatchObject({ outcome: 'passed', decisive: 1, decisiveVoters: ['0xf1'] })
    expect(decisive({ votes: [v('0xf', h, 0n), v('0xa', 0n, h)], quorum: 0n, rule: rules.bravo }).outcome).toBe('defeated')
  })

  test('whales threshold', () => {
    const votes = [v('0x1', 10n, 0n), v('0x2', 10n, 0n), v('0x3', 0n, 15n)]
    expect(decisive({ votes, quorum: 0n, rule: rules.bravo, whales: 1 })).toMatchObject({ decisive: 1, whaleDecided: true })
    const even = [v('0x1', 10n, 0n), v('0x2', 10n, 0n), v('0x3', 0n, 5n)]
    expect(decisive({ votes: even, quorum: 0n, rule: rules.bravo, whales: 1 })).toMatchObject({ decisive: 2, whaleDecided: false })
    expect(decisive({ votes: even, quorum: 0n, rule: rules.bravo, whales: 2 }).whaleDecided).toBe(true)
  })
})

describe('decisive equals brute force over every removal set', () => {
  for (const rule of RULES)
    test(`${rule.id}: simple and fractional voters`, () =>
      fc.assert(
        fc.property(fc.array(voteArb, { maxLength: 12 }), fc.bigInt({ min: 0n, max: 120n }), (votes, quorum) => {
          const r = decisive({ votes, quorum, rule })
          expect(r.exact).toBe(true)
          expect(r.decisive).toBe(bruteDecisive(votes, quorum, rule))
          if (r.decisive !== null) {
            expect(r.decisiveVoters).toHaveLength(r.decisive)
            expect(flipsWithout(votes, r.decisiveVoters, quorum, rule)).toBe(true)
          }
        }),
        { numRuns: 150 },
      ))

  test('oz-simple, defeated, against voters who also abstain (the knapsack case)', () =>
    fc.assert(
      fc.property(
        fc.array(fc.record({ against: amount(12), abstain: fc.oneof(fc.constant(0n), amount(5)), for: fc.oneof(fc.constant(0n), amount(2)) }), { minLength: 1, maxLength: 11 }),
        amount(40),
        amount(20),
        (againsts, forVotes, slack) => {
          const votes: Vote[] = [{ voter: '0xf', for: forVotes, against: 0n, abstain: 0n }, ...againsts.map((a, i) => ({ voter: `0x${i}`, ...a }))]
          // Quorum just under for + abstain, so removing abstainers soon breaks it.
          const qw = votes.reduce((a, v) => a + v.for + v.abstain, 0n)
          const quorum = qw > slack ? qw - slack : 0n
          const r = decisive({ votes, quorum, rule: rules.ozSimple })
          expect(r.exact).toBe(true)
          expect(r.decisive).toBe(bruteDecisive(votes, quorum, rules.ozSimple))
        },
      ),
      { numRuns: 300 },
    ))
})

describe('summarizeDecisive', () => {
  test('denominator: passed and defeated (and Snapshot won); quorum-failed and others left out', () => {
    const s = summarizeDecisive({
      results: [
        { outcome: 'passed', decisive: 1 },
        { outcome: 'defeated', decisive: 3 },
        { outcome: 'defeated', decisive: null },
        { outcome: 'quorum-failed', decisive: null },
        { outcome: 'won', decisive: 1, exact: false },
        { outcome: 'canceled', decisive: null },
      ],
    })
    expect(s).toMatchObject({ whales: 1, decided: 4, whaleDecided: 2, inexact: 1, whaleDecidedRatio: { num: 2n, den: 4n }, whaleDecidedShare: 0.5 })
    expect(summarizeDecisive({ results: [{ outcome: 'defeated', decisive: 3 }], whales: 3 }).whaleDecidedShare).toBe(1)
  })

  test('nothing decided -> 0 of 0', () => {
    expect(summarizeDecisive({ results: [{ outcome: 'quorum-failed', decisive: null }] })).toMatchObject({ decided: 0, whaleDecidedShare: 0 })
  })
})

describe('counterfactualNonVoters', () => {
  const nv = (ws: bigint[]) => ws.map((weight, i) => ({ address: `0xn${i}`, weight }))

  test('worked: passed 100 to 60; non-voters 30, 15, 10: against +30 +15 = 105 >= 100 -> 2', () => {
    const r = counterfactualNonVoters({ tally: { for: 100n, against: 60n, abstain: 0n }, quorum: 50n, rule: rules.bravo, nonVoters: nv([10n, 30n, 15n]), k: 1 })
    expect(r).toMatchObject({ outcome: 'passed', direction: 'against', needed: 2, flipped: false, consideredWeight: 30n })
    expect(r.flippers.map((f) => f.weight)).toEqual([30n, 15n])
  })

  test('worked: quorum-failed 30 of quorum 100; for-votes of 50 + 25 reach it -> 2', () => {
    const r = counterfactualNonVoters({ tally: { for: 30n, against: 10n, abstain: 0n }, quorum: 100n, rule: rules.ozSimple, nonVoters: nv([50n, 25n, 1n]), k: 2 })
    expect(r).toMatchObject({ outcome: 'quorum-failed', direction: 'for', needed: 2, flipped: true })
  })

  test('no non-voters -> null', () => {
    expect(counterfactualNonVoters({ tally: { for: 1n, against: 0n, abstain: 0n }, quorum: 0n, rule: rules.bravo, nonVoters: [] })).toMatchObject({ needed: null, flipped: false })
  })

  const bruteNeeded = (tally: Tally, quorum: bigint, rule: CountingRule, ws: bigint[]) => {
    const now = passes(tally, quorum, rule)
    const dir = now ? 'against' : 'for'
    let best: number | null = null
    for (let mask = 1; mask < 1 << ws.length; mask++) {
      let add = 0n
      ws.forEach((w, i) => mask & (1 << i) && (add += w))
      if (passes({ ...tally, [dir]: tally[dir] + add }, quorum, rule) !== now && (best === null || popcount(mask) < best)) best = popcount(mask)
    }
    return best
  }

  for (const rule of RULES)
    test(`${rule.id}: greedy by weight equals brute force`, () =>
      fc.assert(
        fc.property(
          fc.record({ for: amount(60), against: amount(60), abstain: amount(30) }),
          fc.bigInt({ min: 0n, max: 100n }),
          fc.array(amount(30), { maxLength: 9 }),
          fc.integer({ min: 0, max: 9 }),
          (tally, quorum, ws, k) => {
            const r = counterfactualNonVoters({ tally, quorum, rule, nonVoters: nv(ws), k })
            const needed = bruteNeeded(tally, quorum, rule, ws)
            expect(r.needed).toBe(needed)
            expect(r.flipped).toBe(needed !== null && needed <= k)
          },
        ),
      ))
})
