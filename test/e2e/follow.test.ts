/**
 * Issue 8, follow mode, on a real chain: `govaudit index --follow` keeps indexing the
 * blocks anvil mines while it runs, rides out an RPC outage with a warning, and Ctrl-C
 * stops it with exit 0 — after the current batch when it lands mid-run — leaving a
 * database equal to a fresh index of the same blocks.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { Interface, toQuantity } from 'ethers'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startAnvil, type StartAnvilResult } from '../../src/devchain/anvil.js'
import { playTokenScenario, type PlayTokenScenarioResult } from '../../src/devchain/tokenScenario.js'
import { createDevRpc, type DevRpc } from '../../src/devchain/devRpc.js'
import { loadArtifact } from '../../src/devchain/artifacts.js'
import { TOKEN_CONTRACT } from '../../src/devchain/deploy.js'
import { cli, removeTmpDirs, ROOT, tmpDir } from '../cli/harness.js'
import { dumpDb, readTokenCursor } from '../helpers/dbDump.js'
import { onEvery, startFaultProxy, type Fault } from '../helpers/faultProxy.js'
import { startSnapshotHub } from '../helpers/snapshotHub.js'
import { smallProposal } from '../sources/snapshot/fixtures.js'

let anvil: StartAnvilResult
let scenario: PlayTokenScenarioResult
let chain: DevRpc
let token: Interface
let dir: string

const indexArgs = (rpc: string, db: string, extra: string[] = []) => [
  'index', '--rpc', rpc, '--token', scenario.token, '--name', 'gov', '--confirmations', '0', '--db', db, ...extra,
]

/** Everything but the `block` table, whose rows are the commit points (they differ by design). */
const dataDump = (file: string) => dumpDb(file).replace(/## block \(\d+\)\n(?:\[.*\]\n?)*/, '')

beforeAll(async () => {
  anvil = await startAnvil({})
  scenario = await playTokenScenario({ url: anvil.url, kind: 'erc20votes', accounts: 55, seed: 'follow' })
  chain = createDevRpc(anvil.url)
  token = new Interface(loadArtifact(TOKEN_CONTRACT.erc20votes).abi)
  dir = tmpDir('govaudit-follow-')
})
afterAll(async () => {
  await anvil?.stop()
  removeTmpDirs()
})

async function head(): Promise<number> {
  return Number(await chain.request<string>('eth_blockNumber'))
}

/** One transaction, automined in its own block, which must succeed. */
async function send(from: string, data: string): Promise<void> {
  const hash = await chain.request<string>('eth_sendTransaction', [{ from, to: scenario.token, data, gas: toQuantity(500_000) }])
  // Automine mines it at once, but the receipt may take a moment to be served.
  let receipt: { status: string } | null = null
  while (!(receipt = await chain.request<{ status: string } | null>('eth_getTransactionReceipt', [hash]))) await new Promise((r) => setTimeout(r, 10))
  expect(receipt.status).toBe('0x1')
}

/** New token activity: mints (to holders who delegate, so votes move too) and a re-delegation. */
async function activity(round: number): Promise<number> {
  const people = scenario.accounts
  await send(scenario.owner, token.encodeFunctionData('mint', [people[round % people.length], 10n ** 18n * BigInt(round + 1)]))
  await send(people[(round * 7 + 3) % people.length]!, token.encodeFunctionData('delegate', [people[(round * 11 + 5) % people.length]]))
  await send(scenario.owner, token.encodeFunctionData('mint', [people[(round * 5 + 1) % people.length], 3n ** BigInt(round + 20)]))
  return head()
}

type Follower = { child: ChildProcessWithoutNullStreams; stderr: () => string; exit: Promise<number | null>; exited: () => boolean }

function startFollower(args: string[]): Follower {
  const child = spawn(process.execPath, ['bin/govaudit.js', ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  let exited = false
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => ((exited = true), resolve(code))))
  return { child, stderr: () => stderr, exit, exited: () => exited }
}

/** Resolves once `done` holds; fails the test if the follower exits first. */
async function until(f: Follower, what: string, done: () => boolean): Promise<void> {
  while (!done()) {
    if (f.exited()) throw new Error(`the follower exited before ${what}:\n${f.stderr()}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe('govaudit index --follow', () => {
  test('indexes blocks as they are mined, survives an RPC outage, and Ctrl-C exits 0 with the database of a fresh index', async () => {
    let outage = false
    const down: Fault = { kind: 'rpcError', code: -32000, message: 'node down for maintenance' }
    const proxy = await startFaultProxy({ target: anvil.url, plan: () => (outage ? down : undefined) })
    const file = path.join(dir, 'followed.db')
    const f = startFollower(indexArgs(proxy.url, file, ['--follow', '--interval', '1']))
    try {
      const start = await head()
      await until(f, `indexing up to block ${start}`, () => (readTokenCursor(file) ?? -1) >= start)

      const first = await activity(1)
      await until(f, `following to block ${first}`, () => readTokenCursor(file) === first)

      outage = true
      await until(f, 'reporting the outage', () => /node down for maintenance; trying again in 1s\./.test(f.stderr()))
      const second = await activity(2)
      outage = false
      const third = await activity(3)
      await until(f, `following to block ${third} after the outage`, () => readTokenCursor(file) === third)
      expect(second).toBeLessThan(third)

      f.child.kill('SIGINT')
      expect(await f.exit, f.stderr()).toBe(0)
      expect(f.stderr()).toMatch(/Stopped following after \d+ run\(s\)/)
      expect(f.stderr()).toMatch(new RegExp(`gov: indexed blocks \\d+\\.\\.${third} \\(\\d+ events\\)\\.`))

      const clean = path.join(dir, 'clean.db')
      const run = await cli(indexArgs(anvil.url, clean, ['--to-block', String(third)]))
      expect(run.code, run.stderr).toBe(0)
      expect(dataDump(file)).toBe(dataDump(clean))
    } finally {
      if (!f.exited()) f.child.kill('SIGKILL')
      await proxy.close()
    }
  })

  test('with --snapshot the hub is read on the first run, then once per --snapshot-interval, not every tick', async () => {
    const space = 'follow.eth'
    // An open proposal: every read of the space reads its votes again.
    const hub = await startSnapshotHub({ proposals: [smallProposal({ id: '0xf1', space, created: 1000, state: 'active' })] })
    /** Hub requests made by a follower's runs after its first one (two more, each with new blocks). */
    const laterRequests = async (snapshotInterval: string, round: number) => {
      const file = path.join(dir, `snapshot-${snapshotInterval}.db`)
      const f = startFollower(indexArgs(anvil.url, file, ['--follow', '--interval', '1', '--snapshot', space, '--hub', hub.url, '--snapshot-interval', snapshotInterval]))
      try {
        const votesRead = hub.stats.voteQueries['0xf1'] ?? 0
        await until(f, 'the first run reading the hub', () => (hub.stats.voteQueries['0xf1'] ?? 0) > votesRead)
        const start = await head()
        await until(f, `the first run indexing to block ${start}`, () => (readTokenCursor(file) ?? -1) >= start)
        const before = hub.stats.requests
        for (const r of [round, round + 1]) {
          const block = await activity(r)
          await until(f, `following to block ${block}`, () => readTokenCursor(file) === block)
          await new Promise((resolve) => setTimeout(resolve, 1100)) // past a 1 s --snapshot-interval
        }
        f.child.kill('SIGINT')
        expect(await f.exit, f.stderr()).toBe(0)
        return hub.stats.requests - before
      } finally {
        if (!f.exited()) f.child.kill('SIGKILL')
      }
    }
    try {
      expect(await laterRequests('3600', 10)).toBe(0)
      expect(await laterRequests('1', 12)).toBeGreaterThan(0)
    } finally {
      await hub.close()
    }
  })

  test('Ctrl-C in the middle of a run commits the current batch and exits 0; the next run resumes', async () => {
    // A slow node with a small block-range limit: many small commits to interrupt.
    const slow = await startFaultProxy({ target: anvil.url, plan: onEvery('eth_getLogs', { kind: 'delay', ms: 40 }) })
    const ranged = await startFaultProxy({ target: slow.url, plan: onEvery('eth_getLogs', { kind: 'range', style: 'publicnode', limit: 3 }) })
    const file = path.join(dir, 'interrupted.db')
    const f = startFollower(indexArgs(ranged.url, file, ['--follow', '--batch-size', '2', '--concurrency', '1']))
    try {
      const end = await head()
      await until(f, 'a first commit', () => readTokenCursor(file) !== undefined)
      f.child.kill('SIGINT')
      expect(await f.exit, f.stderr()).toBe(0)
      expect(f.stderr()).toMatch(/interrupted; committed through block \d+/)
      expect(readTokenCursor(file)).toBeLessThan(end)

      const resumed = await cli(indexArgs(anvil.url, file, ['--to-block', String(end)]))
      expect(resumed.code, resumed.stderr).toBe(0)
      const clean = path.join(dir, 'clean-interrupted.db')
      const run = await cli(indexArgs(anvil.url, clean, ['--to-block', String(end)]))
      expect(run.code, run.stderr).toBe(0)
      expect(dataDump(file)).toBe(dataDump(clean))
    } finally {
      if (!f.exited()) f.child.kill('SIGKILL')
      await ranged.close()
      await slow.close()
    }
  })

  test('a first run that fails on the RPC ends follow mode with exit 3 (a setting, not a bad minute)', async () => {
    const proxy = await startFaultProxy({ target: anvil.url, plan: onEvery('eth_blockNumber', { kind: 'rpcError', code: -32000, message: 'method disabled here' }) })
    try {
      const run = await cli(indexArgs(proxy.url, path.join(dir, 'never.db'), ['--follow', '--interval', '1']))
      expect(run.code, run.stderr).toBe(3)
      expect(run.stderr).toMatch(/method disabled here/)
      expect(run.stderr).not.toMatch(/trying again/)
    } finally {
      await proxy.close()
    }
  })

  test('--interval or --snapshot-interval without --follow, and --follow with --to-block, are usage errors', async () => {
    const file = path.join(dir, 'usage.db')
    const interval = await cli(indexArgs(anvil.url, file, ['--interval', '5']))
    expect(interval.code).toBe(2)
    expect(interval.stderr).toMatch(/--interval applies only with --follow/)
    for (const extra of [['--snapshot-interval', '60'], ['--follow', '--snapshot-interval', '60'], ['--snapshot', 'x.eth', '--snapshot-interval', '60']]) {
      const run = await cli(indexArgs(anvil.url, file, extra))
      expect(run.code, extra.join(' ')).toBe(2)
      expect(run.stderr).toMatch(/--snapshot-interval applies only with --follow and --snapshot SPACE/)
    }
    const toBlock = await cli(indexArgs(anvil.url, file, ['--follow', '--to-block', '5']))
    expect(toBlock.code).toBe(2)
    expect(toBlock.stderr).toMatch(/--follow .* cannot be combined with --to-block/)
    expect(fs.existsSync(file)).toBe(false)
  })
})
