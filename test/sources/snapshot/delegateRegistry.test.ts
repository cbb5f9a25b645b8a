/**
 * DelegateRegistry on a real anvil: the fixture registry (fixtures/contracts/DelegateRegistry.sol,
 * the Gnosis contract's events, view and rules), delegations set and cleared for a space id and the global
 * id, indexed through the RPC layer, and compared with the contract's own
 * `delegation(delegator, id)` at every block — never with values typed in.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ContractFactory, type Contract, type Signer } from 'ethers'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { useAnvil } from '../../helpers/anvil.js'
import { devProvider } from '../../../src/devchain/devProvider.js'
import { loadArtifact } from '../../../src/devchain/artifacts.js'
import { createRpcClient } from '../../../src/sources/evm/rpc.js'
import { openDb, type Db } from '../../../src/store/db.js'
import { insertDao, type Dao } from '../../../src/store/daos.js'
import { indexDelegations } from '../../../src/sources/snapshot/indexDelegations.js'
import { delegationsAt } from '../../../src/store/snapshotDelegations.js'
import { GLOBAL_DELEGATION_ID, spaceDelegationId } from '../../../src/sources/snapshot/delegateRegistry.js'

const chain = useAnvil()
const SPACE = 'test.eth'
const OTHER = 'other.eth'
let db: Db
let dao: Dao
let dir: string

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govaudit-deleg-'))
  db = openDb({ path: path.join(dir, 'g.db'), create: true })
  dao = insertDao(db, { name: 'd', chainId: 31337, token: '0x' + '4'.repeat(40), tokenStandard: 'erc20', startBlock: 0 })
})
afterAll(() => {
  db?.close()
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

test('indexed delegations equal the registry view at every block, space over global', async () => {
  const provider = devProvider(chain.url)
  try {
    const signers: Signer[] = await Promise.all([0, 1, 2, 3, 4, 5].map((i) => provider.getSigner(i)))
    const addr = await Promise.all(signers.map((s) => s.getAddress()))
    const { abi, bytecode } = loadArtifact('DelegateRegistry')
    const factory = new ContractFactory(abi as never, bytecode, signers[0]!)
    const deployed = await factory.deploy()
    await deployed.waitForDeployment()
    const registry = (await deployed.getAddress()).toLowerCase()
    const start = await provider.getBlockNumber()
    const as = (i: number) => deployed.connect(signers[i]!) as unknown as Contract
    const spaceId = spaceDelegationId(SPACE)
    const otherId = spaceDelegationId(OTHER)
    const send = async (p: Promise<{ wait(): Promise<unknown> }>) => (await p).wait()
    // A script of set / change / clear, for this space, globally, and for another space (not indexed).
    await send(as(1).getFunction('setDelegate')(spaceId, addr[5]))
    await send(as(2).getFunction('setDelegate')(GLOBAL_DELEGATION_ID, addr[5]))
    await send(as(3).getFunction('setDelegate')(spaceId, addr[4]))
    await send(as(3).getFunction('setDelegate')(GLOBAL_DELEGATION_ID, addr[5]))
    const mid = await provider.getBlockNumber()
    await send(as(1).getFunction('setDelegate')(spaceId, addr[4])) // change: ClearDelegate + SetDelegate
    await send(as(3).getFunction('clearDelegate')(spaceId)) // 3 falls back to the global delegation
    await send(as(4).getFunction('setDelegate')(otherId, addr[1])) // another space: not ours
    await send(as(2).getFunction('clearDelegate')(GLOBAL_DELEGATION_ID))
    await send(as(2).getFunction('setDelegate')(spaceId, addr[1]))
    const head = await provider.getBlockNumber()

    const rpc = createRpcClient({ url: chain.url })
    // Two runs: up to mid, then the rest from the cursor.
    expect((await indexDelegations({ db, dao, rpc, space: SPACE, registry, fromBlock: start, toBlock: mid })).events).toBe(4)
    const second = await indexDelegations({ db, dao, rpc, space: SPACE, registry, fromBlock: start, toBlock: head })
    expect(second).toEqual({ registry, space: SPACE, fromBlock: mid + 1, toBlock: head, events: 5 })

    for (let b = start; b <= head; b++) {
      const expected: { delegator: string; delegate: string; scope: 'space' | 'global' }[] = []
      for (const i of [0, 1, 2, 3, 4, 5]) {
        const space = ((await as(0).getFunction('delegation')(addr[i], spaceId, { blockTag: b })) as string).toLowerCase()
        const global = ((await as(0).getFunction('delegation')(addr[i], GLOBAL_DELEGATION_ID, { blockTag: b })) as string).toLowerCase()
        const zero = `0x${'0'.repeat(40)}`
        if (space !== zero) expected.push({ delegator: addr[i]!.toLowerCase(), delegate: space, scope: 'space' })
        else if (global !== zero) expected.push({ delegator: addr[i]!.toLowerCase(), delegate: global, scope: 'global' })
      }
      expected.sort((x, y) => (x.delegator < y.delegator ? -1 : 1))
      expect(delegationsAt(db, { daoId: dao.id, registry, spaceId, globalId: GLOBAL_DELEGATION_ID, blockNumber: b })).toEqual(expected)
    }
    // The script leaves both kinds in force at the head: the comparison above is not vacuous.
    const final = delegationsAt(db, { daoId: dao.id, registry, spaceId, globalId: GLOBAL_DELEGATION_ID, blockNumber: head })
    expect(final.map((d) => d.scope).sort()).toEqual(['global', 'space', 'space'])
  } finally {
    provider.destroy()
  }
})
