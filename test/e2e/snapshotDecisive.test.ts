/**
 * Snapshot proposals through `decisive`, `nakamoto --proposal` and `check` (the built CLI),
 * indexed from the loopback hub. Single-choice and basic decisive counts equal a brute force
 * over every subset of voters (vp in quarters, exact as floats and as decimals); other types
 * are labelled bounds; every output says Snapshot numbers are off-chain floats.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { openDb } from '../../src/store/db.js'
import { insertDao } from '../../src/store/daos.js'
import { indexSnapshotSpace } from '../../src/sources/snapshot/indexSnapshotSpace.js'
import { scoreSnapshot } from '../../src/analysis/snapshotScoring.js'
import { cli, json, removeTmpDirs, tmpDir } from '../cli/harness.js'
import { bruteNakamoto } from '../cli/brute.js'
import { startSnapshotHub, type FixtureProposal, type FixtureVote, type SnapshotHub } from '../helpers/snapshotHub.js'
import { prng } from '../sources/snapshot/fixtures.js'

const SPACE = 'floats.eth'
const FLOAT_NOTE = /off-chain floats: vp is the space's strategy score, not an exact integer/
const hex = (n: number) => `0x${n.toString(16).padStart(40, '0')}`

/** A proposal with the hub's scores filled in by the same scoring `proposals` checks them with. */
function proposal(p: Omit<FixtureProposal, 'space' | 'author' | 'start' | 'end' | 'snapshot' | 'scores' | 'scores_total'>): FixtureProposal {
  const scored = scoreSnapshot({ type: p.type as 'basic', choices: p.choices, votes: p.votes as never })
  return { ...p, space: SPACE, author: hex(9), start: p.created!, end: p.created! + 1000, snapshot: 100, scores: scored.scores, scores_total: scored.scoresTotal }
}

/** Random single-choice or basic votes: vp = k/4, one voter each; a whale first when asked. */
function randomVotes(id: string, seed: number, n: number, choices: number, whale = false): FixtureVote[] {
  const rand = prng(seed)
  return Array.from({ length: n }, (_, i) => ({
    id: `${id}-v${i}`,
    voter: hex(100 * seed + i + 1),
    choice: 1 + Math.floor(rand() * choices),
    vp: (whale && i === 0 ? 2000 : 1 + Math.floor(rand() * 160)) / 4,
    created: 5000 + i,
  }))
}

const singles = [1, 2, 3].map((seed) => {
  const votes = randomVotes(`0xs${seed}`, seed, 11, 3, seed === 3)
  const total = votes.reduce((a, v) => a + v.vp, 0)
  return proposal({ id: `0xs${seed}`, title: `single ${seed}`, type: 'single-choice', choices: ['A', 'B', 'C'], created: 1000 + seed, state: 'closed', quorum: Math.floor(total * 2) / 4, votes })
})
const basic = (() => {
  const votes = randomVotes('0xb1', 7, 10, 3)
  const total = votes.reduce((a, v) => a + v.vp, 0)
  return proposal({ id: '0xb1', title: 'basic', type: 'basic', choices: ['For', 'Against', 'Abstain'], created: 1100, state: 'closed', quorum: Math.floor(total * 3) / 4, votes })
})()
// The hand-worked instant-runoff: a tie for last eliminates choice 2, so choice 3 wins.
const ranked = proposal({
  id: '0xr1', title: 'ranked', type: 'ranked-choice', choices: ['A', 'B', 'C', 'D'], created: 1200, state: 'closed', quorum: 0,
  votes: [[1, 2, 3, 4], [2, 3, 1, 4], [3, 2, 1, 4], [4, 3, 2, 1]].map((choice, i) => ({ id: `0xr1-v${i}`, voter: hex(900 + i), choice, vp: [40, 30, 20, 10][i]!, created: 6000 + i })),
})
const approval = proposal({
  id: '0xa1', title: 'approval', type: 'approval', choices: ['A', 'B', 'C'], created: 1300, state: 'closed', quorum: 0,
  votes: [
    { id: '0xa1-v0', voter: hex(800), choice: [1, 2], vp: 10, created: 7000 },
    { id: '0xa1-v1', voter: hex(801), choice: [1], vp: 3, created: 7001 },
    { id: '0xa1-v2', voter: hex(802), choice: [2, 3], vp: 4, created: 7002 },
    { id: '0xa1-v3', voter: hex(803), choice: [9], vp: 50, created: 7003 }, // does not fit: left out, as the hub does
  ],
})
const pending = { ...proposal({ id: '0xp1', title: 'open', type: 'single-choice', choices: ['A', 'B'], created: 1400, state: 'active', quorum: 0, votes: randomVotes('0xp1', 11, 4, 2) }) }

