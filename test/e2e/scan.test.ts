/**
 * `govaudit scan` through the built CLI on one anvil chain: a DAO with an OZ governor and
 * votes, a token-only DAO, and a third whose RPC is a dead loopback port. The two live rows
 * must equal what `nakamoto`, `concentration` and `decisive --format json` print for the
 * same DAO's database; the dead one and a token without code are listed with their
 * reasons (exit codes 3 and 2) and the scan exits 3, the highest. A
 * malformed config exits 2 with file:line:column before anything is created.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startAnvil, type StartAnvilResult } from '../../src/devchain/anvil.js'
import { playGovernorScenario, type PlayGovernorScenarioResult } from '../../src/devchain/governorScenario.js'
import { playTokenScenario, type PlayTokenScenarioResult } from '../../src/devchain/tokenScenario.js'
import { cli, json, parseCsv, removeTmpDirs, tmpDir, type CliRun } from '../cli/harness.js'
import { deadPort } from '../helpers/deadPort.js'

const SECRET = 'MYSECRETKEY123456'

let anvil: StartAnvilResult
let gov: PlayGovernorScenarioResult
let tok: PlayTokenScenarioResult
let dir: string
let out: string
let config: string
let run: CliRun
let report: any

beforeAll(async () => {
  anvil = await startAnvil({})
  gov = await playGovernorScenario({ url: anvil.url, fixture: 'oz-block', seed: 'scan-gov' })
  tok = await playTokenScenario({ url: anvil.url, kind: 'erc20votes', accounts: 55, seed: 'scan-token' })
  // RPC URLs through the environment, as the README recommends for keyed URLs.
  process.env.SCAN_TEST_RPC = anvil.url
  process.env.SCAN_TEST_DEAD_RPC = `http://127.0.0.1:${await deadPort()}/v3/${SECRET}`
  dir = tmpDir('govaudit-scan-')
  out = path.join(dir, 'out')
  config = path.join(dir, 'scan.json')
  const daos = [
    { name: 'gov', token: gov.token, governors: [{ address: gov.governor, kind: 'oz' }], toBlock: gov.lastBlock },
    { name: 'tok', token: tok.token, toBlock: tok.lastBlock },
    { name: 'nocode', token: '0x000000000000000000000000000000000000dead' },
    { name: 'dead', token: tok.token, rpc: '${SCAN_TEST_DEAD_RPC}' },
  ]
  fs.writeFileSync(config, JSON.stringify({ rpc: '$SCAN_TEST_RPC', defaults: { confirmations: 0 }, daos }, null, 2))
  run = await cli(['scan', config, '--out', out, '--format', 'json', '--concurrency', '2', '--rpc-timeout', '5'])
  report = json(run)
})
afterAll(async () => {
  delete process.env.SCAN_TEST_RPC
  delete process.env.SCAN_TEST_DEAD_RPC
  await anvil?.stop()
  removeTmpDirs()
})

const row = (name: string) => report.rows.find((r: any) => r.dao === name)

describe('scan: two DAOs on a local chain and one on a dead RPC', () => {
  test('failed DAOs are listed with their reasons; the others complete; exit 3, the highest code', () => {
    expect(run.code, run.stderr).toBe(3)
    expect(report.rows.map((r: any) => r.dao)).toEqual(['gov', 'tok', 'nocode', 'dead'])
    expect(row('nocode').error).toEqual({ code: 2, message: expect.stringMatching(/has no contract code/) })
    expect(row('gov').error, run.stderr).toBeNull()
    expect(row('tok').error, run.stderr).toBeNull()
    expect(row('dead').error.code).toBe(3)
    expect(row('dead').error.message).toMatch(/^RPC http:\/\/127\.0\.0\.1:\d+\/<redacted> is unreachable/)
    expect(row('dead').nakamoto).toBeNull()
    expect(run.stderr).toMatch(/\[dead\] failed \(exit 3\): RPC .* is unreachable/)
    expect(run.stderr).toMatch(/\[gov\] indexing blocks/)
    expect(row('dead').database).toBeNull()
    expect(fs.existsSync(path.join(out, 'dead.db'))).toBe(false)
  })

  test('the key in the dead RPC URL appears nowhere; the config echo shows the env reference', () => {
    const written = ['scan.csv', 'scan.json'].map((f) => fs.readFileSync(path.join(out, f), 'utf8'))
    for (const text of [run.stdout, run.stderr, ...written]) expect(text).not.toContain(SECRET)
    expect(report.config.daos.map((d: any) => d.rpc)).toEqual(['$SCAN_TEST_RPC', '$SCAN_TEST_RPC', '$SCAN_TEST_RPC', '${SCAN_TEST_DEAD_RPC}'])
  })

  test.each(['gov', 'tok'])('%s: the row equals nakamoto / concentration / decisive --format json on its database', async (name) => {
    const r = row(name)
    const db = r.database
    expect(db).toBe(path.join(out, `${name}.db`))
    const [vp, balance, conc, decisive] = await Promise.all([
      cli(['nakamoto', name, '--db', db, '--format', 'json']),
      cli(['nakamoto', name, '--db', db, '--basis', 'balance', '--format', 'json']),
      cli(['concentration', name, '--db', db, '--format', 'json']),
      cli(['decisive', name, '--db', db, '--format', 'json']),
    ])
    const scenario = name === 'gov' ? gov : tok
    expect(r.block).toBe(scenario.lastBlock)
    expect(r.chainId).toBe(31337)
    for (const [basis, cmd] of [['votingPower', vp], ['balance', balance]] as const) {
      expect(cmd!.code, cmd!.stderr).toBe(0)
      const j = json(cmd!)
      expect(r.nakamoto[basis]).toEqual({
        k: j.nakamoto, threshold: j.threshold, thresholdRatio: j.thresholdRatio, denominator: j.denominator, total: j.total, population: j.population, block: j.block,
      })
      expect(j.block).toBe(scenario.lastBlock)
    }
    expect(r.nakamoto.votingPower.k).toBeGreaterThan(0)
    expect(conc!.code, conc!.stderr).toBe(0)
    const c = json(conc!)
    expect([r.gini, r.hhi, r.concentration.basis, r.concentration.population, r.concentration.total]).toEqual([c.gini, c.hhi, c.basis, c.population, c.total])

    if (name === 'gov') {
      expect(decisive!.code, decisive!.stderr).toBe(0)
      const d = json(decisive!)
      expect([r.whaleDecidedShare, r.decided, r.whaleDecided, r.whales]).toEqual([d.whaleDecidedShare, d.decided, d.whaleDecided, d.whales])
      expect(r.decided).toBeGreaterThan(0)
      expect(r.proposals).toBe(d.proposals.length)
      // What the scenario did on chain: every proposal it created, everyone who voted.
      expect(r.proposals).toBe(gov.proposals.length)
      expect(r.voters).toBe(new Set(gov.votes.map((v) => v.voter)).size)
    } else {
      // A token without a governor: `decisive` has nothing to assess; the row says so with nulls, not an error.
      expect(decisive!.code).toBe(2)
      expect(decisive!.stderr).toMatch(/has no stored proposals/)
      expect([r.proposals, r.voters, r.decided, r.whaleDecidedShare]).toEqual([0, 0, 0, null])
    }
  })

  test('scan.csv has one row per DAO with the same figures; a rerun resumes and prints the same CSV to stdout', async () => {
    const csv = parseCsv(fs.readFileSync(path.join(out, 'scan.csv'), 'utf8'))
    expect(csv.map((c) => c.dao)).toEqual(['gov', 'tok', 'nocode', 'dead'])
    for (const c of csv) {
      const j = row(c.dao!)
      expect(c.nakamotoVotingPower).toBe(j.nakamoto ? String(j.nakamoto.votingPower.k) : '')
      expect(c.nakamotoBalance).toBe(j.nakamoto ? String(j.nakamoto.balance.k) : '')
      expect(c.giniVotingPower).toBe(j.gini === null ? '' : String(j.gini))
      expect(c.whaleDecidedShare).toBe(j.whaleDecidedShare === null ? '' : String(j.whaleDecidedShare))
      expect(c.errorCode).toBe(j.error ? String(j.error.code) : '')
      expect(c.block).toBe(j.block === null ? '' : String(j.block))
    }
    const again = await cli(['scan', config, '--out', out, '--format', 'csv', '--rpc-timeout', '5'])
    expect(again.code).toBe(3)
    expect(again.stderr).toMatch(/\[gov\] up to date at block/)
    const strip = (rows: Record<string, string>[]) => rows.map(({ error: _e, ...rest }) => rest) // the dead port's number may differ
    expect(strip(parseCsv(again.stdout))).toEqual(strip(csv))
  })
})

describe('scan: bad input', () => {
  test('a malformed config: exit 2, file:line:column in one sentence, nothing created', async () => {
    const bad = path.join(dir, 'bad.json')
    fs.writeFileSync(bad, `{\n  "rpc": "$SCAN_TEST_RPC",\n  "daos": [\n    { "name": "x", "token": "0x12" }\n  ]\n}\n`)
    const outBad = path.join(dir, 'never')
    const r = await cli(['scan', bad, '--out', outBad])
    expect(r.code).toBe(2)
    expect(r.stdout).toBe('')
    expect(r.stderr.trim()).toBe(`govaudit: ${bad}:4:29: daos[0].token: must be a 0x-prefixed 20-byte hex address; got "0x12".`)
    expect(fs.existsSync(outBad)).toBe(false)
  })

  test('--db is refused: scan keeps one database per DAO', async () => {
    const r = await cli(['--db', path.join(dir, 'x.db'), 'scan', config])
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(/one database per DAO/)
  })
})
