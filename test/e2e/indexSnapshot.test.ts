/**
 * `govaudit index --snapshot SPACE --hub URL` through the built CLI: the token from anvil,
 * the space from the loopback hub, into one DAO; the API key never printed; a re-run
 * fetches nothing new; an unknown space is exit 2 and leaves the database as it was.
 */
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startAnvil, type StartAnvilResult } from '../../src/devchain/anvil.js'
import { devProvider } from '../../src/devchain/devProvider.js'
import { deployToken } from '../../src/devchain/deploy.js'
import { cli, json, sha256, tmpDir } from '../cli/harness.js'
import { startSnapshotHub, type SnapshotHub } from '../helpers/snapshotHub.js'
import { smallProposal } from '../sources/snapshot/fixtures.js'

let anvil: StartAnvilResult
let hub: SnapshotHub
let token: string

beforeAll(async () => {
  anvil = await startAnvil({})
  const signer = await devProvider(anvil.url).getSigner(0)
  const deployed = await deployToken({ kind: 'erc20votes', signer })
  await (await deployed.contract.mint(signer.address, 10n ** 21n)).wait()
  token = deployed.address.toLowerCase()
  hub = await startSnapshotHub({
    proposals: [smallProposal({ id: '0xa1', space: 'demo.eth', created: 1000 }), smallProposal({ id: '0xa2', space: 'demo.eth', created: 2000, voters: 9 })],
  })
})
afterAll(async () => {
  await hub?.close()
  await anvil?.stop()
})

test('token and Snapshot space land in one DAO; re-run is incremental; unknown space is exit 2', async () => {
  const db = path.join(tmpDir('govaudit-snap-e2e-'), 'g.db')
  const base = ['index', '--rpc', anvil.url, '--token', token, '--name', 'dao', '--confirmations', '0', '--db', db, '--hub', `${hub.url}`]
  const first = await cli([...base, '--snapshot', 'demo.eth'])
  expect(first.code, first.stderr).toBe(0)
  expect(first.stderr).toMatch(/Snapshot demo\.eth .*: 2 new and 0 re-read proposal\(s\), 14 votes/)

  const listed = await cli(['proposals', 'dao', '--source', 'snapshot', '--db', db, '--format', 'json'])
  expect(listed.code, listed.stderr).toBe(0)
  expect(JSON.stringify(json(listed))).toContain('0xa2')

  const again = await cli([...base, '--snapshot', 'demo.eth'])
  expect(again.code, again.stderr).toBe(0)
  expect(again.stderr).toMatch(/0 new and 0 re-read proposal\(s\), 0 votes/)

  const before = sha256(db)
  const unknown = await cli([...base, '--snapshot', 'no-such-space.eth'])
  expect(unknown.code).toBe(2)
  expect(unknown.stderr).toMatch(/no-such-space\.eth/)
  expect(sha256(db)).toBe(before)
})