let hub: SnapshotHub
let db: string
beforeAll(async () => {
  hub = await startSnapshotHub({ proposals: [...singles, basic, ranked, approval, pending] })
  db = path.join(tmpDir('govaudit-snap-decisive-'), 'g.db')
  const handle = openDb({ path: db, create: true })
  try {
    const dao = insertDao(handle, { name: 'snap', chainId: 1, token: `0x${'4'.repeat(40)}`, tokenStandard: 'erc20', startBlock: 0 })
    await indexSnapshotSpace({ db: handle, dao, space: SPACE, hub: hub.url })
  } finally {
    handle.close()
  }
})
afterAll(async () => {
  await hub?.close()
  removeTmpDirs()
})

const popcount = (x: number) => {
  let c = 0
  for (; x; x &= x - 1) c++
  return c
}

/** Outcome of a subset (in quarters, exact): the hub's rule for single-choice and basic. */
function outcomeOf(p: FixtureProposal, kept: readonly FixtureVote[]): string {
  const scores = p.choices.map(() => 0)
  let total = 0
  for (const v of kept) {
    scores[(v.choice as number) - 1]! += v.vp * 4
    total += v.vp * 4
  }
  if (total < p.quorum * 4) return 'quorum-failed'
  if (p.type === 'basic') return scores[0]! > scores[1]! ? 'passed' : 'defeated'
  const top = Math.max(...scores)
  const leaders = scores.flatMap((s, i) => (s === top ? [i] : []))
  return top > 0 && leaders.length === 1 ? `won:${leaders[0]! + 1}` : 'tied'
}

/** Fewest voters whose removal changes the outcome (basic: passed <-> not passed), by every subset. */
function bruteDecisive(p: FixtureProposal): { outcome: string; decisive: number | null } {
  const now = outcomeOf(p, p.votes)
  if (now === 'quorum-failed' || now === 'tied') return { outcome: now, decisive: null }
  let best: number | null = null
  for (let mask = 1; mask < 1 << p.votes.length; mask++) {
    if (best !== null && popcount(mask) >= best) continue
    const after = outcomeOf(p, p.votes.filter((_, i) => !(mask & (1 << i))))
    if (p.type === 'basic' ? (now === 'passed') !== (after === 'passed') : after !== now) best = popcount(mask)
  }
  return { outcome: now, decisive: best }
}

