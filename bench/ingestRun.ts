/**
 * Child process of the benchmark: ONE measured run (see RunMode), reported to the parent
 * as a RunResult. Each run gets a fresh process so that its peak RSS (maxRSS covers the
 * whole process life) and its JIT warm-up are its own, the same for every variant.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pLimit from 'p-limit'
import { openDb } from '../src/store/db.js'
import { insertDao } from '../src/store/daos.js'
import { addGovernor, listGovernors } from '../src/store/governors.js'
import { listGovernorProposals } from '../src/store/governorQueries.js'
import { tokenCounts, totalSupplyAt, votingPowerAt } from '../src/store/tokenQueries.js'
import { createRpcClient } from '../src/sources/evm/rpc.js'
import { convertLogs, fetchLogsWith, type LogConverter, type LogFilter } from '../src/sources/evm/getLogs.js'
import type { JsonBytes } from '../src/sources/evm/jsonBytes.js'
import { readLogBytes } from '../src/sources/evm/logBytes.js'
import type { RpcClient } from '../src/sources/evm/types.js'
import { TOKEN_TOPICS } from '../src/sources/token/decode.js'
import { governorTopics } from '../src/sources/governor/topics.js'
import { indexDao } from '../src/sync/indexDao.js'
import type { BlockRange, RunResult, RunSetup, ThreadCpu } from './protocol.js'
import { sqliteFloor } from './sqliteFloor.js'

const setup = JSON.parse(process.argv[2] ?? '{}') as RunSetup

/** What every variant asks eth_getLogs for: the token's topics, and the governor's with it (one filter, as indexDao asks). */
const filter = setup.governor
  ? { addresses: [setup.token, setup.governor], topics: [[...new Set([...TOKEN_TOPICS, ...governorTopics('oz')])]] }
  : { addresses: [setup.token], topics: [TOKEN_TOPICS] }

/** The measured part of a run: wall time and this process's CPU time around `work`. */
async function measure<T>(work: () => Promise<T>): Promise<{ value: T; ms: number; cpuMicros: number }> {
  const cpu = process.cpuUsage()
  const t0 = performance.now()
  const value = await work()
  const ms = performance.now() - t0
  const used = process.cpuUsage(cpu)
  return { value, ms, cpuMicros: used.user + used.system }
}

const maxRssBytes = () => process.resourceUsage().maxRSS * 1024

/**
 * CPU seconds per thread of this process (Linux /proc), sampled while `work` runs: threads
 * that end early (the writer) keep their last sample. Answers "which thread is the
 * bottleneck" on a machine where other processes also compete for the cores.
 */
async function perThreadCpu<T>(work: () => Promise<T>): Promise<{ value: T; threads: ThreadCpu[] }> {
  const seen = new Map<string, ThreadCpu>()
  const tick = 1 / 100 // seconds per clock tick (USER_HZ is 100 on Linux)
  const sample = () => {
    let tasks: string[]
    try {
      tasks = fs.readdirSync('/proc/self/task')
    } catch {
      return // not Linux
    }
    for (const tid of tasks) {
      try {
        const stat = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
        const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
        const seconds = (Number(fields[11]) + Number(fields[12])) * tick
        seen.set(tid, { name: tid === String(process.pid) ? 'main' : name, seconds })
      } catch {
        // the thread ended between readdir and read
      }
    }
  }
  sample()
  const before = new Map([...seen].map(([tid, t]) => [tid, t.seconds]))
  const timer = setInterval(sample, 50)
  try {
    const value = await work()
    sample()
    const threads = [...seen].map(([tid, t]) => ({ name: t.name, seconds: t.seconds - (before.get(tid) ?? 0) }))
    return { value, threads: threads.filter((t) => t.seconds > 0.05).sort((a, b) => b.seconds - a.seconds) }
  } finally {
    clearInterval(timer)
  }
}

/** govaudit's own client, counting requests and recording the eth_getLogs ranges. */
function recordingClient(url: string): { rpc: RpcClient; ranges: BlockRange[]; requests: () => number } {
  const inner = createRpcClient({ url })
  const ranges: BlockRange[] = []
  let requests = 0
  const record = (method: string, params: unknown[]) => {
    requests++
    if (method === 'eth_getLogs') {
      const f = params[0] as { fromBlock: string; toBlock: string }
      ranges.push([Number(f.fromBlock), Number(f.toBlock)])
    }
  }
  const rpc: RpcClient = {
    label: inner.label,
    request(method, params) {
      record(method, params)
      return inner.request(method, params)
    },
    requestBytes(method, params, read) {
      record(method, params)
      return inner.requestBytes!(method, params, read)
    },
    batch(calls) {
      requests++
      return inner.batch(calls)
    },
  }
  return { rpc, ranges, requests: () => requests }
}

