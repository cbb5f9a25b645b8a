/**
 * `npm run bench`: the ingest benchmark (issue "Performance").
 *
 * Two scenarios, each served from memory by the loopback JSON-RPC node in a child process:
 *
 *   token      a simulated ERC20Votes token (test/helpers/tokenSimulation.ts, >= 1,000,000
 *              logs by default);
 *   governor   the same token with an OpenZeppelin governor voting with it
 *              (test/helpers/governorSimulation.ts: 2,000 proposals, ~500,000 votes by
 *              default), indexed in the same pass as the token.
 *
 * In each, side by side and alternating, each run in a fresh child process:
 *
 *   govaudit   indexDao end to end into a fresh SQLite file on disk (temp dir);
 *   bare       fetch + JSON.parse of the SAME eth_getLogs ranges (the ones govaudit asked
 *              for in the same repetition) at the same concurrency: the floor;
 *   fetchLogs  govaudit's fetch layer alone (fetch, read and check the logs from the bytes), for attribution.
 *
 * It prints medians, the ratio govaudit / bare, peak RSS, and the targets. It exits
 * non-zero only when a run fails or indexes wrong data (event count, row counts, or the
 * indexer's voting-power check), never for a missed target.
 *
 * The machine has 2 cores: the node process runs beside the client in every variant. Its
 * CPU time is measured and shown (it serves pre-serialized bytes, so it is small), and
 * it is the same work for all variants, so the ratio compares like with like.
 *
 * Environment: BENCH_EVENTS (default 1000000), BENCH_REPS (3), BENCH_CONCURRENCY (4),
 * BENCH_SEED (1), BENCH_TMP (os.tmpdir()), BENCH_SCENARIOS (token,governor),
 * BENCH_PROPOSALS (2000), BENCH_VOTES (500000).
 */
import { fork, type ChildProcess } from 'node:child_process'
import os from 'node:os'
import fs from 'node:fs'
import type { RunMode, RunResult, RunSetup, ServerCpu, ServerReady, ServerSetup } from './protocol.js'
import { positiveIntEnv } from './env.js'

const TARGET = { eventsPerSecond: 300_000, ratio: 1.15, rssBytes: 500 * 1024 * 1024 }

const EVENTS = positiveIntEnv('BENCH_EVENTS', 1_000_000)
const REPS = positiveIntEnv('BENCH_REPS', 3)
const CONCURRENCY = positiveIntEnv('BENCH_CONCURRENCY', 4)
const SEED = positiveIntEnv('BENCH_SEED', 1)
const TMP = process.env.BENCH_TMP || os.tmpdir()
const PROPOSALS = positiveIntEnv('BENCH_PROPOSALS', 2_000)
const VOTES = positiveIntEnv('BENCH_VOTES', 500_000)
const SCENARIOS = (process.env.BENCH_SCENARIOS || 'token,governor').split(',').map((x) => x.trim())
for (const x of SCENARIOS) if (x !== 'token' && x !== 'governor') throw new Error(`BENCH_SCENARIOS lists token and/or governor; got "${x}"`)
const TOKEN = '0x5afe000000000000000000000000000000c0ffee'
const GOVERNOR = '0x90e0000000000000000000000000000000c0ffee'
const CHAIN_ID = 1

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const mb = (bytes: number) => `${fmt(bytes / 1024 / 1024)} MB`
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

/** Start the node process and wait for it to serve. */
function startServer(governor: boolean): Promise<{ child: ChildProcess; ready: ServerReady }> {
  const setup: ServerSetup = {
    token: TOKEN,
    events: EVENTS,
    seed: SEED,
    chainId: CHAIN_ID,
    ...(governor ? { governor: { address: GOVERNOR, proposals: PROPOSALS, votes: VOTES } } : {}),
  }
  // The simulated logs and their JSON take ~1.5 GB per million logs.
  const child = fork(new URL('./logServerProcess.js', import.meta.url), [JSON.stringify(setup)], {
    execArgv: ['--max-old-space-size=8192'],
  })
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ child, ready: m as ServerReady }))
    child.once('exit', (code) => reject(new Error(`the log server process exited with code ${code} before serving`)))
  })
}

/** The CPU model as /proc/cpuinfo names it (Linux), else as Node does. */
function cpuModel(): string {
  try {
    const model = fs.readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m)?.[1]
    if (model) return model.trim()
  } catch {
    // not Linux: os.cpus() below
  }
  return os.cpus()[0]?.model ?? 'unknown CPU'
}

