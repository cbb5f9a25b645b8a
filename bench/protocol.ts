/** Messages between the benchmark's orchestrator (run.ts) and its child processes. */
import type { SimulatedToken } from '../test/helpers/tokenSimulation.js'
import type { Floor } from './sqliteFloor.js'

/** `governor`: also simulate an OpenZeppelin governor voting with the token, its logs merged in. */
export type ServerSetup = {
  token: string
  events: number
  seed: number
  chainId: number
  governor?: { address: string; proposals: number; votes: number }
}

export type ServerReady = {
  type: 'ready'
  url: string
  /** Logs served: the token's and the governor's. */
  events: number
  counts: SimulatedToken['counts']
  /** Governor logs among them, when a governor is simulated. */
  governor?: { proposals: number; votes: number; votesWeight: string }
  final: SimulatedToken['final']
  firstBlock: number
  lastBlock: number
  generatedMs: number
  servingFromMs: number
}

export type ServerRequest = { type: 'cpu'; id: number }
export type ServerCpu = { type: 'cpu'; id: number; micros: number }

export type ThreadCpu = { name: string; seconds: number }

/** An inclusive block range, as requested with eth_getLogs. */
export type BlockRange = [fromBlock: number, toBlock: number]

/**
 * What one measured run does:
 * - `govaudit`: indexDao end to end into a fresh SQLite file in a temp dir;
 * - `bare`: fetch + JSON.parse of the same eth_getLogs ranges at the same concurrency;
 * - `fetchLogs`: govaudit's fetch layer alone (fetch, parse, validate; no decode, no store).
 */
export type RunMode = 'govaudit' | 'bare' | 'fetchLogs'

export type RunSetup = {
  mode: RunMode
  url: string
  token: string
  chainId: number
  firstBlock: number
  lastBlock: number
  concurrency: number
  /** The simulated governor, indexed in the same pass (and fetched by `bare` / `fetchLogs`). */
  governor?: string
  /** `bare` replays these; `govaudit` records its own. */
  ranges?: BlockRange[]
  /** Where `govaudit` may create its temp dir. */
  tmpRoot?: string
  /** `govaudit`: also measure the SQLite floors on the finished index (bench/sqliteFloor.ts; ~10-40 s). */
  floor?: boolean
}

export type RunResult = {
  type: 'result'
  mode: RunMode
  /** Wall time of the measured part. */
  ms: number
  /** Logs fetched (bare, fetchLogs) or events indexed (govaudit). */
  events: number
  /** process.resourceUsage().maxRSS, bytes: the whole process, all threads. */
  maxRssBytes: number
  /** CPU time of this process during the measured part, all threads. */
  cpuMicros: number
  requests: number
  ranges?: BlockRange[]
  /** govaudit only. */
  commits?: number
  /** CPU seconds by thread during the measured part (Linux). */
  threads?: ThreadCpu[]
  mismatches?: number
  rows?: { transfers: number; delegateChanges: number; voteChanges: number; holders: number; delegates: number }
  /** govaudit with a governor: its stored proposals and votes, and the sum of all tallies (decimal). */
  governorRows?: { proposals: number; votes: number; votesWeight: string }
  /** govaudit only: SQLite alone inserting the finished index's rows (bench/sqliteFloor.ts). */
  floor?: Floor
  /** Sums over the index at its cursor, decimal. */
  totals?: { totalSupply: string; totalVotes: string }
  dbBytes?: number
}
