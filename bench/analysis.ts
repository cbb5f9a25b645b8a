/**
 * The analysis benchmark (issue 6, "Performance"): the three targets measured side by side
 * in one run, on seeded synthetic data, printed as one table with sizes, times and the
 * ratio to each target.
 *
 *   holders   a fresh SQLite file (real schema, openDb) with one indexed DAO holding
 *             1,000,000 `balance` rows and 1,000,000 `voting_power` rows (Zipf-ish
 *             uint256 amounts), closed and reopened read-only as a CLI run would; per
 *             basis: resolveWeights (the store read) + nakamoto + concentration < 1 s,
 *             with the three parts shown apart, and again with one ranking shared by
 *             both metrics (weightOrder, passed to each as `ranking`). End to end as the CLI runs them, against
 *             the same target: measureNakamoto and measureConcentration (src/cli/measures.ts:
 *             open + read + labels + metric, as `govaudit nakamoto` / `concentration`), each alone
 *             and the sum of the two (two commands read the store twice). For reference (no
 *             target, one run): balancesAt a past block through balance_checkpoint (2
 *             checkpoints per holder).
 *   decisive  1,000 proposals, 500,000 vote rows (Zipf-ish voter weights, mixed supports,
 *             a few fractional voters, some with two rows): decisive per proposal +
 *             summarizeDecisive < 1 s.
 *   banzhaf   10,000 voters whose weights (whole tokens, gcd 10^18) admit the DP on the
 *             exact game: banzhaf < 5 s. The method the result reports is printed.
 *
 * Each timed step runs BENCH_REPS times (default 3), each after a full GC, and the median
 * wall time is compared with the target; the median process CPU time is shown beside it
 * (on a busy machine it is the closer figure). It exits non-zero only when something
 * fails to run or returns an impossible result, never for a missed target.
 *
 * Run: npx tsc -p tsconfig.bench.json && node dist-bench/bench/analysis.js
 * Environment: BENCH_REPS (3), BENCH_SEED (1), BENCH_HOLDERS (1000000),
 * BENCH_PROPOSALS (1000), BENCH_VOTES (500000), BENCH_VOTERS (10000), BENCH_TMP (os.tmpdir()),
 * BENCH_ONLY (holders,decisive,banzhaf: a comma list of the parts to run).
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import v8 from 'node:v8'
import vm from 'node:vm'
import { openDb, type Db } from '../src/store/db.js'
import { findDao, insertDao, setCursor, type Dao } from '../src/store/daos.js'
import { toWord } from '../src/store/amount.js'
import { TOKEN_STREAM } from '../src/store/tokenLedger.js'
import { resolveWeights } from '../src/store/weights.js'
import { balancesAt } from '../src/store/tokenQueries.js'
import { ADDRESS_PARAM } from '../src/store/tokenColumns.js'
import { nakamoto, type NakamotoResult } from '../src/analysis/nakamoto.js'
import { concentration, type ConcentrationResult } from '../src/analysis/concentration.js'
import { weightOrder } from '../src/analysis/weightOrder.js'
import { sizeOf } from '../src/analysis/population.js'
import { decisive, summarizeDecisive, type DecisiveResult } from '../src/analysis/decisive.js'
import { rules, type CountingRule } from '../src/analysis/rules/index.js'
import { banzhaf, banzhafQuota, type BanzhafResult } from '../src/analysis/banzhaf.js'
import { mulberry32 } from '../src/analysis/mulberry32.js'
import { HALF } from '../src/analysis/ratio.js'
import { measureConcentration, measureNakamoto } from '../src/cli/measures.js'
import { NO_LABELS } from '../src/config/labelsFile.js'
import type { Vote } from '../src/analysis/vote.js'
import type { Weighted } from '../src/analysis/weights.js'
import { positiveIntEnv } from './env.js'

const REPS = positiveIntEnv('BENCH_REPS', 3)
const SEED = positiveIntEnv('BENCH_SEED', 1)
const HOLDERS = positiveIntEnv('BENCH_HOLDERS', 1_000_000)
const PROPOSALS = positiveIntEnv('BENCH_PROPOSALS', 1_000)
const VOTES = positiveIntEnv('BENCH_VOTES', 500_000)
const VOTERS = positiveIntEnv('BENCH_VOTERS', 10_000)
const TMP = process.env.BENCH_TMP || os.tmpdir()
const ONLY = new Set((process.env.BENCH_ONLY || 'holders,decisive,banzhaf').split(','))

/** Targets in milliseconds. */
const TARGET = { holders: 1000, decisive: 1000, banzhaf: 5000 }