let cpuRequest = 0
function serverCpuMicros(server: ChildProcess): Promise<number> {
  const id = ++cpuRequest
  return new Promise((resolve) => {
    const onMessage = (m: ServerCpu) => {
      if (m.type !== 'cpu' || m.id !== id) return
      server.off('message', onMessage)
      resolve(m.micros)
    }
    server.on('message', onMessage)
    server.send({ type: 'cpu', id })
  })
}

type Measured = RunResult & { serverCpuMicros: number }

async function runOnce(server: ChildProcess, setup: RunSetup): Promise<Measured> {
  const before = await serverCpuMicros(server)
  const result = await new Promise<RunResult>((resolve, reject) => {
    const child = fork(new URL('./ingestRun.js', import.meta.url), [JSON.stringify(setup)])
    let got: RunResult | undefined
    child.once('message', (m) => (got = m as RunResult))
    child.once('exit', (code) =>
      got && code === 0 ? resolve(got) : reject(new Error(`the ${setup.mode} run failed (exit code ${code}); see its output above`)),
    )
  })
  const after = await serverCpuMicros(server)
  return { ...result, serverCpuMicros: after - before }
}

type Summary = { scenario: string; events: number; govaudit: number; bare: number; ratio: number; rss: number }

async function main(): Promise<void> {
  const cpu = cpuModel()
  console.log(`govaudit ingest benchmark — ${os.availableParallelism()} cores, ${cpu}, Node ${process.version}`)
  const summaries: Summary[] = []
  for (const scenario of SCENARIOS) summaries.push(await runScenario(scenario === 'governor'))
  if (summaries.length > 1) {
    console.log(`\nside by side (medians):`)
    for (const x of summaries)
      console.log(
        `  ${x.scenario.padEnd(16)} ${fmt(x.events).padStart(10)} logs  govaudit ${fmt(x.govaudit / 1000, 2).padStart(6)} s  ` +
          `bare ${fmt(x.bare / 1000, 2).padStart(5)} s  ratio ${fmt(x.ratio, 3)}x  peak RSS ${mb(x.rss)}`,
      )
  }
}