describe('decisive --source snapshot', () => {
  test('single-choice and basic equal brute force over subsets of voters; other types are labelled bounds', async () => {
    const run = await cli(['decisive', 'snap', '--source', 'snapshot', '--format', 'json', '--db', db])
    expect(run.code, run.stderr).toBe(0)
    const out = json(run)
    const byId = new Map(out.proposals.map((p: any) => [p.id, p]))
    expect(out.proposals).toHaveLength(7)
    for (const p of [...singles, basic]) {
      const got = byId.get(p.id) as any
      const e = bruteDecisive(p)
      const winner = e.outcome.startsWith('won:') ? Number(e.outcome.slice(4)) : null
      expect(got).toMatchObject({ source: 'snapshot', type: p.type, decisive: e.decisive, exact: true, assessed: true, note: expect.stringMatching(FLOAT_NOTE) })
      expect(got.outcome).toBe(winner === null ? e.outcome : 'won')
      if (winner !== null) expect(got.winnerChoice).toBe(p.choices[winner - 1])
      expect(got.decisiveVoters).toHaveLength(e.decisive ?? 0)
      // The set it names does flip the outcome.
      if (e.decisive !== null) {
        const gone = new Set(got.decisiveVoters)
        expect(outcomeOf(p, p.votes.filter((v) => !gone.has(v.voter)))).not.toBe(e.outcome)
      }
    }
    // Not vacuous: decided proposals, one whale-decided, one not.
    const decided = [...singles, basic].map(bruteDecisive).filter((e) => e.decisive !== null)
    expect(decided.length).toBeGreaterThanOrEqual(3)
    expect(decided.some((e) => e.decisive === 1)).toBe(true)
    expect(decided.some((e) => e.decisive! > 1)).toBe(true)

    expect(byId.get('0xr1')).toMatchObject({ type: 'ranked-choice', outcome: 'won', winnerChoice: 'C', scores: [40, 0, 60, 0], decisive: 1, exact: true })
    expect(byId.get('0xa1')).toMatchObject({ type: 'approval', outcome: 'won', winnerChoice: 'B', scores: [13, 14, 4], anomalies: 1, voters: 3 })
    expect(byId.get('0xp1')).toMatchObject({ outcome: 'pending', decisive: null, whaleDecided: false })
    // The share counts decided proposals only (the open one is left out).
    const whale = out.proposals.filter((p: any) => p.whaleDecided).length
    expect(out).toMatchObject({ decided: 6, whaleDecided: whale })

    const table = await cli(['decisive', 'snap', '--source', 'snapshot', '--db', db])
    expect(table.stdout).toMatch(FLOAT_NOTE)
    expect(table.stdout).toMatch(/greedy upper bound/)
    const rule = await cli(['decisive', 'snap', '--source', 'snapshot', '--rule', 'bravo', '--db', db])
    expect(rule.code).toBe(2)
    expect(rule.stderr).toMatch(/Snapshot proposals are counted by their own type/)
  })
})

test('nakamoto --proposal: votes cast as the hub\'s decimals, equal to brute force, marked as floats', async () => {
  const p = singles[0]!
  const run = await cli(['nakamoto', 'snap', '--proposal', p.id, '--format', 'json', '--db', db])
  expect(run.code, run.stderr).toBe(0)
  const out = json(run)
  // vp in quarters: two decimals, so weights are vp × 100.
  const weights = p.votes.map((v) => BigInt(v.vp * 100))
  const total = weights.reduce((a, b) => a + b, 0n)
  expect(out).toMatchObject({ source: 'snapshot', basis: 'votes', denominator: 'votes-cast', scale: 2, total: total.toString(), nakamoto: bruteNakamoto(weights, total) })
  expect(out.note).toMatch(FLOAT_NOTE)
  const wrong = await cli(['nakamoto', 'snap', '--proposal', p.id, '--denominator', 'total-voting-power', '--db', db])
  expect(wrong.code).toBe(2)
  expect(wrong.stderr).toMatch(/Snapshot proposal: its vp is the space's strategy score/)
  const ranked = json(await cli(['nakamoto', 'snap', '--proposal', '0xr1', '--format', 'json', '--db', db]))
  expect(ranked).toMatchObject({ total: '100', nakamoto: 2 }) // 40 + 30 > 50
})

test('check --max-whale-decided on Snapshot proposals: the same assessment as decisive', async () => {
  const decisive = json(await cli(['decisive', 'snap', '--source', 'snapshot', '--format', 'json', '--db', db]))
  const run = await cli(['check', 'snap', '--max-whale-decided', '0', '--source', 'snapshot', '--format', 'json', '--db', db])
  expect(run.code).toBe(1) // some proposal is whale-decided
  const check = json(run).checks.find((c: any) => c.name === 'max-whale-decided')
  expect(check).toMatchObject({ decided: decisive.decided, whaleDecided: decisive.whaleDecided, snapshot: { assessed: 6 } })
  const one = await cli(['check', 'snap', '--max-whale-decided', '1', '--proposal', singles[1]!.id, '--db', db])
  expect(one.code, one.stderr).toBe(0)
  expect(one.stdout).toMatch(FLOAT_NOTE)
  expect(fs.existsSync(db)).toBe(true)
})
