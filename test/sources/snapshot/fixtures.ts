/** Synthetic Snapshot fixtures for the loopback hub: deterministic, no clock, no Math.random. */
import { mulberry32 } from '../../../src/analysis/mulberry32.js'
import type { FixtureProposal, FixtureVote } from '../../helpers/snapshotHub.js'

/** A small deterministic PRNG: uniform floats in [0, 1) from the shared mulberry32. */
export function prng(seed: number): () => number {
  const next = mulberry32(seed)
  return () => next() / 4294967296
}

const hex = (n: number, width = 40) => `0x${n.toString(16).padStart(width, '0')}`

/**
 * A single-choice proposal with `count` votes whose `created` seconds are clustered:
 * `burstSize` votes in one second at the start (more than a page), then runs of up to 40
 * votes per second. Scores are the per-choice sums as the hub computes them.
 */
export function bigProposal({ id, space, count, start, burstSize, seed }: { id: string; space: string; count: number; start: number; burstSize: number; seed: number }): FixtureProposal {
  const rand = prng(seed)
  const votes: FixtureVote[] = []
  let t = start + 1
  for (let i = 0; i < count; i++) {
    if (i >= burstSize && rand() < 0.05) t += 1 + Math.floor(rand() * 3)
    const vp = Math.round(rand() * 1e6) / 100
    votes.push({ id: `${id}-v${String(i).padStart(6, '0')}`, voter: hex(i + 1), choice: 1 + Math.floor(rand() * 3), vp, created: t })
  }
  return withHubScores({
    id,
    space,
    title: `Big proposal ${id}`,
    author: hex(999),
    type: 'single-choice',
    choices: ['A', 'B', 'C'],
    created: start,
    start,
    end: t + 100,
    snapshot: 123456,
    state: 'closed',
    scores: [],
    scores_total: 0,
    quorum: 0,
    votes,
  })
}

/** Fill `scores` and `scores_total` as the hub would for single-choice/basic. */
export function withHubScores(p: FixtureProposal): FixtureProposal {
  const scores = p.choices.map(() => 0)
  let total = 0
  for (const v of p.votes) {
    scores[(v.choice as number) - 1]! += v.vp
    total += v.vp
  }
  return { ...p, scores, scores_total: total }
}

export function smallProposal({ id, space, created, state = 'closed', voters = 5 }: { id: string; space: string; created: number; state?: string; voters?: number }): FixtureProposal {
  const votes: FixtureVote[] = Array.from({ length: voters }, (_, i) => ({
    id: `${id}-v${i}`,
    voter: hex(i + 1),
    choice: 1 + (i % 2),
    vp: 10 * (i + 1) + 0.5,
    created: created + 10 + i,
  }))
  return withHubScores({
    id,
    space,
    title: `Proposal ${id}`,
    author: hex(7),
    type: 'basic',
    choices: ['For', 'Against', 'Abstain'],
    created,
    start: created,
    end: created + 86_400,
    snapshot: 100,
    state,
    scores: [],
    scores_total: 0,
    quorum: 1,
    votes,
  })
}
