/**
 * Snapshot delegations through the built CLI on a real anvil: the fixture DelegateRegistry
 * (the Gnosis contract's events, view and rules), delegations set, changed and cleared for
 * the space id and the global id, indexed by `govaudit index --snapshot --delegate-registry`
 * in two incremental runs, and `govaudit delegations` compared around each run's edge with the
 * contract's own `delegation(delegator, id)` — space over global, as Snapshot reads them.
 * The default registry missing on the chain is a note, not a failure; a registry the user
 * named that has no code is exit 2 with the database untouched.
 */
import path from 'node:path'
import { ContractFactory, type Contract, type Signer } from 'ethers'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startAnvil, type StartAnvilResult } from '../../src/devchain/anvil.js'
import { devProvider } from '../../src/devchain/devProvider.js'
import { deployToken } from '../../src/devchain/deploy.js'
import { loadArtifact } from '../../src/devchain/artifacts.js'
import { GLOBAL_DELEGATION_ID, spaceDelegationId } from '../../src/sources/snapshot/delegateRegistry.js'
import { cli, json, sha256, tmpDir } from '../cli/harness.js'
import { startSnapshotHub, type SnapshotHub } from '../helpers/snapshotHub.js'
import { smallProposal } from '../sources/snapshot/fixtures.js'

const SPACE = 'demo.eth'
const ZERO = `0x${'0'.repeat(40)}`
let anvil: StartAnvilResult
let hub: SnapshotHub
let provider: ReturnType<typeof devProvider>
let token: string

beforeAll(async () => {
  anvil = await startAnvil({})
  provider = devProvider(anvil.url)
  const signer = await provider.getSigner(0)
  const deployed = await deployToken({ kind: 'erc20votes', signer })
  await (await deployed.contract.mint(signer.address, 10n ** 21n)).wait()
  token = deployed.address.toLowerCase()
  hub = await startSnapshotHub({ proposals: [smallProposal({ id: '0xa1', space: SPACE, created: 1000 })] })
})
afterAll(async () => {
  provider?.destroy()
  await hub?.close()
  await anvil?.stop()
})

