/**
 * Issue 8, reorg safety, on a real chain: a DAO (token + OZ governor) is indexed, anvil
 * mines transfers, a delegation and votes and the CLI indexes them; then the chain is
 * reverted to before them (evm_revert) and different transfers, delegation and votes are
 * mined in their place, on a chain at least as long. The next `govaudit index` must see
 * it, roll back and re-index: its database must equal a fresh index of the new chain.
 * And the rollback alone, to a block inside the replaced range, must leave exactly what
 * an index up to that block holds.
 */
import fs from 'node:fs'
import path from 'node:path'
import Database from 'better-sqlite3'
import { Interface, toQuantity } from 'ethers'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startAnvil, type StartAnvilResult } from '../../src/devchain/anvil.js'
import { playGovernorScenario, type PlayGovernorScenarioResult } from '../../src/devchain/governorScenario.js'
import { createDevRpc, type DevRpc } from '../../src/devchain/devRpc.js'
import { loadArtifact } from '../../src/devchain/artifacts.js'
import { openDb } from '../../src/store/db.js'
import { rollbackChain } from '../../src/store/rollback.js'
import { cli, removeTmpDirs, tmpDir } from '../cli/harness.js'
import { dumpDb } from '../helpers/dbDump.js'

const E = 10n ** 18n

let anvil: StartAnvilResult
let scenario: PlayGovernorScenarioResult
let chain: DevRpc
let dir: string
let token: Interface
let governor: Interface

const indexArgs = (db: string, extra: string[] = []) => [
  'index', '--rpc', anvil.url, '--token', scenario.token, '--name', 'gov', '--governor', scenario.governor, '--confirmations', '0', '--db', db, ...extra,
]

/**
 * The rows two equal histories must share. Left out: the `block` table (its rows are the
 * commit points, which differ by design) and, for settled proposals, the blocks their
 * status was read at (`checked_block`, `quorum_block`): a settled proposal is not read
 * again, so they depend on when the runs happened, as between any two incremental runs.
 */
function comparable(file: string): string {
  const copy = `${file}.cmp`
  fs.copyFileSync(file, copy)
  const db = new Database(copy)
  db.exec(`DELETE FROM block; UPDATE proposal_status SET checked_block = NULL, quorum_block = NULL WHERE final = 1`)
  db.close()
  const dump = dumpDb(copy)
  fs.rmSync(copy)
  return dump
}

async function head(): Promise<number> {
  return Number(await chain.request<string>('eth_blockNumber'))
}

/** One transaction, automined in its own block, which must succeed. */
async function send(from: string, to: string, data: string): Promise<number> {
  const hash = await chain.request<string>('eth_sendTransaction', [{ from, to, data, gas: toQuantity(1_000_000) }])
  // Automine mines it at once, but the receipt may take a moment to be served.
  let receipt: { status: string; blockNumber: string } | null = null
  while (!(receipt = await chain.request<{ status: string; blockNumber: string } | null>('eth_getTransactionReceipt', [hash]))) await new Promise((r) => setTimeout(r, 10))
  expect(receipt.status).toBe('0x1')
  return Number(receipt.blockNumber)
}

const transfer = (from: string, to: string, amount: bigint) => send(from, scenario.token, token.encodeFunctionData('transfer', [to, amount]))
const delegate = (from: string, to: string) => send(from, scenario.token, token.encodeFunctionData('delegate', [to]))
const castVote = (voter: string, proposalId: bigint, support: number) =>
  send(voter, scenario.governor, governor.encodeFunctionData('castVote', [proposalId, support]))

function count(file: string, sql: string): number {
  const db = new Database(file, { readonly: true })
  try {
    return db.prepare(sql).pluck().get() as number
  } finally {
    db.close()
  }
}

beforeAll(async () => {
  anvil = await startAnvil({})
  scenario = await playGovernorScenario({ url: anvil.url, fixture: 'oz-block', seed: 'reorg' })
  chain = createDevRpc(anvil.url)
  token = new Interface(loadArtifact(scenario.spec.token).abi)
  governor = new Interface(loadArtifact(scenario.spec.contract).abi)
  dir = tmpDir('govaudit-reorg-')
})
afterAll(async () => {
  await anvil?.stop()
  removeTmpDirs()
})