const TOKEN = 10n ** 18n
const START_BLOCK = 1_000
const PAST_BLOCK = 2_000 // every holder's first checkpoint is before it, the second after it
const CURSOR = 3_000
const BATCH = 200

// ---------------------------------------------------------------- helpers

type Rng = { u32: () => number; unit: () => number; int: (n: number) => number }

function rng(seed: number): Rng {
  const next = mulberry32(seed)
  const unit = () => next() / 2 ** 32
  return { u32: next, unit, int: (n) => Math.floor(unit() * n) }
}

const hex8 = (x: number) => (x >>> 0).toString(16).padStart(8, '0')

/** `count` distinct lowercase addresses: 128 random bits and the index (so no collisions). */
function addresses(r: Rng, count: number): string[] {
  const out = new Array<string>(count)
  for (let i = 0; i < count; i++) out[i] = `0x${hex8(r.u32())}${hex8(r.u32())}${hex8(r.u32())}${hex8(r.u32())}${hex8(i)}`
  return out
}

/**
 * A Zipf-ish amount for rank r (1-based): about top / r^s whole tokens, times a random
 * factor in [0.5, 1.5), plus random wei below 2^40 so every amount is a full-precision
 * uint256 (no common divisor, sums far beyond 2^53).
 */
function zipfAmount(r: Rng, rank: number, top: number, s: number): bigint {
  const tokens = Math.max(1, Math.floor((top / rank ** s) * (0.5 + r.unit())))
  return BigInt(tokens) * TOKEN + BigInt(r.u32()) * 256n + BigInt(r.int(256))
}

/** Shuffled copy: ranks land on random addresses. */
function shuffle<T>(r: Rng, xs: T[]): T[] {
  const a = [...xs]
  for (let i = a.length - 1; i > 0; i--) {
    const j = r.int(i + 1)
    ;[a[i], a[j]] = [a[j]!, a[i]!]
  }
  return a
}

const now = () => performance.now()

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/**
 * A full garbage collection, so every timed repetition starts from a heap holding only
 * its input, like a fresh `govaudit` process (not the garbage of the repetition before).
 * `--expose-gc` is set at run time; if that stops working the bench runs without it and
 * says so.
 */
const collect: (() => void) | undefined = (() => {
  v8.setFlagsFromString('--expose-gc')
  const gc: unknown = vm.runInNewContext('typeof gc === "function" ? gc : undefined')
  return typeof gc === 'function' ? (gc as () => void) : undefined
})()

/** Wall-clock and process CPU time (all threads: GC helpers count) of one step, ms. */
type Timing = { wall: number; cpu: number }

/**
 * Runs `fn` `reps` times (default REPS), each after a full GC; returns per named step the median wall and
 * the median CPU time, and the last repetition's value. A step named more than once in a
 * repetition is summed; `total` is the sum of all steps of a repetition.
 */
