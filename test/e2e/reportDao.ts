/**
 * The DAO the `govaudit report` tests read: the OpenZeppelin Governor scenario on anvil
 * (token, delegations, ten proposals in every state) plus a Snapshot space on the loopback
 * hub, one of whose proposal titles is hostile markup — indexed through the built CLI.
 */
import path from 'node:path'
import { expect } from 'vitest'
import { startAnvil, type StartAnvilResult } from '../../src/devchain/anvil.js'
import { playGovernorScenario, type PlayGovernorScenarioResult } from '../../src/devchain/governorScenario.js'
import { cli, tmpDir } from '../cli/harness.js'
import { startSnapshotHub, type SnapshotHub } from '../helpers/snapshotHub.js'
import { smallProposal } from '../sources/snapshot/fixtures.js'

/** Closes the script element, then tries to run code when injected as markup. */
export const HOSTILE_TITLE = `</script><img src=x onerror="document.title='pwned'"><b>bold</b>`

export type ReportDao = {
  anvil: StartAnvilResult
  hub: SnapshotHub
  scenario: PlayGovernorScenarioResult
  db: string
  /** Snapshot proposal ids, oldest first (66-character hex, like the hub's). */
  snapshotIds: string[]
  stop(): Promise<void>
}

export async function setUpReportDao(seed: string): Promise<ReportDao> {
  const anvil = await startAnvil({})
  const scenario = await playGovernorScenario({ url: anvil.url, fixture: 'oz-block', seed })
  const snapshotIds = [`0x${'ab'.repeat(32)}`, `0x${'cd'.repeat(32)}`]
  const hub = await startSnapshotHub({
    proposals: [
      smallProposal({ id: snapshotIds[0]!, space: 'report.eth', created: 1000 }),
      { ...smallProposal({ id: snapshotIds[1]!, space: 'report.eth', created: 2000, voters: 9 }), title: HOSTILE_TITLE },
    ],
  })
  const db = path.join(tmpDir('govaudit-report-'), 'report.db')
  const run = await cli([
    'index', '--rpc', anvil.url, '--token', scenario.token, '--governor', scenario.governor, '--snapshot', 'report.eth',
    '--hub', hub.url, '--name', 'dao', '--to-block', String(scenario.lastBlock), '--confirmations', '0', '--db', db,
  ])
  expect(run.code, run.stderr).toBe(0)
  return {
    anvil,
    hub,
    scenario,
    db,
    snapshotIds,
    stop: async () => {
      await hub.close()
      await anvil.stop()
    },
  }
}