async function runScenario(withGovernor: boolean): Promise<Summary> {
  const scenario = withGovernor ? 'token + governor' : 'token'
  const loadBefore = os.loadavg()[0]!
  console.log(
    `\n== ${scenario} ==\nsimulating ${fmt(EVENTS)}+ token events${withGovernor ? ` and a governor with ${fmt(PROPOSALS)} proposals and ~${fmt(VOTES)} votes` : ''} (seed ${SEED}) in the log server process...`,
  )
  const { child: server, ready } = await startServer(withGovernor)
  const c = ready.counts
  const g = ready.governor
  console.log(
    `  ${fmt(ready.events)} logs: ${fmt(c.transfers)} transfers, ${fmt(c.mints)} mints, ${fmt(c.burns)} burns, ` +
      `${fmt(c.delegateChanged)} DelegateChanged, ${fmt(c.delegateVotesChanged)} DelegateVotesChanged in ${fmt(c.transactions)} txs, ` +
      (g ? `${fmt(g.proposals)} ProposalCreated, ${fmt(g.votes)} VoteCast, ` : '') +
      `blocks ${fmt(ready.firstBlock)}..${fmt(ready.lastBlock)} (generated in ${fmt(ready.generatedMs / 1000, 1)} s, serving after ${fmt(ready.servingFromMs / 1000, 1)} s)`,
  )
  console.log(`  ${REPS} repetitions of govaudit / bare / fetchLogs, alternating, each in a fresh process; concurrency ${CONCURRENCY}`)

  const base = {
    url: ready.url,
    token: TOKEN,
    chainId: CHAIN_ID,
    firstBlock: ready.firstBlock,
    lastBlock: ready.lastBlock,
    concurrency: CONCURRENCY,
    ...(withGovernor ? { governor: GOVERNOR } : {}),
  }
  const runs: Record<RunMode, Measured[]> = { govaudit: [], bare: [], fetchLogs: [] }
  const problems: string[] = []
  try {
    for (let rep = 1; rep <= REPS; rep++) {
      // The floors are CPU times of a fixed job: measured once, after the first run.
      const gov = await runOnce(server, { ...base, mode: 'govaudit', tmpRoot: TMP, floor: rep === 1 })
      const bare = await runOnce(server, { ...base, mode: 'bare', ranges: gov.ranges! })
      const fl = await runOnce(server, { ...base, mode: 'fetchLogs' })
      for (const r of [gov, bare, fl]) runs[r.mode].push(r)
      console.log(
        `  rep ${rep}: govaudit ${fmt(gov.ms / 1000, 2)} s (${fmt(gov.commits ?? 0)} commits, ${fmt(gov.requests)} requests, db ${mb(gov.dbBytes ?? 0)}), ` +
          `bare ${fmt(bare.ms / 1000, 2)} s, fetchLogs ${fmt(fl.ms / 1000, 2)} s; ratio ${fmt(gov.ms / bare.ms, 3)}`,
      )
      problems.push(...check(gov, ready), ...[bare, fl].filter((r) => r.events !== ready.events).map((r) => `${r.mode} fetched ${r.events} logs, not ${ready.events}`))
    }
  } finally {
    server.disconnect()
  }

  const bareMs = median(runs.bare.map((r) => r.ms))
  const rows = (['bare', 'fetchLogs', 'govaudit'] as const).map((mode) => {
    const rs = runs[mode]
    const ms = median(rs.map((r) => r.ms))
    return {
      mode,
      label: { bare: 'bare: fetch + JSON.parse', fetchLogs: 'fetch layer: + read, check', govaudit: `govaudit: indexDao to SQLite${withGovernor ? ' (joint pass)' : ''}` }[mode],
      ms,
      eventsPerSecond: ready.events / (ms / 1000),
      ratio: ms / bareMs,
      rss: Math.max(...rs.map((r) => r.maxRssBytes)),
      cores: median(rs.map((r) => r.cpuMicros / 1000 / r.ms)),
      serverCores: median(rs.map((r) => r.serverCpuMicros / 1000 / r.ms)),
    }
  })
  console.log(
    `\nload average (1 min) ${fmt(loadBefore, 2)} before the runs, ${fmt(os.loadavg()[0]!, 2)} after: ` +
      `other processes' share of the ${os.availableParallelism()} cores is in every wall time below`,
  )
  console.log()
  const header = ['variant', 'time (median)', 'events/s', 'vs bare', 'peak RSS', 'client CPU', 'server CPU']
  const table = [
    header,
    ...rows.map((r) => [r.label, `${fmt(r.ms / 1000, 2)} s`, fmt(r.eventsPerSecond), `${fmt(r.ratio, 3)}x`, mb(r.rss), `${fmt(r.cores, 2)} cores`, `${fmt(r.serverCores, 2)} cores`]),
  ]
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)))
  for (const [i, row] of table.entries()) {
    console.log(row.map((cell, j) => (j === 0 ? cell.padEnd(widths[j]!) : cell.padStart(widths[j]!))).join('  '))
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '))
  }

  // Where govaudit's CPU goes: the main thread (fetch, parse, decode, derive), the writer
  // thread (SQLite; the busiest thread besides main), the rest (V8's GC helpers, libuv).
  const split = runs.govaudit.map((r) => {
    const threads = r.threads ?? []
    const main = threads.find((t) => t.name === 'main')?.seconds ?? 0
    const others = threads.filter((t) => t.name !== 'main')
    const writer = others[0]?.seconds ?? 0
    return { main, writer, rest: others.slice(1).reduce((sum, t) => sum + t.seconds, 0) }
  })
  if (split.some((x) => x.main > 0))
    console.log(
      `\ngovaudit CPU by thread (median): main ${fmt(median(split.map((x) => x.main)), 1)} s, ` +
        `writer ${fmt(median(split.map((x) => x.writer)), 1)} s, other threads ${fmt(median(split.map((x) => x.rest)), 1)} s`,
    )

  // Whether the ratio target can be met on this machine at all: SQLite's own time to insert
  // the rows govaudit stored, against the CPU the target leaves once the fetching is paid.
  const floor = runs.govaudit.find((r) => r.floor)?.floor // measured in the first repetition only
  if (floor) {
    const cores = os.availableParallelism()
    // What fetching costs at least: the bare loop or govaudit's fetch layer, whichever used
    // less CPU, client and node (both taken from that one variant).
    const cpuOf = (mode: 'bare' | 'fetchLogs') => ({
      fetch: median(runs[mode].map((r) => r.cpuMicros)) / 1e6,
      node: median(runs[mode].map((r) => r.serverCpuMicros)) / 1e6,
    })
    const [cheaper] = [cpuOf('bare'), cpuOf('fetchLogs')].sort((a, b) => a.fetch + a.node - (b.fetch + b.node))
    const { fetch: fetchCpu, node: nodeCpu } = cheaper!
    const budget = TARGET.ratio * (bareMs / 1000) * cores - fetchCpu - nodeCpu
    const sqlFloor = floor.sqlCpuMicros / 1e6
    const jsFloor = floor.jsCpuMicros / 1e6
    const share = (x: number) => `${fmt((100 * x) / budget)}%`
    console.log(
      `\nSQLite floor: inserting the ${fmt(floor.rows)} rows govaudit stored (each table in key order, indexes built after; bench/sqliteFloor.ts) takes ` +
        `${fmt(sqlFloor, 2)} CPU s in SQLite alone, ${fmt(jsFloor, 2)} CPU s with the rows only JavaScript can produce handed over from it ` +
        `(better-sqlite3, 32 rows per INSERT; one sample, after the first run)\n` +
        `CPU left at ${fmt(TARGET.ratio, 2)}x: ${fmt(TARGET.ratio, 2)} x bare ${fmt(bareMs / 1000, 2)} s x ${cores} cores - fetching ${fmt(fetchCpu, 2)} s ` +
        `- node ${fmt(nodeCpu, 2)} s = ${fmt(budget, 2)} CPU s for everything besides fetching; the floors take ${share(sqlFloor)} and ${share(jsFloor)} of it`,
    )
  }

  const gov = rows.find((r) => r.mode === 'govaudit')!
  const verdict = (ok: boolean) => (ok ? 'met' : 'TARGET MISSED')
  console.log()
  console.log(`targets (govaudit):`)
  console.log(`  events/s  >= ${fmt(TARGET.eventsPerSecond)}: ${fmt(gov.eventsPerSecond)}  ${verdict(gov.eventsPerSecond >= TARGET.eventsPerSecond)}`)
  console.log(`  vs bare   <= ${fmt(TARGET.ratio, 2)}x: ${fmt(gov.ratio, 3)}x  ${verdict(gov.ratio <= TARGET.ratio)}`)
  console.log(`  peak RSS  <  ${mb(TARGET.rssBytes)}: ${mb(gov.rss)}  ${verdict(gov.rss < TARGET.rssBytes)}`)

  if (problems.length > 0) {
    console.error(`\nbench: the runs are not valid:\n  ${[...new Set(problems)].join('\n  ')}`)
    process.exitCode = 1
  } else
    console.log(
      `\nchecks: every run saw all ${fmt(ready.events)} logs; each index holds one row per event, the simulation's holders, ` +
        `delegates, total supply and total votes, and no voting-power mismatch` +
        (g ? `; every proposal and vote, and tallies summing to the simulation's` : ''),
    )
  const bare = rows.find((r) => r.mode === 'bare')!
  return { scenario, events: ready.events, govaudit: gov.ms, bare: bare.ms, ratio: gov.ratio, rss: gov.rss }
}