function repeat<T>(fn: (time: <U>(step: string, f: () => U) => U) => T, reps = REPS): { steps: Map<string, Timing>; value: T } {
  const samples = new Map<string, Timing[]>()
  let value: T | undefined
  for (let rep = 0; rep < reps; rep++) {
    value = undefined
    collect?.()
    const these = new Map<string, Timing>()
    value = fn((step, f) => {
      const t0 = now()
      const c0 = process.cpuUsage()
      const out = f()
      const c = process.cpuUsage(c0)
      const t = { wall: now() - t0, cpu: (c.user + c.system) / 1000 }
      for (const key of [step, 'total']) {
        const prev = these.get(key) ?? { wall: 0, cpu: 0 }
        these.set(key, { wall: prev.wall + t.wall, cpu: prev.cpu + t.cpu })
      }
      return out
    })
    for (const [key, t] of these) samples.set(key, [...(samples.get(key) ?? []), t])
  }
  const medians = [...samples].map(([key, ts]): [string, Timing] => [key, { wall: median(ts.map((t) => t.wall)), cpu: median(ts.map((t) => t.cpu)) }])
  return { steps: new Map(medians), value: value as T }
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const ms = (x: number) => `${fmt(x)} ms`
const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024)} MB`
const peakRss = () => process.resourceUsage().maxRSS * 1024

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`bench sanity check failed: ${what}`)
}

// ---------------------------------------------------------------- report table

type Row = { measure: string; size: string; time: Timing; target?: number; note?: string }
const rows: Row[] = []

/** The verdict compares the median wall time with the target; CPU time is shown beside it for a busy machine. */
function printTable(): void {
  const head = ['measure', 'size', 'wall', 'cpu', 'target', 'ratio', 'verdict / note']
  const body = rows.map((r) => [
    r.measure,
    r.size,
    ms(r.time.wall),
    ms(r.time.cpu),
    r.target === undefined ? '' : `< ${ms(r.target)}`,
    r.target === undefined ? '' : fmt(r.time.wall / r.target, 2),
    r.target === undefined ? (r.note ?? '') : `${r.time.wall < r.target ? 'target met' : 'target MISSED'}${r.note ? `; ${r.note}` : ''}`,
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)))
  const line = (cells: string[]) =>
    cells.map((c, i) => (i >= 2 && i <= 5 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join('  ').trimEnd()
  console.log(line(head))
  console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  for (const b of body) console.log(line(b))
}

// ---------------------------------------------------------------- 1. holders from SQLite

type HolderDb = { file: string; dir: string; daoName: string; checkpoints: number; buildMs: number; bytes: number }

function buildHolderDb(): HolderDb {
  const t0 = now()
  const dir = fs.mkdtempSync(path.join(TMP, 'govaudit-bench-analysis-'))
  const file = path.join(dir, 'bench.db')
  const db = openDb({ path: file, create: true })
  const daoName = 'bench'
  const r = rng(SEED)
  let checkpoints = 0
  try {
    const dao = insertDao(db, { name: daoName, chainId: 1, token: '0x5afe000000000000000000000000000000c0ffee', tokenStandard: 'erc20', startBlock: START_BLOCK })
    // Holders and delegates: distinct random addresses, inserted in key order (the B-tree
    // appends, as the indexer's inserts mostly do); amounts by shuffled Zipf rank.
    const holders = addresses(r, HOLDERS).sort()
    const delegates = addresses(r, HOLDERS).sort()
    const holderRanks = shuffle(r, Array.from({ length: HOLDERS }, (_, i) => i + 1))
    const delegateRanks = shuffle(r, Array.from({ length: HOLDERS }, (_, i) => i + 1))
    // Multi-row INSERTs (BATCH rows a statement): the build is setup, not measured.
    // Addresses and amounts go in as text and are stored as bytes (schema v5), as the indexer's are.
    const stored = (column: string) => (column === 'dao_id' || column === 'block_number' || column === 'log_index' ? '?' : column === 'holder' || column === 'delegate' ? ADDRESS_PARAM : 'unhex(?)')
    const insert = (table: string, columns: string[], count: number, row: (i: number) => (string | number)[]) => {
      const values = `(${columns.map(stored).join(', ')})`
      const sql = (k: number) => `INSERT INTO ${table} (${columns.join(', ')}) VALUES ${Array(k).fill(values).join(', ')}`
      const full = db.prepare(sql(BATCH))
      for (let i = 0; i < count; i += BATCH) {
        const k = Math.min(BATCH, count - i)
        const args: (string | number)[] = []
        for (let j = i; j < i + k; j++) args.push(...row(j))
        ;(k === BATCH ? full : db.prepare(sql(k))).run(args)
      }
    }
    db.transaction(() => {
      const finals = new Array<string>(HOLDERS)
      insert('balance', ['dao_id', 'holder', 'balance'], HOLDERS, (i) => {
        finals[i] = toWord(zipfAmount(r, holderRanks[i]!, 5e7, 1.05))
        return [dao.id, holders[i]!, finals[i]!]
      })
      // Two checkpoints per holder: an earlier balance before PAST_BLOCK (another holder's
      // final one, a fixed permutation: no new amount to make), then the final balance
      // after PAST_BLOCK, copied by SQL with a block derived from the address.
      insert('balance_checkpoint', ['dao_id', 'holder', 'block_number', 'log_index', 'balance'], HOLDERS, (i) => [
        dao.id, holders[i]!, START_BLOCK + r.int(PAST_BLOCK - START_BLOCK), r.int(300), finals[(i * 7919 + 13) % HOLDERS]!,
      ])
      db.prepare(
        `INSERT INTO balance_checkpoint (dao_id, holder, block_number, log_index, balance)
         SELECT dao_id, holder, ? + (unicode(lower(substr(hex(holder), 39, 1))) * 131 + unicode(lower(substr(hex(holder), 40, 1))) * 7) % ?, 0, balance
         FROM balance WHERE dao_id = ?`,
      ).run(PAST_BLOCK + 1, CURSOR - PAST_BLOCK, dao.id)
      checkpoints = 2 * HOLDERS
      insert('voting_power', ['dao_id', 'delegate', 'votes'], HOLDERS, (i) => [dao.id, delegates[i]!, toWord(zipfAmount(r, delegateRanks[i]!, 5e7, 1.15))])
      setCursor(db, dao.id, TOKEN_STREAM, CURSOR)
    })()
  } finally {
    db.close()
  }
  return { file, dir, daoName, checkpoints, buildMs: now() - t0, bytes: fs.statSync(file).size }
}

/** What a repetition keeps: the count read, not the weights (a million of them alive would slow the next GC-timed steps). */
type HolderFigures = { holders: number; nakamoto: NakamotoResult; concentration: ConcentrationResult }

function benchHolders(built: HolderDb): void {
  // A fresh read-only handle, as a CLI run opens it (the OS page cache is warm from the build).
  const db: Db = openDb({ path: built.file, create: false })
  try {
    const dao: Dao = findDao(db, built.daoName)!
    const size = `${fmt(HOLDERS)} holders`
    for (const basis of ['balance', 'voting-power'] as const) {
      const { steps, value } = repeat((time): HolderFigures => {
        const weights = time('read', () => resolveWeights(db, dao, { basis }))
        const k = time('nakamoto', () => nakamoto({ weights: weights.weights }))
        const c = time('concentration', () => concentration({ weights: weights.weights }))
        return { holders: sizeOf(weights.weights), nakamoto: k, concentration: c }
      })
      check(value.holders === HOLDERS, `${basis}: read ${value.holders} of ${HOLDERS} rows`)
      check(value.nakamoto.k !== null && value.nakamoto.population === HOLDERS, `${basis}: nakamoto k ${value.nakamoto.k}`)
      check(value.concentration.population === HOLDERS, `${basis}: concentration population`)
      rows.push({ measure: `${basis}: read + nakamoto + concentration`, size, time: steps.get('total')!, target: TARGET.holders })
      rows.push({ measure: `  store read (resolveWeights)`, size, time: steps.get('read')! })
      rows.push({ measure: `  nakamoto`, size, time: steps.get('nakamoto')!, note: `k = ${value.nakamoto.k}` })
      rows.push({
        measure: `  concentration`,
        size,
        time: steps.get('concentration')!,
        note: `gini ${fmt(value.concentration.gini, 3)}, hhi ${fmt(value.concentration.hhi, 1)}`,
      })
      // Both metrics on one population, as a caller measuring both can run them: one full
      // ranking (weightOrder) shared by nakamoto and concentration instead of one each.
      const shared = repeat((time): HolderFigures => {
        const weights = time('read', () => resolveWeights(db, dao, { basis }))
        const ranking = time('rank', () => weightOrder(weights.weights))
        const k = time('nakamoto', () => nakamoto({ weights: weights.weights, ranking }))
        const c = time('concentration', () => concentration({ weights: weights.weights, ranking }))
        return { holders: sizeOf(weights.weights), nakamoto: k, concentration: c }
      })
      check(
        shared.value.nakamoto.k === value.nakamoto.k &&
          shared.value.nakamoto.topWeight === value.nakamoto.topWeight &&
          shared.value.concentration.giniExact.num === value.concentration.giniExact.num &&
          shared.value.concentration.hhiExact.num === value.concentration.hhiExact.num &&
          shared.value.concentration.entropy === value.concentration.entropy,
        `${basis}: a shared ranking changed a figure`,
      )
      rows.push({
        measure: `${basis}: the same, one shared ranking`,
        size,
        time: shared.steps.get('total')!,
        target: TARGET.holders,
        note: `read ${ms(shared.steps.get('read')!.wall)}, weightOrder ${ms(shared.steps.get('rank')!.wall)}, nakamoto ${ms(shared.steps.get('nakamoto')!.wall)}, concentration ${ms(shared.steps.get('concentration')!.wall)}`,
      })
    }
    // End to end as the two commands compose it (src/cli/measures.ts, labels as with no
    // --labels). Each command is its own process and reads the store itself, so each is
    // timed alone (its own repetitions, each after a full GC) and "both" is their sum.
    // Each repetition opens its own handle, as a command does (timed with it): a handle
    // that read the population before holds its pages in SQLite's cache, which a command's
    // one read does not find. Only the timing is kept: a command's report (a million
    // weights) must not stay alive while the other command runs, as it would not in a
    // separate process.
    const command = (what: string, run: (db: Db, dao: Dao) => { result: { population: number } }): Timing => {
      const { steps, value } = repeat((time) =>
        time('command', () => {
          const fresh = openDb({ path: built.file, create: false })
          try {
            return run(fresh, findDao(fresh, built.daoName)!)
          } finally {
            fresh.close()
          }
        }),
      )
      check(value.result.population === HOLDERS, `${what}: population ${value.result.population}`)
      return steps.get('command')!
    }
    for (const basis of ['balance', 'voting-power'] as const) {
      const kt = command(`${basis} measureNakamoto`, (db, dao) => measureNakamoto(db, dao, { basis, threshold: HALF }, NO_LABELS))
      const ct = command(`${basis} measureConcentration`, (db, dao) => measureConcentration(db, dao, { basis }, NO_LABELS))
      const both = { wall: kt.wall + ct.wall, cpu: kt.cpu + ct.cpu }
      rows.push({ measure: `${basis}, as the CLI: nakamoto + concentration commands`, size, time: both, target: TARGET.holders, note: 'sum of the two commands: two store reads' })
      rows.push({ measure: '  measureNakamoto (read + labels + nakamoto)', size, time: kt, target: TARGET.holders, note: 'one command' })
      rows.push({ measure: '  measureConcentration (read + labels + concentration)', size, time: ct, target: TARGET.holders, note: 'one command' })
    }
    // Historical: balances at a past block, from balance_checkpoint (no target in the issue).
    const past = repeat((time) => time('past', () => balancesAt(db, dao, PAST_BLOCK)), 1)
    check(past.value.weights.length === HOLDERS && past.value.blockNumber === PAST_BLOCK, `balancesAt(${PAST_BLOCK}) read ${past.value.weights.length} holders`)
    rows.push({
      measure: `balance at a past block (balancesAt)`,
      size: `${fmt(built.checkpoints)} checkpoints`,
      time: past.steps.get('past')!,
      note: `store read only; 1 run, no target; ${fmt(past.value.weights.length)} holders`,
    })
  } finally {
    db.close()
  }
}

// ---------------------------------------------------------------- 2. decisive

type Proposal = { votes: Vote[]; quorum: bigint; rule: CountingRule }

function buildProposals(): { proposals: Proposal[]; rows: number; fractionalRows: number } {
  const r = rng(SEED + 1)
  const pool = Math.max(VOTES / 2, 1000)
  const voters = addresses(r, pool)
  // Voting power by rank (index = rank − 1): ~10M tokens at the top, s = 1.1.
  const power = Array.from({ length: pool }, (_, i) => zipfAmount(r, i + 1, 1e7, 1.1))
  const supply = power.reduce((a, b) => a + b, 0n)
  const quorum = (supply * 4n) / 100n
  // Votes per proposal: heavy-tailed (a few with tens of thousands), summing to VOTES.
  const raw = Array.from({ length: PROPOSALS }, () => 1 / (0.02 + r.unit()) ** 1.2)
  const rawSum = raw.reduce((a, b) => a + b, 0)
  const counts = raw.map((x) => Math.max(1, Math.floor((x / rawSum) * VOTES)))
  let rest = VOTES - counts.reduce((a, b) => a + b, 0)
  for (let i = 0; rest > 0; i = (i + 1) % PROPOSALS, rest--) counts[i]!++
  for (let i = 0; rest < 0; i = (i + 1) % PROPOSALS) if (counts[i]! > 1) counts[i]!--, rest++

  const WHALES = 20
  const order = Array.from({ length: pool - WHALES }, (_, i) => i + WHALES) // non-whale ranks, partially shuffled per proposal
  const proposals: Proposal[] = []
  let rowsTotal = 0
  let fractionalRows = 0
  for (let p = 0; p < PROPOSALS; p++) {
    const forShare = 0.25 + 0.55 * r.unit() // per-proposal mood, so both outcomes occur
    const picked: number[] = []
    for (let w = 0; w < WHALES && picked.length < counts[p]!; w++) if (r.unit() < 0.35) picked.push(w)
    // The rest: a uniform random subset of the other voters (partial Fisher–Yates).
    for (let i = 0; picked.length < counts[p]!; i++) {
      const j = i + r.int(order.length - i)
      ;[order[i], order[j]] = [order[j]!, order[i]!]
      picked.push(order[i]!)
    }
    const votes: Vote[] = []
    for (const rank of picked) {
      // A two-row fractional voter takes the place of the last picked voter: rows stay exact.
      if (votes.length >= counts[p]!) break
      const voter = voters[rank]!
      const weight = power[rank]!
      if (votes.length < counts[p]! - 1 && r.unit() < 0.004) {
        // Fractional voter (support 255): splits its weight, sometimes over two rows.
        const a = (weight * BigInt(1 + r.int(99))) / 100n
        const b = ((weight - a) * BigInt(r.int(101))) / 100n
        const split = { voter, for: a, against: weight - a - b, abstain: b }
        if (r.unit() < 0.5) {
          votes.push({ voter, for: split.for, against: 0n, abstain: 0n }, { voter, for: 0n, against: split.against, abstain: split.abstain })
          fractionalRows += 2
        } else {
          votes.push(split)
          fractionalRows++
        }
        continue
      }
      const u = r.unit()
      const support = u < forShare ? 'for' : u < forShare + (1 - forShare) * 0.8 ? 'against' : 'abstain'
      votes.push({ voter, for: 0n, against: 0n, abstain: 0n, [support]: weight })
    }
    rowsTotal += votes.length
    proposals.push({ votes, quorum, rule: p % 4 === 3 ? rules.bravo : rules.ozSimple })
  }
  return { proposals, rows: rowsTotal, fractionalRows }
}

function benchDecisive(): void {
  const built = buildProposals()
  const { steps, value } = repeat((time) => {
    const results = time('decisive', () => built.proposals.map((p) => decisive({ votes: p.votes, quorum: p.quorum, rule: p.rule })))
    const summary = time('summary', () => summarizeDecisive({ results }))
    return { results, summary }
  })
  const outcomes = new Map<string, number>()
  for (const res of value.results as DecisiveResult[]) outcomes.set(res.outcome, (outcomes.get(res.outcome) ?? 0) + 1)
  check(value.results.every((res) => res.exact), 'a decisive count was not exact')
  rows.push({
    measure: 'decisive report (decisive each + summarizeDecisive)',
    size: `${fmt(PROPOSALS)} proposals, ${fmt(built.rows)} votes`,
    time: steps.get('total')!,
    target: TARGET.decisive,
    note: `${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')}; whale-decided ${value.summary.whaleDecided}/${value.summary.decided}; ${fmt(built.fractionalRows)} fractional rows`,
  })
}

