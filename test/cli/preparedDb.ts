/**
 * One database for CLI tests that only read it, built with the CLI itself: the demo DAO's
 * history played on a local anvil (an OpenZeppelin ERC20Votes token and Governor, the same
 * story as `govaudit demo`), a Snapshot space on a local hub and delegations in a fixture
 * DelegateRegistry, all indexed with `govaudit index`; plus an imported DAO from the CSV
 * fixture (fixture.ts). The chain and hub keep running, so commands that read them
 * (verify) work too; call stop() in afterAll. Ids come from the CLI's own JSON.
 */
import fs from 'node:fs'
import path from 'node:path'
import { expect } from 'vitest'
import { ContractFactory, type Contract } from 'ethers'
import { startAnvil } from '../../src/devchain/anvil.js'
import { devProvider } from '../../src/devchain/devProvider.js'
import { loadArtifact } from '../../src/devchain/artifacts.js'
import { playDemoDao } from '../../src/demo/demoDao.js'
import { GLOBAL_DELEGATION_ID, spaceDelegationId } from '../../src/sources/snapshot/delegateRegistry.js'
import { startSnapshotHub } from '../helpers/snapshotHub.js'
import { smallProposal } from '../sources/snapshot/fixtures.js'
import { fixtureRows, SUPPORT_WORDS } from './fixture.js'
import { cli, json, tmpDir, writeCsv } from './harness.js'

export type PreparedDb = {
  dir: string
  db: string
  /** The token + governor DAO on the chain at `rpc`. */
  chainDao: 'demo'
  /** The CSV DAO (holders and votes, no governor). */
  importedDao: 'csvdao'
  rpc: string
  /** The chain DAO's token (lowercase). */
  token: string
  labelsFile: string
  holdersFile: string
  votesFile: string
  governor: string
  /** A governor proposal id of the chain DAO, its Snapshot space and proposal, and an imported proposal id. */
  governorProposal: string
  space: string
  snapshotProposal: string
  importedProposal: string
  stop(): Promise<void>
}

export async function preparedDb(): Promise<PreparedDb> {
  const dir = tmpDir('govaudit-prepared-')
  const db = path.join(dir, 'prepared.db')
  const space = 'demo.eth'
  const snapshotProposal = '0xa1'
  const anvil = await startAnvil({})
  const hub = await startSnapshotHub({ proposals: [smallProposal({ id: snapshotProposal, space, created: 1000 })] })
  const provider = devProvider(anvil.url)
  const stop = async () => {
    provider.destroy()
    await hub.close()
    await anvil.stop()
  }
  try {
    const story = await playDemoDao(anvil.url)
    const signers = await Promise.all([0, 1, 2].map((i) => provider.getSigner(i)))
    const { abi, bytecode } = loadArtifact('DelegateRegistry')
    const registry = await new ContractFactory(abi, bytecode, signers[0]!).deploy()
    await registry.waitForDeployment()
    const as = (i: number) => registry.connect(signers[i]!) as unknown as Contract
    await (await as(1).getFunction('setDelegate')(spaceDelegationId(space), await signers[2]!.getAddress())).wait()
    await (await as(2).getFunction('setDelegate')(GLOBAL_DELEGATION_ID, await signers[0]!.getAddress())).wait()
    const indexed = await cli([
      'index', '--rpc', anvil.url, '--token', story.token, '--governor', story.governor, '--name', 'demo',
      '--snapshot', space, '--hub', hub.url, '--delegate-registry', await registry.getAddress(),
      '--confirmations', '0', '--db', db, '--quiet',
    ])
    expect(indexed, indexed.stderr).toEqual({ code: 0, stdout: '', stderr: '' })

    const { holders, votes, proposals, labels } = fixtureRows(7)
    const holdersFile = writeCsv(path.join(dir, 'holders.csv'), 'address,weight', holders.map((h) => [h.address, h.weight]))
    const votesFile = writeCsv(
      path.join(dir, 'votes.csv'),
      'proposal_id,voter,support,weight',
      votes.map((v) => [v.proposalId, v.voter, SUPPORT_WORDS[v.support], v.weight]),
    )
    const labelsFile = path.join(dir, 'labels.csv')
    fs.writeFileSync(
      labelsFile,
      ['address,label,entity,exclude', ...[...labels].map(([a, l]) => `${a},${l.label},${l.entity ?? ''},${l.exclude ? 'true' : ''}`)].join('\n') + '\n',
    )
    const imported = await cli(['import', 'csvdao', '--holders', holdersFile, '--votes', votesFile, '--db', db, '--quiet'])
    expect(imported, imported.stderr).toEqual({ code: 0, stdout: '', stderr: '' })

    const listed = json<{ governors: { address: string }[]; proposals: { id: string }[] }>(await cli(['proposals', 'demo', '--db', db, '--format', 'json']))
    return {
      dir,
      db,
      chainDao: 'demo',
      importedDao: 'csvdao',
      rpc: anvil.url,
      token: story.token.toLowerCase(),
      labelsFile,
      holdersFile,
      votesFile,
      governor: listed.governors[0]!.address,
      governorProposal: listed.proposals[0]!.id,
      space,
      snapshotProposal,
      importedProposal: proposals[0]!,
      stop,
    }
  } catch (error) {
    await stop()
    throw error
  }
}