test('indexed through the CLI, `delegations` equals the registry view at the blocks around each run', async () => {
  const db = path.join(tmpDir('govaudit-deleg-e2e-'), 'g.db')
  const base = ['index', '--rpc', anvil.url, '--token', token, '--name', 'dao', '--confirmations', '0', '--db', db, '--hub', hub.url, '--snapshot', SPACE]

  // No registry at the mainnet address on anvil: proposals are indexed, delegations skipped with a sentence.
  const plain = await cli(base)
  expect(plain.code, plain.stderr).toBe(0)
  expect(plain.stderr).toMatch(/Snapshot delegations skipped: no DelegateRegistry at 0x469788fe6e9e9681c6ebf3bf78e7fd26fc015446 on chain 31337/)
  const none = await cli(['delegations', 'dao', '--snapshot', '--db', db])
  expect(none.code).toBe(2)
  expect(none.stderr).toMatch(/no Snapshot delegations indexed/)

  const signers: Signer[] = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => provider.getSigner(i)))
  const addr = await Promise.all(signers.map(async (s) => (await s.getAddress()).toLowerCase()))
  const { abi, bytecode } = loadArtifact('DelegateRegistry')
  const deployed = await new ContractFactory(abi, bytecode, signers[0]!).deploy()
  await deployed.waitForDeployment()
  const registry = (await deployed.getAddress()).toLowerCase()
  const start = await provider.getBlockNumber()
  const as = (i: number) => deployed.connect(signers[i]!) as unknown as Contract
  const send = async (p: Promise<{ wait(): Promise<unknown> }>) => (await p).wait()
  const spaceId = spaceDelegationId(SPACE)
  await send(as(1).getFunction('setDelegate')(spaceId, addr[5]))
  await send(as(2).getFunction('setDelegate')(GLOBAL_DELEGATION_ID, addr[5]))
  await send(as(3).getFunction('setDelegate')(spaceId, addr[4]))
  await send(as(3).getFunction('setDelegate')(GLOBAL_DELEGATION_ID, addr[5]))

  // A registry the user named must exist: exit 2, one sentence, database untouched.
  const before = sha256(db)
  const [wrong, alone] = await Promise.all([
    cli([...base, '--delegate-registry', addr[4]!]),
    cli(['index', '--rpc', anvil.url, '--name', 'dao', '--db', db, '--delegate-registry', registry]),
  ])
  expect(wrong.code).toBe(2)
  expect(wrong.stderr).toMatch(new RegExp(`--delegate-registry ${addr[4]} has no contract code on chain 31337`))
  expect(sha256(db)).toBe(before)
  expect(alone.code, alone.stderr).toBe(2)
  expect(alone.stderr).toMatch(/--delegate-registry needs --snapshot/)

  const first = await cli([...base, '--delegate-registry', registry])
  expect(first.code, first.stderr).toBe(0)
  const mid = await provider.getBlockNumber()
  expect(first.stderr).toMatch(new RegExp(`Snapshot ${SPACE} delegations \\(DelegateRegistry ${registry}.*: blocks \\d+\\.\\.\\d+, 4 SetDelegate/ClearDelegate events`))

  await send(as(1).getFunction('setDelegate')(spaceId, addr[4])) // ClearDelegate + SetDelegate
  await send(as(3).getFunction('clearDelegate')(spaceId)) // 3 falls back to its global delegate
  await send(as(4).getFunction('setDelegate')(spaceDelegationId('other.eth'), addr[1])) // another space: not ours
  await send(as(2).getFunction('clearDelegate')(GLOBAL_DELEGATION_ID))
  await send(as(2).getFunction('setDelegate')(spaceId, addr[1]))
  await send(as(0).getFunction('setDelegate')(GLOBAL_DELEGATION_ID, addr[3]))
  const second = await cli([...base, '--delegate-registry', registry])
  expect(second.code, second.stderr).toBe(0)
  expect(second.stderr).toMatch(/, 6 SetDelegate\/ClearDelegate events/) // 1's change is two events; other.eth is not read
  const head = await provider.getBlockNumber()

  const viewAt = async (b: number) => {
    const expected: { delegator: string; delegate: string; scope: 'space' | 'global' }[] = []
    for (const a of addr) {
      const space = ((await as(0).getFunction('delegation')(a, spaceId, { blockTag: b })) as string).toLowerCase()
      const global = ((await as(0).getFunction('delegation')(a, GLOBAL_DELEGATION_ID, { blockTag: b })) as string).toLowerCase()
      if (space !== ZERO) expected.push({ delegator: a, delegate: space, scope: 'space' })
      else if (global !== ZERO) expected.push({ delegator: a, delegate: global, scope: 'global' })
    }
    return expected.sort((x, y) => (x.delegator < y.delegator ? -1 : 1))
  }
  // Blocks around each run's edge (the store test compares every block; here the CLI path).
  const blocks = [start, start + 2, mid, mid + 1, mid + 3, head - 1]
  const runs = await Promise.all(blocks.map((b) => cli(['delegations', 'dao', '--snapshot', '--block', String(b), '--format', 'json', '--db', db])))
  for (const [i, run] of runs.entries()) {
    expect(run.code, run.stderr).toBe(0)
    const got = json(run)
    expect(got).toMatchObject({ space: SPACE, registry, block: blocks[i], indexedThrough: head, spaceId, globalId: GLOBAL_DELEGATION_ID })
    expect(got.delegations).toEqual(await viewAt(blocks[i]!))
  }
  // Not vacuous: at the head both kinds are in force, and the default block is the head.
  const [nowRun, table, beyond, noFlag] = await Promise.all([
    cli(['delegations', 'dao', '--snapshot', SPACE, '--format', 'json', '--db', db]),
    cli(['delegations', 'dao', '--snapshot', '--db', db]),
    cli(['delegations', 'dao', '--snapshot', '--block', String(head + 1), '--db', db]),
    cli(['delegations', 'dao', '--db', db]),
  ])
  const now = json(nowRun)
  expect(now.block).toBe(head)
  expect(now.delegations.map((d: { scope: string }) => d.scope).sort()).toEqual(['global', 'global', 'space', 'space'])
  expect(now.delegations).toEqual(await viewAt(head))

  expect(table.stdout).toMatch(/overrides the delegator's global one/)
  expect(beyond.code).toBe(2)
  expect(beyond.stderr).toMatch(new RegExp(`indexed through block ${head}`))
  expect(noFlag.code).toBe(2)
})