// ---------------------------------------------------------------- 3. banzhaf

function benchBanzhaf(): void {
  const r = rng(SEED + 2)
  const voters = addresses(r, VOTERS)
  // Whole-token weights (gcd 10^18 after the smallest is forced to 1 token), Zipf-ish,
  // scaled so the effective quota is just under the default DP budget for 10,000 voters
  // (maxWork 3e9 / 10,000 = 300,000 states): the heaviest exact game the DP accepts.
  const units = Array.from({ length: VOTERS }, (_, i) => Math.max(1, Math.floor((1 / (i + 1) ** 0.9) * (0.5 + r.unit()) * 1e6)))
  units[VOTERS - 1] = 1
  const sumUnits = units.reduce((a, b) => a + b, 0)
  const budgetUnits = Math.min(Math.floor(3e9 / VOTERS), 2_000_000) * 2 - 2 // total whose half just fits the budget (maxWork / n, maxStates)
  const scale = sumUnits > budgetUnits ? budgetUnits / sumUnits : 1
  const weights: Weighted[] = voters.map((address, i) => ({ address, weight: BigInt(Math.max(1, Math.floor(units[i]! * scale))) * TOKEN }))
  const total = weights.reduce((a, w) => a + w.weight, 0n)
  const quota = banzhafQuota({ total })
  const { steps, value } = repeat((time) => time('banzhaf', () => banzhaf({ weights, quota })))
  const result = value as BanzhafResult
  check(result.indices.length === VOTERS, 'banzhaf index count')
  rows.push({
    measure: `banzhaf (method reported: ${result.method})`,
    size: `${fmt(VOTERS)} voters, ${fmt(result.states)} states`,
    time: steps.get('banzhaf')!,
    target: TARGET.banzhaf,
    note: `divisor 10^${result.divisor.toString().length - 1}, errorBound ${result.errorBound?.toExponential(1) ?? 'none (not exact)'}`,
  })
}

