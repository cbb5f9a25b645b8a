/**
 * An RPC that fails the way real providers do must not change a single stored row, and
 * neither may crashes: the CLI indexes the same anvil chain (1) cleanly, (2) through a
 * loopback proxy injecting each provider's errors, (3) while being killed with SIGKILL
 * again and again and resumed, token alone and token with its governor (the joint pass).
 * Every database must dump identically to the clean one.
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startAnvil, type StartAnvilResult } from '../../src/devchain/anvil.js'
import { playTokenScenario, type PlayTokenScenarioResult } from '../../src/devchain/tokenScenario.js'
import { playGovernorScenario } from '../../src/devchain/governorScenario.js'
import { createDevRpc } from '../../src/devchain/devRpc.js'
import { cli, ROOT, tmpDir } from '../cli/harness.js'
import { dumpDb, readTokenCursor } from '../helpers/dbDump.js'
import { combinePlans, onEvery, onNth, startFaultProxy, type Fault, type FaultKind, type FaultPlan } from '../helpers/faultProxy.js'
import { limitsResults, PROVIDER_STYLES } from '../helpers/logServer.js'
import Database from 'better-sqlite3'

let anvil: StartAnvilResult
let scenario: PlayTokenScenarioResult
let dir: string
let cleanDump: string

const indexArgs = (rpc: string, db: string, extra: string[] = []) => [
  'index', '--rpc', rpc, '--token', scenario.token, '--name', 'gov', '--to-block', String(scenario.lastBlock),
  '--confirmations', '0', '--db', db, ...extra,
]

/** Everything but the `block` table, whose rows are the commit points (they differ by design). */
const dataDump = (file: string) => dumpDb(file).replace(/## block \(\d+\)\n(?:\[.*\]\n?)*/, '')

beforeAll(async () => {
  anvil = await startAnvil({})
  scenario = await playTokenScenario({ url: anvil.url, kind: 'erc20votes', accounts: 55, seed: 'faults' })
  dir = tmpDir('govaudit-faults-')
  const clean = path.join(dir, 'clean.db')
  const run = await cli(indexArgs(anvil.url, clean))
  expect(run.stderr).not.toMatch(/warning/)
  expect(run.code).toBe(0)
  cleanDump = dataDump(clean)
  expect(cleanDump).toMatch(/## transfer \([1-9]\d*\)/)
})
afterAll(async () => {
  await anvil?.stop()
})

/** Stored block hashes must be the chain's own. */
async function expectBlocksMatchChain(file: string) {
  const db = new Database(file, { readonly: true })
  const rows = db.prepare(`SELECT number, hash FROM block`).all() as { number: number; hash: string }[]
  db.close()
  expect(rows.length).toBeGreaterThan(0)
  const rpc = createDevRpc(anvil.url)
  for (const r of rows) {
    const block = (await rpc.request('eth_getBlockByNumber', [`0x${r.number.toString(16)}`, false])) as { hash: string }
    expect(r.hash).toBe(block.hash)
  }
}

type Case = { name: string; plan: FaultPlan; expect: FaultKind; extra?: string[] }
const rangeCases: Case[] = PROVIDER_STYLES.map((style) => ({
  name: `${style} range error`,
  plan: onEvery('eth_getLogs', { kind: 'range', style, limit: limitsResults(style) ? 25 : 6 }),
  expect: 'range',
}))
const transportCases: Case[] = (
  [
    ['HTTP 429 with Retry-After', { kind: 'http429', retryAfter: '1' }],
    ['HTTP 503', { kind: 'http503' }],
    ['JSON-RPC rate limit (-32005)', { kind: 'rpcRateLimit' }],
    ['truncated JSON', { kind: 'truncate' }],
    ['wrong response id', { kind: 'wrongId' }],
    ['socket destroyed mid-answer', { kind: 'destroy' }],
    ['a log outside the requested range', { kind: 'badLog', how: 'outOfRange' }],
    ['a duplicated log', { kind: 'badLog', how: 'duplicate' }],
  ] as [string, Fault][]
).map(([name, fault]) => ({
  name,
  // Small ranges first (so there are several getLogs), then the fault on some of them.
  plan: combinePlans(onNth('eth_getLogs', [2, 3, 5], fault), onEvery('eth_getLogs', { kind: 'range', style: 'publicnode', limit: 20 })),
  expect: fault.kind,
}))
const hangCase: Case = {
  name: 'a request that never answers',
  plan: onNth('eth_getLogs', [1], { kind: 'hang' }),
  expect: 'hang',
  extra: ['--rpc-timeout', '1'],
}

describe('indexing through a faulty RPC gives the same database', () => {
  test.each([...rangeCases, ...transportCases, hangCase])('$name', async (c) => {
    const proxy = await startFaultProxy({ target: anvil.url, plan: c.plan })
    try {
      const file = path.join(dir, `${c.name.replace(/\W+/g, '-')}.db`)
      const run = await cli(indexArgs(`${proxy.url}/v2/SECRETKEY0123456789abcdef`, file, c.extra))
      expect(run.stderr + run.stdout).not.toContain('SECRETKEY0123456789abcdef')
      expect(run.code, run.stderr).toBe(0)
      expect(proxy.stats.injected[c.expect], `the ${c.expect} fault was injected`).toBeGreaterThan(0)
      expect(dataDump(file)).toBe(cleanDump)
      await expectBlocksMatchChain(file)
    } finally {
      await proxy.close()
    }
  })
})

describe('a reorg between reading logs and reading the header', () => {
  test('logs whose block hashes the chain no longer has: exit 3 naming the block, nothing committed; the next run is clean', async () => {
    const proxy = await startFaultProxy({ target: anvil.url, plan: onEvery('eth_getLogs', { kind: 'forkedLogs' }) })
    const file = path.join(dir, 'forked-logs.db')
    try {
      const run = await cli(indexArgs(proxy.url, file))
      expect(run.code, run.stderr).toBe(3)
      expect(run.stderr).toMatch(/^govaudit: The chain replaced block \d+ while it was being indexed \(a reorg\), so this batch was not committed/)
      expect(proxy.stats.injected.forkedLogs).toBeGreaterThan(0)
      expect(readTokenCursor(file)).toBeUndefined()
    } finally {
      await proxy.close()
    }
    const again = await cli(indexArgs(anvil.url, file))
    expect(again.code, again.stderr).toBe(0)
    expect(dataDump(file)).toBe(cleanDump)
  })
})

/** A slow node with a small block-range limit: many small commits to interrupt. */
async function slowSmallRangeRpc({ ms = 40, limit = 3 } = {}) {
  const slow = await startFaultProxy({ target: anvil.url, plan: onEvery('eth_getLogs', { kind: 'delay', ms }) })
  const ranged = await startFaultProxy({ target: slow.url, plan: onEvery('eth_getLogs', { kind: 'range', style: 'publicnode', limit }) })
  return { url: ranged.url, close: async () => (await ranged.close(), await slow.close()) }
}

/** Resolves once the child has committed past `after` (or has exited). */
async function cursorAdvanced(file: string, after: number | undefined, exited: () => boolean): Promise<void> {
  while (!exited()) {
    const c = readTokenCursor(file)
    if (c !== undefined && (after === undefined || c > after)) return
    await new Promise((r) => setTimeout(r, 25))
  }
}

/**
 * Run `index` (args for an RPC url) on a slow, small-range RPC, killing it with SIGKILL
 * four times after it has committed something (`delayMs(attempt)` later), then let it
 * finish. Returns the token cursors found after each kill.
 */
async function killAndResume(
  args: (rpc: string) => string[],
  file: string,
  { delayMs = (attempt: number) => (attempt * 37) % 90, rpcSpeed = {} }: { delayMs?: (attempt: number) => number; rpcSpeed?: { ms?: number; limit?: number } } = {},
): Promise<number[]> {
  const rpc = await slowSmallRangeRpc(rpcSpeed)
  const cursorsAtKill: number[] = []
  try {
    for (let attempt = 0; attempt < 40; attempt++) {
      const child = spawn(process.execPath, ['bin/govaudit.js', ...args(rpc.url), '--batch-size', '2', '--concurrency', '2'], { cwd: ROOT, stdio: 'ignore' })
      let exited = false
      const exit = new Promise<number | null>((resolve) => child.on('exit', (c) => ((exited = true), resolve(c))))
      if (attempt < 4) {
        // Kill after this run has committed something, at a deterministic offset within a batch.
        await cursorAdvanced(file, readTokenCursor(file), () => exited)
        await new Promise((r) => setTimeout(r, delayMs(attempt)))
        child.kill('SIGKILL')
      }
      const code = await exit
      if (code === 0) break
      const c = readTokenCursor(file)
      if (c !== undefined) cursorsAtKill.push(c)
    }
  } finally {
    await rpc.close()
  }
  return cursorsAtKill
}

describe('crash safety', () => {
  test('SIGKILL at random points, then resume: identical to an uninterrupted run', async () => {
    const file = path.join(dir, 'killed.db')
    const cursorsAtKill = await killAndResume((rpc) => indexArgs(rpc, file), file)
    // At least two kills landed mid-range, between commits (a late one may land after the last commit).
    const inside = cursorsAtKill.filter((c) => c > scenario.deployBlock && c < scenario.lastBlock)
    expect(inside.length, `cursors at kill: ${cursorsAtKill}`).toBeGreaterThanOrEqual(2)
    expect(readTokenCursor(file)).toBe(scenario.lastBlock)
    expect(dataDump(file)).toBe(cleanDump)
  })

  test('with a governor (the joint pass): SIGKILL at random points, then resume: identical to an uninterrupted run', async () => {
    const gov = await playGovernorScenario({ url: anvil.url, fixture: 'oz-block', seed: 'faults-governor' })
    const args = (rpc: string, db: string) => [
      'index', '--rpc', rpc, '--token', gov.token, '--governor', gov.governor, '--name', 'dao', '--to-block', String(gov.lastBlock),
      '--confirmations', '0', '--db', db,
    ]
    const clean = path.join(dir, 'governor-clean.db')
    const run = await cli(args(anvil.url, clean))
    expect(run.code, run.stderr).toBe(0)
    const governorDump = dataDump(clean)
    expect(governorDump).toMatch(/## vote \([1-9]\d*\)/)
    expect(governorDump).toMatch(/## proposal_status \([1-9]\d*\)/)

    const file = path.join(dir, 'governor-killed.db')
    // A short range (a few dozen blocks) with a finalize step after it: a slower node, one
    // block per request, and kills soon after each commit, so that most land mid-range.
    const cursorsAtKill = await killAndResume((rpc) => args(rpc, file), file, { delayMs: (attempt) => (attempt * 7) % 20, rpcSpeed: { ms: 100, limit: 1 } })
    // The first kill follows the first commit at once, so it always lands mid-range; later
    // ones may find the sparse governor range already committed (the kill then hits finalize).
    const inside = cursorsAtKill.filter((c) => c >= gov.deployBlock && c < gov.lastBlock)
    expect(inside.length, `cursors at kill: ${cursorsAtKill}`).toBeGreaterThanOrEqual(1)
    expect(cursorsAtKill.length, `cursors at kill: ${cursorsAtKill}`).toBeGreaterThanOrEqual(2)
    expect(readTokenCursor(file)).toBe(gov.lastBlock)
    expect(dataDump(file)).toBe(governorDump)
  })

  test('Ctrl-C commits the current batch, exits 130, and the next run resumes', async () => {
    const rpc = await slowSmallRangeRpc()
    const file = path.join(dir, 'sigint.db')
    try {
      const child = spawn(process.execPath, ['bin/govaudit.js', ...indexArgs(rpc.url, file, ['--batch-size', '2', '--concurrency', '1'])], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stderr = ''
      child.stderr.on('data', (d) => (stderr += d))
      let exited = false
      const exit = new Promise<number | null>((resolve) => child.on('exit', (c) => ((exited = true), resolve(c))))
      await cursorAdvanced(file, undefined, () => exited)
      child.kill('SIGINT')
      const code = await exit
      expect(code, stderr).toBe(130)
      expect(stderr).toMatch(/interrupted; committed through block \d+/)
      expect(readTokenCursor(file)).toBeLessThan(scenario.lastBlock)
      const resumed = await cli(indexArgs(anvil.url, file))
      expect(resumed.code, resumed.stderr).toBe(0)
      expect(resumed.stderr).toMatch(/indexed blocks \d+\.\./)
      expect(dataDump(file)).toBe(cleanDump)
    } finally {
      await rpc.close()
    }
  })
})
