/**
 * A DAO built only from CSV files (no chain): 12 holders with large random weights, votes
 * on five proposals and a labels file, written to a temp dir and imported with the CLI.
 * The in-memory rows are what the tests compute expected numbers from.
 */
import fs from 'node:fs'
import path from 'node:path'
import { expect } from 'vitest'
import { addr, cli, prng, tmpDir, writeCsv } from './harness.js'
import type { W } from './brute.js'

export type VoteRow = { proposalId: string; voter: string; support: 0 | 1 | 2; weight: bigint }
export type LabelSpec = { label: string; entity?: string; exclude?: boolean }

export type Fixture = {
  dir: string
  db: string
  dao: string
  holders: W[]
  votes: VoteRow[]
  proposals: string[]
  labelsFile: string
  labels: Map<string, LabelSpec>
}

export const SUPPORT_WORDS = ['against', 'for', 'abstain'] as const

/** The rows of the fixture, purely: the same seed gives the same DAO. */
export function fixtureRows(seed: number): Pick<Fixture, 'holders' | 'votes' | 'proposals' | 'labels'> {
  const r = prng(seed)
  // Weights around 10^18..10^21 (token units), one holder at 0 (never in a population).
  const holders: W[] = Array.from({ length: 12 }, (_, i) => ({
    address: addr(i),
    weight: i === 11 ? 0n : BigInt(1 + r(1000)) * 10n ** 18n + BigInt(r(10 ** 6)),
  }))
  const proposals = ['1', '2', '3', '7', '12'] // 7 before 12: ids sort numerically
  const votes: VoteRow[] = []
  for (const [p, id] of proposals.entries()) {
    // Proposal 1 always has the labelled addresses 0..3 voting; others a random subset.
    const voters = p === 0 ? [0, 1, 2, 3, 4, 5] : [...Array(11).keys()].filter(() => r(2) === 0).slice(0, 8)
    if (voters.length < 3) voters.push(8, 9, 10)
    for (const i of new Set(voters)) votes.push({ proposalId: id, voter: addr(i), support: r(3) as 0 | 1 | 2, weight: BigInt(1 + r(1000)) })
  }
  // A split (fractional-style) vote: voter 4 on proposal 1 also votes the other way.
  const first = votes.find((v) => v.proposalId === '1' && v.voter === addr(4))!
  votes.push({ proposalId: '1', voter: addr(4), support: ((first.support + 1) % 3) as 0 | 1 | 2, weight: BigInt(1 + r(500)) })

  const labels = new Map<string, LabelSpec>([
    [addr(0), { label: 'hot wallet', entity: 'cex' }],
    [addr(1), { label: 'cold wallet', entity: 'cex' }],
    [addr(2), { label: 'treasury', exclude: true }],
    [addr(3), { label: 'alice' }],
  ])
  return { holders, votes, proposals, labels }
}

export async function makeFixture(seed: number, dao = 'csvdao'): Promise<Fixture> {
  const { holders, votes, proposals, labels } = fixtureRows(seed)
  const dir = tmpDir()
  const db = path.join(dir, 'gov.db')
  const labelsFile = path.join(dir, 'labels.csv')
  fs.writeFileSync(
    labelsFile,
    ['address,label,entity,exclude', ...[...labels].map(([a, l]) => `${a},${l.label},${l.entity ?? ''},${l.exclude ? 'true' : ''}`)].join('\n'),
  )
  const holdersFile = writeCsv(path.join(dir, 'holders.csv'), 'address,weight', holders.map((h) => [h.address, h.weight]))
  const votesFile = writeCsv(
    path.join(dir, 'votes.csv'),
    'proposal_id,voter,support,weight',
    // support written both as words and as numbers
    votes.map((v, i) => [v.proposalId, v.voter, i % 2 ? SUPPORT_WORDS[v.support] : v.support, v.weight]),
  )
  const run = await cli(['import', dao, '--holders', holdersFile, '--votes', votesFile, '--db', db])
  expect(run, run.stderr).toMatchObject({ code: 0, stdout: '' })
  return { dir, db, dao, holders, votes, proposals, labelsFile, labels }
}

/** Per-voter totals cast on one proposal. */
export function castWeights(votes: readonly VoteRow[], proposalId: string): W[] {
  const m = new Map<string, bigint>()
  for (const v of votes) if (v.proposalId === proposalId) m.set(v.voter, (m.get(v.voter) ?? 0n) + v.weight)
  return [...m].map(([address, weight]) => ({ address, weight }))
}

export const sum = (ws: readonly W[]) => ws.reduce((a, w) => a + w.weight, 0n)