// ---------------------------------------------------------------- main

function main(): void {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  const load = () => os.loadavg().map((x) => fmt(x, 1)).join(' ')
  console.log(`govaudit analysis bench: node ${process.version}, ${os.cpus().length} CPUs (${cpu}), reps ${REPS}, seed ${SEED}`)
  console.log(`load average before: ${load()}; gc between repetitions: ${collect ? 'yes' : 'no (unavailable)'}`)
  if (os.loadavg()[0]! > os.cpus().length)
    console.log(`note: the machine is busy (load above ${os.cpus().length} CPUs): wall times are inflated; the cpu column is closer to a quiet run`)
  const t0 = now()
  if (ONLY.has('holders')) {
    const built = buildHolderDb()
    console.log(
      `built ${built.file}: ${fmt(HOLDERS)} balances, ${fmt(HOLDERS)} voting powers, ${fmt(built.checkpoints)} checkpoints, ${mb(built.bytes)} in ${ms(built.buildMs)} (peak RSS so far ${mb(peakRss())})`,
    )
    try {
      benchHolders(built)
    } finally {
      fs.rmSync(built.dir, { recursive: true, force: true })
    }
  }
  const afterHolders = peakRss()
  if (ONLY.has('decisive')) benchDecisive()
  if (ONLY.has('banzhaf')) benchBanzhaf()
  console.log('')
  printTable()
  console.log('')
  console.log(`peak RSS ${mb(peakRss())} (${mb(afterHolders)} by the end of the holders part); whole bench ${fmt((now() - t0) / 1000, 1)} s; load average after: ${load()}`)
}

try {
  main()
} catch (error) {
  console.error(error)
  process.exitCode = 1
}