async function runGovaudit(): Promise<RunResult> {
  const dir = fs.mkdtempSync(path.join(setup.tmpRoot ?? os.tmpdir(), 'govaudit-bench-'))
  try {
    const file = path.join(dir, 'bench.db')
    const db = openDb({ path: file, create: true })
    // Registered up front: the loopback node has no eth_call for probeToken, and the
    // deployment block is known.
    const dao = insertDao(db, { name: 'bench', chainId: setup.chainId, token: setup.token, tokenStandard: 'erc20', startBlock: setup.firstBlock })
    // The simulated governor: OpenZeppelin, block clock, simple counting (test/helpers/governorSimulation.ts).
    if (setup.governor)
      addGovernor(
        db,
        dao,
        { address: setup.governor, kind: 'oz', countingMode: 'support=bravo&quorum=for,abstain', clockMode: 'mode=blocknumber&from=default', clock: 'blocknumber', token: setup.token, name: null },
        setup.firstBlock,
      )
    const joinGovernors = setup.governor ? { joinGovernors: async () => listGovernors(db, dao) } : {}
    const { rpc, ranges, requests } = recordingClient(setup.url)
    const {
      value: { value: result, threads },
      ms,
      cpuMicros,
    } = await measure(() =>
      perThreadCpu(() =>
        indexDao({ db, rpc, token: setup.token, name: 'bench', confirmations: 0, concurrency: setup.concurrency, ...joinGovernors }),
      ),
    )
    const rss = maxRssBytes()
    const rows = tokenCounts(db, result.dao)
    const proposals = setup.governor ? listGovernorProposals(db, result.dao) : undefined
    const governorRows = proposals && {
      proposals: proposals.length,
      votes: proposals.reduce((n, p) => n + p.votes, 0),
      votesWeight: proposals.reduce((w, p) => w + p.tally.for + p.tally.against + p.tally.abstain, 0n).toString(),
    }
    const totals = {
      totalSupply: totalSupplyAt(db, result.dao).total.toString(),
      totalVotes: votingPowerAt(db, result.dao)
        .weights.reduce((sum, w) => sum + w.weight, 0n)
        .toString(),
    }
    db.close()
    const dbBytes = fs.readdirSync(dir).reduce((sum, f) => sum + fs.statSync(path.join(dir, f)).size, 0)
    // After everything measured (peak RSS included): it is not part of govaudit's run.
    const floor = setup.floor ? sqliteFloor(file) : undefined
    return {
      type: 'result',
      mode: 'govaudit',
      ms,
      events: result.events + result.governorEvents,
      maxRssBytes: rss,
      cpuMicros,
      requests: requests(),
      ranges: ranges.sort((a, b) => a[0] - b[0]),
      commits: result.commits,
      threads,
      mismatches: result.mismatches.length,
      rows,
      ...(governorRows ? { governorRows } : {}),
      totals,
      dbBytes,
      ...(floor ? { floor } : {}),
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** The floor: fetch and JSON-decode the same answers, nothing else. */
async function runBare(): Promise<RunResult> {
  const ranges = setup.ranges ?? []
  const limit = pLimit(setup.concurrency)
  const headers = { 'content-type': 'application/json', accept: 'application/json' }
  const hex = (n: number) => `0x${n.toString(16)}`
  let id = 0
  let logs = 0
  const { ms, cpuMicros } = await measure(() =>
    Promise.all(
      ranges.map(([from, to]) =>
        limit(async () => {
          const params = { address: filter.addresses.length === 1 ? filter.addresses[0] : filter.addresses, topics: filter.topics, fromBlock: hex(from), toBlock: hex(to) }
          const body = JSON.stringify({ jsonrpc: '2.0', id: ++id, method: 'eth_getLogs', params: [params] })
          const res = await fetch(setup.url, { method: 'POST', headers, body })
          const json = JSON.parse(await res.text()) as { result: unknown[] }
          logs += json.result.length
        }),
      ),
    ),
  )
  return { type: 'result', mode: 'bare', ms, events: logs, maxRssBytes: maxRssBytes(), cpuMicros, requests: ranges.length }
}

/**
 * govaudit's fetch layer alone, as the indexer uses it: fetch, read and check each answer's
 * logs from its bytes (JSON.parse and LogReader for an answer the byte reader declines),
 * yield in order; nothing decoded or kept.
 */
async function runFetchLogs(): Promise<RunResult> {
  const { rpc, requests } = recordingClient(setup.url)
  const checkOnly: LogConverter<null> = Object.assign(
    (result: unknown, from: number, to: number, f: LogFilter) => ({ logs: null, count: convertLogs(result, from, to, f).length }),
    { fromBytes: (json: JsonBytes, from: number, to: number, f: LogFilter) => ({ logs: null, count: readLogBytes(json, from, to, f, () => {}) }) },
  )
  let logs = 0
  const { ms, cpuMicros } = await measure(async () => {
    const chunks = fetchLogsWith(
      { rpc, ...filter, fromBlock: setup.firstBlock, toBlock: setup.lastBlock, concurrency: setup.concurrency },
      checkOnly,
    )
    for await (const chunk of chunks) logs += chunk.count
  })
  return { type: 'result', mode: 'fetchLogs', ms, events: logs, maxRssBytes: maxRssBytes(), cpuMicros, requests: requests() }
}

const run = { govaudit: runGovaudit, bare: runBare, fetchLogs: runFetchLogs }[setup.mode]
const result = await run()
// Run by hand (no IPC channel, e.g. under --cpu-prof) it prints its result, and writes
// the recorded ranges to $BENCH_RANGES_OUT if set (a `bare` run by hand reads them there).
if (process.send) {
  process.send(result)
  process.disconnect()
} else {
  if (process.env.BENCH_RANGES_OUT && result.ranges) fs.writeFileSync(process.env.BENCH_RANGES_OUT, JSON.stringify(result.ranges))
  console.log(JSON.stringify({ ...result, ranges: result.ranges?.length }))
}