describe('a reorg of indexed blocks', () => {
  test('is detected, rolled back and re-indexed: the database equals a fresh index of the new chain', async () => {
    const file = path.join(dir, 'followed.db')
    const active = scenario.proposals.find((p) => p.plan === 'active')!.id
    const votedActive = new Set(scenario.votes.filter((v) => v.proposalId === active).map((v) => v.voter))
    const [a, b, c] = scenario.voters.filter((v) => !votedActive.has(v)) as [string, string, string]
    const [d0, d1, u0] = scenario.others as [string, string, string]

    const first = await cli(indexArgs(file))
    expect(first.code, first.stderr).toBe(0)
    const forkBase = await head()
    expect(count(file, `SELECT block_number FROM cursor WHERE stream = 'token'`)).toBe(forkBase)
    const snapshot = await chain.request<string>('evm_snapshot')

    // History A: a transfer, a delegation and two votes, indexed.
    await transfer(u0, a, 25n * E)
    await castVote(a, active, 1)
    await delegate(d0, b)
    await castVote(b, active, 1)
    const endA = await head()
    const second = await cli(indexArgs(file))
    expect(second.code, second.stderr).toBe(0)
    expect(second.stderr).not.toMatch(/Reorg/)
    expect(count(file, `SELECT count(*) FROM vote WHERE block_number > ${forkBase}`)).toBe(2)

    // The rollback alone, to a block inside A: what an index up to that block holds.
    const middle = forkBase + 2
    const rolled = path.join(dir, 'rolled.db')
    fs.copyFileSync(file, rolled)
    const db = openDb({ path: rolled, create: true })
    expect(rollbackChain(db, 31337, middle).daos).toEqual(['gov'])
    db.close()
    const finalized = await cli(indexArgs(rolled, ['--to-block', String(middle)])) // reads the proposals the rollback reset
    expect(finalized.code, finalized.stderr).toBe(0)
    const toMiddle = path.join(dir, 'to-middle.db')
    const fresh = await cli(indexArgs(toMiddle, ['--to-block', String(middle)]))
    expect(fresh.code, fresh.stderr).toBe(0)
    expect(comparable(rolled)).toBe(comparable(toMiddle))
    expect(count(rolled, `SELECT count(*) FROM vote WHERE block_number > ${forkBase}`)).toBe(1)

    // History B in A's place: other transfers, another delegation, other votes, and longer.
    expect(await chain.request<boolean>('evm_revert', [snapshot])).toBe(true)
    await transfer(u0, c, 7n * E)
    await castVote(c, active, 0)
    await delegate(d1, c)
    await transfer(a, d0, 3n * E)
    await castVote(a, active, 2)
    await chain.request('anvil_mine', [toQuantity(2)])
    const endB = await head()
    expect(endB).toBeGreaterThan(endA)

    const third = await cli(indexArgs(file))
    expect(third.code, third.stderr).toBe(0)
    expect(third.stderr).toMatch(new RegExp(`Reorg: blocks ${forkBase + 1}\\.\\.${endA} replaced; rolled back to ${forkBase}`))
    const clean = path.join(dir, 'clean.db')
    const cleanRun = await cli(indexArgs(clean))
    expect(cleanRun.code, cleanRun.stderr).toBe(0)
    expect(comparable(file)).toBe(comparable(clean))
    // Not vacuous: B's votes are there, A's are gone.
    expect(count(file, `SELECT count(*) FROM vote WHERE block_number > ${forkBase}`)).toBe(2)
    expect(count(file, `SELECT count(*) FROM vote WHERE voter = '${b}' AND block_number > ${forkBase}`)).toBe(0)

    // Stored hashes are the new chain's, and the next run finds nothing to do.
    const again = await cli(indexArgs(file))
    expect(again.code, again.stderr).toBe(0)
    expect(again.stderr).not.toMatch(/Reorg/)
    const stored = new Database(file, { readonly: true })
    const rows = stored.prepare(`SELECT number, hash FROM block`).all() as { number: number; hash: string }[]
    stored.close()
    for (const r of rows) expect(r.hash).toBe((await chain.request<{ hash: string }>('eth_getBlockByNumber', [toQuantity(r.number), false])).hash)
  })

  test('a fork before a DAO of the chain starts is refused with exit 3, untouched', async () => {
    const file = path.join(dir, 'late-dao.db')
    const [u0, d1] = [scenario.others[2]!, scenario.others[1]!]
    const early = await cli(indexArgs(file))
    expect(early.code, early.stderr).toBe(0)
    const snapshot = await chain.request<string>('evm_snapshot')
    await transfer(u0, d1, 1n * E)
    await chain.request('anvil_mine', [toQuantity(2)])
    const lateStart = await head() // a DAO of the same token from here: no event of its own, a commit point
    const late = await cli(['index', '--rpc', anvil.url, '--token', scenario.token, '--name', 'late', '--from-block', String(lateStart), '--confirmations', '0', '--db', file])
    expect(late.code, late.stderr).toBe(0)

    expect(await chain.request<boolean>('evm_revert', [snapshot])).toBe(true)
    await transfer(u0, d1, 5n * E)
    await chain.request('anvil_mine', [toQuantity(3)])
    const before = dumpDb(file)
    const refused = await cli(indexArgs(file))
    expect(refused.code, refused.stderr).toBe(3)
    expect(refused.stderr).toMatch(new RegExp(`before the first block ${lateStart} of DAO "late"`))
    expect(dumpDb(file)).toBe(before)
  })

  test('a database of another chain (no stored block matches) is refused with exit 3, untouched', async () => {
    const file = path.join(dir, 'other-chain.db')
    const run = await cli(indexArgs(file))
    expect(run.code, run.stderr).toBe(0)
    const db = new Database(file)
    db.prepare(`UPDATE block SET hash = '0x' || substr('00000000000000000000000000000000000000000000000000000000000000' || number, -64)`).run()
    db.close()
    const before = dumpDb(file)
    const refused = await cli(indexArgs(file))
    expect(refused.code, refused.stderr).toBe(3)
    expect(refused.stderr).toMatch(/no longer has any block this database recorded/)
    expect(dumpDb(file)).toBe(before)
  })
})