/** A govaudit run is only a measurement if it indexed exactly what was served. */
function check(gov: Measured, ready: ServerReady): string[] {
  const c = ready.counts
  const out: string[] = []
  if (gov.events !== ready.events) out.push(`govaudit indexed ${gov.events} events, not ${ready.events}`)
  if (gov.mismatches !== 0) out.push(`govaudit found ${gov.mismatches} voting-power mismatches`)
  const r = gov.rows
  const want = {
    transfers: c.transfers + c.mints + c.burns,
    delegateChanges: c.delegateChanged,
    voteChanges: c.delegateVotesChanged,
    holders: ready.final.holders,
    delegates: ready.final.delegates,
  }
  if (JSON.stringify(r) !== JSON.stringify(want)) out.push(`govaudit's row counts ${JSON.stringify(r)} differ from the simulation's ${JSON.stringify(want)}`)
  if (ready.governor && JSON.stringify(gov.governorRows) !== JSON.stringify(ready.governor))
    out.push(`govaudit's governor rows ${JSON.stringify(gov.governorRows)} differ from the simulation's ${JSON.stringify(ready.governor)}`)
  const t = gov.totals
  if (t?.totalSupply !== ready.final.totalSupply || t.totalVotes !== ready.final.totalVotes)
    out.push(`govaudit's totals ${JSON.stringify(t)} differ from the simulation's ${JSON.stringify(ready.final)}`)
  return out
}

await main()
