/** `proposals --source snapshot` and `votes --source snapshot`, run in-process on an indexed database. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Command } from 'commander'
import { createProgram } from '../../../src/cli/main.js'
import { createContext, type GlobalOptions } from '../../../src/cli/context.js'
import { openDb } from '../../../src/store/db.js'
import { insertDao } from '../../../src/store/daos.js'
import { indexSnapshotSpace } from '../../../src/sources/snapshot/indexSnapshotSpace.js'
import { UsageError } from '../../../src/errors.js'
import { startSnapshotHub } from '../../helpers/snapshotHub.js'
import { smallProposal } from './fixtures.js'

let dir: string
let file: string

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'govaudit-snapcli-'))
  file = path.join(dir, 'g.db')
  const db = openDb({ path: file, create: true })
  const dao = insertDao(db, { name: 'demo', chainId: 1, token: '0x' + '5'.repeat(40), tokenStandard: 'erc20', startBlock: 0 })
  const wrong = smallProposal({ id: '0xb', space: 's.eth', created: 2000 })
  wrong.scores = [wrong.scores[0]! + 1, wrong.scores[1]!, wrong.scores[2]!] // the hub's scores disagree with its votes
  wrong.votes[0]!.choice = 5 // and one vote does not fit basic
  const hub = await startSnapshotHub({ proposals: [smallProposal({ id: '0xa', space: 's.eth', created: 1000 }), wrong] })
  try {
    await indexSnapshotSpace({ db, dao, space: 's.eth', hub: hub.url })
  } finally {
    await hub.close()
    db.close()
  }
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

async function run(args: string[]): Promise<string> {
  let out = ''
  let program: Command | undefined
  const ctx = { ...createContext(() => program?.opts<GlobalOptions>() ?? {}), out: (t: string) => void (out += t) }
  program = createProgram(ctx)
  await program.parseAsync(['node', 'govaudit', '--db', file, ...args])
  return out
}

describe('--source snapshot', () => {
  test('proposals: each proposal with the hub scores rechecked, mismatches and anomalies listed', async () => {
    const j = JSON.parse(await run(['proposals', 'demo', '--source', 'snapshot', '--format', 'json']))
    expect(j.proposals.map((p: { id: string; check: { agrees: boolean } }) => [p.id, p.check.agrees])).toEqual([
      ['0xa', true],
      ['0xb', false],
    ])
    expect(j.proposals[1].check.anomalies).toHaveLength(1)
    const table = await run(['proposals', 'demo', '--source', 'snapshot'])
    expect(table).toMatch(/MISMATCH proposal 0xb choice 1/)
    expect(table).toMatch(/ANOMALY proposal 0xb vote of 0x0+1: basic wants one choice from 1 to 3; got 5/)
  })

  test('votes: largest vp first, shares of the total, the anomaly marked', async () => {
    const j = JSON.parse(await run(['votes', 'demo', '--source', 'snapshot', '--proposal', '0xb', '--format', 'json']))
    const vps = j.votes.map((v: { vp: number }) => v.vp)
    expect(vps).toEqual([...vps].sort((a: number, b: number) => b - a))
    expect(j.votes.map((v: { share: number }) => v.share).reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(1, 12)
    expect(j.votes.filter((v: { fitsType: boolean }) => !v.fitsType).map((v: { id: string }) => v.id)).toEqual(['0xb-v0'])
    expect(j.votes[0].choiceText).toMatch(/^(For|Against)$/)
    const csv = (await run(['votes', 'demo', '--source', 'snapshot', '--proposal', '0xb', '--format', 'csv'])).trim().split('\n')
    expect(csv).toHaveLength(6)
  })

  test('an unknown Snapshot proposal is a usage error', async () => {
    await expect(run(['votes', 'demo', '--source', 'snapshot', '--proposal', '0xnope'])).rejects.toThrow(UsageError)
    await expect(run(['proposals', 'demo', '--source', 'snapshot', '--state', 'active'])).rejects.toThrow(/--governor and --state apply to governor/)
  })
})
