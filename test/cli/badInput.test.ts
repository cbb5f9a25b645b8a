/**
 * The bad-input matrix (issue 7): every command given something wrong answers with one
 * sentence on one stderr line naming the bad thing, nothing on stdout, the exit code of
 * DESIGN.md §8, and leaves the database byte-identical. Each case runs on its own copy of
 * one prepared database (preparedDb.ts), so a case that wrote would be caught by name.
 */
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { cli, removeTmpDirs, sha256, tmpDir } from './harness.js'
import { preparedDb, type PreparedDb } from './preparedDb.js'

/** What a case's argv can refer to. */
type Where = {
  /** This case's own copy of the prepared database. */
  db: string
  /** This case's folder (files made here are checksummed too). */
  dir: string
  p: PreparedDb
  /** Write a file into the case's folder and return its path. */
  file(name: string, content: string | Buffer): string
  /** An RPC endpoint that refuses every request with HTTP 401 (a source failure, no retries). */
  rpc: string
}

type Case = {
  name: string
  argv: (w: Where) => string[]
  env?: (w: Where) => NodeJS.ProcessEnv
  code: 2 | 3 | 4
  /** The sentence, naming the bad thing (matched against the one line after "govaudit: "). */
  says: RegExp
}

const TOKEN = '0x1f9840a85d5af5bf1d1762f925bdaddc4201f984'
/** Uniswap's token with one letter's case flipped: a valid address shape, a wrong EIP-55 checksum. */
const BAD_CHECKSUM = '0x1f9840a85d5Af5bf1D1762F925BDADdC4201F984'
const VOTES_HEADER = 'proposal_id,voter,support,weight\n'

const cases: Case[] = [
  // Any command: commander's usage errors.
  { name: 'unknown command', argv: () => ['frobnicate'], code: 2, says: /^unknown command 'frobnicate'/ },
  { name: 'unknown option', argv: (w) => ['list', '--frobnicate', '--db', w.db], code: 2, says: /^unknown option '--frobnicate'/ },
  { name: 'missing <dao>', argv: (w) => ['nakamoto', '--db', w.db], code: 2, says: /^missing required argument 'dao'/ },
  { name: 'too many arguments', argv: (w) => ['presets', 'extra', '--db', w.db], code: 2, says: /^too many arguments for 'presets'; expected 0 arguments but got 1/ },
  { name: 'option without its value', argv: (w) => ['nakamoto', 'demo', '--db', w.db, '--block'], code: 2, says: /^option '--block <n>' argument missing/ },

  // The database file.
  { name: 'db path in a missing folder', argv: (w) => ['list', '--db', path.join(w.dir, 'nope', 'x.db')], code: 2, says: /^No database at .*nope\/x\.db/ },
  { name: 'import into a db in a missing folder', argv: (w) => ['import', 'x', '--votes', w.p.votesFile, '--db', path.join(w.dir, 'nope', 'x.db')], code: 2, says: /folder .*nope does not exist/ },
  { name: 'GOVAUDIT_DB names a missing file', argv: () => ['list'], env: (w) => ({ GOVAUDIT_DB: path.join(w.dir, 'absent.db') }), code: 2, says: /^No database at .*absent\.db/ },
  { name: 'db path is a folder', argv: (w) => ['concentration', 'demo', '--db', w.dir], code: 2, says: /is a folder; give a file path/ },
  { name: 'db is an empty file', argv: (w) => ['list', '--db', w.file('empty.db', '')], code: 4, says: /empty\.db is not a govaudit database/ },
  { name: 'db is some other SQLite file', argv: (w) => ['nakamoto', 'demo', '--db', foreignDb(w)], code: 4, says: /is an SQLite database but not a govaudit one/ },
  { name: 'db is corrupt', argv: (w) => ['list', '--db', w.file('corrupt.db', corrupt())], code: 4, says: /is not a usable SQLite database/ },
  { name: 'db from a newer govaudit', argv: (w) => ['list', '--db', newerDb(w)], code: 4, says: /newer than this govaudit understands.*upgrade govaudit/ },

  // list / presets: --format.
  { name: 'list --format yaml', argv: (w) => ['list', '--format', 'yaml', '--db', w.db], code: 2, says: /^--format must be one of table, json, csv, markdown; got "yaml"/ },

  // import.
  { name: 'import: votes file missing', argv: (w) => ['import', 'x', '--votes', path.join(w.dir, 'absent.csv'), '--db', w.db], code: 2, says: /^Cannot read --votes file .*absent\.csv: it does not exist/ },
  { name: 'import: nothing to import', argv: (w) => ['import', 'x', '--db', w.db], code: 2, says: /^Nothing to import: pass --votes/ },
  { name: 'import: bad DAO name', argv: (w) => ['import', 'Bad Name!', '--votes', w.p.votesFile, '--db', w.db], code: 2, says: /^DAO name must be .*got "Bad Name!"/ },
  {
    name: 'import: one bad row',
    argv: (w) => ['import', 'x', '--votes', w.file('v.csv', `${VOTES_HEADER}1,${TOKEN},maybe,5\n`), '--db', w.db],
    code: 2,
    says: /v\.csv line 2: support must be .*; nothing was imported\.$/,
  },
  {
    name: 'import: bad address checksum',
    argv: (w) => ['import', 'x', '--votes', w.file('v.csv', `${VOTES_HEADER}1,${BAD_CHECKSUM},for,5\n`), '--db', w.db],
    code: 2,
    says: /line 2: .*invalid EIP-55 checksum/,
  },
  { name: 'import: holders into a chain DAO', argv: (w) => ['import', 'demo', '--holders', w.p.holdersFile, '--db', w.db], code: 2, says: /^DAO "demo" is indexed from chain 31337/ },

  // nakamoto / concentration.
  { name: 'nakamoto: missing DAO', argv: (w) => ['nakamoto', 'nodao', '--db', w.db], code: 2, says: /^No DAO named "nodao" in this database; known: csvdao, demo/ },
  { name: 'nakamoto: negative threshold', argv: (w) => ['nakamoto', 'demo', '--threshold', '-0.1', '--db', w.db], code: 2, says: /^--threshold must be .*\(0, 1\).*got -0\.1/ },
  { name: 'nakamoto: threshold > 1', argv: (w) => ['nakamoto', 'demo', '--threshold', '1.5', '--db', w.db], code: 2, says: /^--threshold must be in \(0, 1\); got 1\.5/ },
  { name: 'nakamoto: unknown basis', argv: (w) => ['nakamoto', 'demo', '--basis', 'stake', '--db', w.db], code: 2, says: /^--basis must be one of voting-power, balance, votes; got "stake"/ },
  { name: 'nakamoto: negative block', argv: (w) => ['nakamoto', 'demo', '--block', '-1', '--db', w.db], code: 2, says: /^--block must be a whole number >= 0; got "-1"/ },
  { name: 'nakamoto: block after the indexed range', argv: (w) => ['nakamoto', 'demo', '--block', '99999999', '--db', w.db], code: 2, says: /^Block 99999999 is after the last indexed block/ },
  { name: 'nakamoto: proposal not found', argv: (w) => ['nakamoto', 'demo', '--proposal', '999', '--db', w.db], code: 2, says: /^No proposal "999" for DAO "demo"/ },
  { name: 'nakamoto: labels file missing', argv: (w) => ['nakamoto', 'demo', '--labels', path.join(w.dir, 'absent.csv'), '--db', w.db], code: 2, says: /^Cannot read --labels file .*absent\.csv/ },
  {
    name: 'nakamoto: malformed labels file',
    argv: (w) => ['nakamoto', 'demo', '--labels', w.file('labels.csv', 'address,label\n0xZZ,foo\n'), '--db', w.db],
    code: 2,
    says: /labels\.csv line 2: address must be 0x followed by 40 hex digits/,
  },
  { name: 'nakamoto: imported holders of a chain DAO', argv: (w) => ['nakamoto', 'demo', '--denominator', 'total-imported', '--db', w.db], code: 2, says: /has no imported holders/ },
  { name: 'nakamoto: a block for an imported DAO', argv: (w) => ['nakamoto', 'csvdao', '--block', '5', '--db', w.db], code: 2, says: /^DAO "csvdao" is imported: its holder weights have no block; drop --block/ },
  { name: 'concentration: votes without a proposal', argv: (w) => ['concentration', 'demo', '--basis', 'votes', '--db', w.db], code: 2, says: /^--basis votes needs --proposal ID/ },
  { name: 'concentration: labels path is a folder', argv: (w) => ['concentration', 'demo', '--labels', w.dir, '--db', w.db], code: 2, says: /^--labels .* is a folder/ },

  // decisive.
  { name: 'decisive: unknown rule', argv: (w) => ['decisive', 'csvdao', '--rule', 'majority', '--db', w.db], code: 2, says: /^--rule must be bravo, oz-simple, oz-bravo-quorum .*got "majority"/ },
  { name: 'decisive: quorum without rule', argv: (w) => ['decisive', 'csvdao', '--quorum', '5', '--db', w.db], code: 2, says: /^--quorum needs --rule/ },
  { name: 'decisive: negative whales', argv: (w) => ['decisive', 'demo', '--whales', '-1', '--db', w.db], code: 2, says: /^--whales must be a whole number >= 0/ },
  { name: 'decisive: proposal not found', argv: (w) => ['decisive', 'csvdao', '--proposal', '404', '--db', w.db], code: 2, says: /^No proposal "404" for DAO "csvdao"/ },

  // proposals / votes.
  { name: 'proposals: unknown state', argv: (w) => ['proposals', 'demo', '--state', 'won', '--db', w.db], code: 2, says: /^--state must be one of pending, .*got "won"/ },
  { name: 'proposals: bad governor checksum', argv: (w) => ['proposals', 'demo', '--governor', BAD_CHECKSUM, '--db', w.db], code: 2, says: /^--governor 0x\S+ has an invalid EIP-55 checksum/ },
  { name: 'proposals: not a governor of the DAO', argv: (w) => ['proposals', 'demo', '--governor', TOKEN, '--db', w.db], code: 2, says: new RegExp(`^${TOKEN} is not a governor of "demo"`) },
  { name: 'proposals: DAO without governor', argv: (w) => ['proposals', 'csvdao', '--db', w.db], code: 2, says: /^DAO "csvdao" has no indexed governor/ },
  { name: 'proposals: no Snapshot proposals', argv: (w) => ['proposals', 'csvdao', '--source', 'snapshot', '--db', w.db], code: 2, says: /^DAO "csvdao" has no stored Snapshot proposals/ },
  { name: 'votes: no --proposal', argv: (w) => ['votes', 'demo', '--db', w.db], code: 2, says: /^votes needs --proposal ID/ },
  { name: 'votes: proposal not found', argv: (w) => ['votes', 'demo', '--proposal', '12345', '--db', w.db], code: 2, says: /^No proposal 12345 in "demo"/ },
  { name: 'votes: malformed proposal id', argv: (w) => ['votes', 'demo', '--proposal', 'xyz', '--db', w.db], code: 2, says: /^--proposal must be a governor proposal id, decimal or 0x hex; got "xyz"/ },

  // check.
  { name: 'check: nothing to check', argv: (w) => ['check', 'demo', '--db', w.db], code: 2, says: /^Nothing to check/ },
  { name: 'check: whale share > 1', argv: (w) => ['check', 'demo', '--max-whale-decided', '2', '--db', w.db], code: 2, says: /^--max-whale-decided must be in \[0, 1\]; got 2/ },
  { name: 'check: bad --since', argv: (w) => ['check', 'demo', '--max-whale-decided', '0.5', '--since', 'yesterday', '--db', w.db], code: 2, says: /^--since must be a date/ },
  { name: 'check: unreadable labels file', argv: (w) => ['check', 'demo', '--min-nakamoto', '2', '--labels', path.join(w.dir, 'absent.csv'), '--db', w.db], code: 2, says: /^Cannot read --labels file/ },

  // index (the RPC is never reached except where a source failure is the point).
  { name: 'index: unknown preset', argv: (w) => ['index', 'nosuchdao', '--rpc', w.rpc, '--db', w.db], code: 2, says: /^Unknown preset "nosuchdao"; known presets: aave, / },
  { name: 'index: unsupported preset', argv: (w) => ['index', 'aave', '--rpc', w.rpc, '--db', w.db], code: 2, says: /^Preset aave cannot be indexed/ },
  { name: 'index: bad token checksum', argv: (w) => ['index', '--rpc', w.rpc, '--token', BAD_CHECKSUM, '--db', w.db], code: 2, says: /^--token 0x\S+ has an invalid EIP-55 checksum/ },
  { name: 'index: bad Snapshot space id', argv: (w) => ['index', '--rpc', 'http://127.0.0.1:1', '--token', TOKEN, '--snapshot', 'bad space!', '--db', w.db], code: 2, says: /^--snapshot must be a Snapshot space id/ },
  { name: 'index: no RPC', argv: (w) => ['index', '--token', TOKEN, '--db', w.db], code: 2, says: /^No RPC endpoint: pass --rpc URL or set GOVAUDIT_RPC_URL/ },
  { name: 'index: GOVAUDIT_RPC_URL not a URL', argv: (w) => ['index', '--token', TOKEN, '--db', w.db], env: () => ({ GOVAUDIT_RPC_URL: 'not-a-url' }), code: 2, says: /is not a valid URL/ },
  { name: 'index: zero concurrency', argv: (w) => ['index', '--rpc', w.rpc, '--token', TOKEN, '--concurrency', '0', '--db', w.db], code: 2, says: /^--concurrency must be between 1 and 64; got 0/ },
  { name: 'index: the RPC refuses (401)', argv: (w) => ['index', '--rpc', w.rpc, '--token', TOKEN, '--name', 'uni', '--db', w.db], code: 3, says: /RPC .*refused eth_chainId: HTTP 401 Unauthorized; check the API key/ },

  // report.
  { name: 'report: missing DAO', argv: (w) => ['report', 'nodao', '--db', w.db], code: 2, says: /^No DAO named "nodao"/ },
  { name: 'report: --format csv', argv: (w) => ['report', 'demo', '--format', 'csv', '--db', w.db], code: 2, says: /^--format .*must be one of table, markdown, json; got "csv"/ },
  { name: 'report: zero proposals', argv: (w) => ['report', 'demo', '--proposals', '0', '--db', w.db], code: 2, says: /^--proposals must be/ },
  { name: 'report: --html in a missing folder', argv: (w) => ['report', 'csvdao', '--html', path.join(w.dir, 'nope', 'r.html'), '--db', w.db], code: 2, says: /^Cannot write the HTML report to .*nope\/r\.html/ },

  // verify (the RPC is the prepared chain unless the point is the RPC).
  { name: 'verify: --all with --sample', argv: (w) => ['verify', 'demo', '--rpc', w.p.rpc, '--all', '--sample', '3', '--db', w.db], code: 2, says: /^--all checks every account; drop --sample N or --all/ },
  { name: 'verify: no RPC', argv: (w) => ['verify', 'demo', '--db', w.db], code: 2, says: /^No RPC endpoint: pass --rpc URL/ },
  { name: 'verify: seed out of range', argv: (w) => ['verify', 'demo', '--rpc', w.p.rpc, '--seed', '99999999999999', '--db', w.db], code: 2, says: /^--seed must be between 0 and/ },
  // --quiet: verify names its seed on stderr before it connects (a summary, not part of the error).
  { name: 'verify: the RPC refuses (401)', argv: (w) => ['verify', 'demo', '--rpc', w.rpc, '--db', w.db, '--quiet'], code: 3, says: /RPC .*refused eth_chainId: HTTP 401/ },

  // scan: the config is checked in full before anything runs.
  { name: 'scan: config missing', argv: (w) => ['scan', path.join(w.dir, 'absent.json')], code: 2, says: /^Cannot read scan config file .*absent\.json: it does not exist/ },
  { name: 'scan: malformed config', argv: (w) => ['scan', w.file('scan.json', '{ "rpc": "http://127.0.0.1:1", "daos": [ { "preset": "uniswap", } ] }')], code: 2, says: /scan\.json:1:\d+: JSON syntax: trailing comma/ },
  { name: 'scan: unknown preset in config', argv: (w) => ['scan', w.file('scan.json', '{ "rpc": "http://127.0.0.1:1", "daos": [ { "preset": "nosuch" } ] }')], code: 2, says: /scan\.json:1:\d+: daos\[0\]\.preset: Unknown preset "nosuch"/ },
  {
    name: 'scan: bad checksum in config',
    argv: (w) => ['scan', w.file('scan.json', `{ "rpc": "http://127.0.0.1:1", "daos": [ { "name": "x", "token": "${BAD_CHECKSUM}" } ] }`)],
    code: 2,
    says: /scan\.json:1:\d+: daos\[0\]\.token: .*checksum/,
  },

  // delegations.
  { name: 'delegations: no --snapshot', argv: (w) => ['delegations', 'demo', '--db', w.db], code: 2, says: /^delegations lists Snapshot delegations: pass --snapshot/ },
  { name: 'delegations: none indexed', argv: (w) => ['delegations', 'csvdao', '--snapshot', '--db', w.db], code: 2, says: /no Snapshot delegations indexed/ },
  { name: 'delegations: bad registry address', argv: (w) => ['delegations', 'demo', '--snapshot', '--delegate-registry', '0x12', '--db', w.db], code: 2, says: /^--delegate-registry must be a 0x-prefixed 20-byte hex address/ },

  // rebuild.
  { name: 'rebuild: unknown DAO', argv: (w) => ['rebuild', 'nope', '--db', w.db], code: 2, says: /^No DAO named "nope" in this database/ },
  { name: 'rebuild: --format yaml', argv: (w) => ['rebuild', 'demo', '--format', 'yaml', '--db', w.db], code: 2, says: /^--format must be one of .*got "yaml"/ },
  { name: 'rebuild: db from a newer govaudit', argv: (w) => ['rebuild', 'demo', '--db', newerDb(w)], code: 4, says: /newer than this govaudit understands/ },

  // demo.
  { name: 'demo: database exists', argv: (w) => ['demo', '--db', w.db], code: 2, says: /^The demo writes a fresh database, and .* already exists/ },
  { name: 'demo: --format xml', argv: (w) => ['demo', '--format', 'xml', '--db', path.join(w.dir, 'fresh.db')], code: 2, says: /^--format .*must be one of .*got "xml"/ },
]

/** A valid SQLite file with someone else's table. */
function foreignDb(w: Where): string {
  const file = path.join(w.dir, 'foreign.db')
  const db = new Database(file)
  db.exec('CREATE TABLE notes (body TEXT)')
  db.close()
  return file
}

/** A copy of the prepared database stamped with a schema version from the future. */
function newerDb(w: Where): string {
  const file = path.join(w.dir, 'newer.db')
  fs.copyFileSync(w.p.db, file)
  const db = new Database(file)
  db.pragma('journal_mode = DELETE')
  db.pragma('user_version = 9999')
  db.close()
  return file
}

/** An SQLite header followed by garbage. */
const corrupt = () => Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(8192, 0x5a)])

let prepared: PreparedDb
let preparedSum: string
let server: http.Server
let rpc: string

beforeAll(async () => {
  server = http.createServer((_req, res) => res.writeHead(401, 'Unauthorized').end('no key'))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  rpc = `http://127.0.0.1:${(server.address() as { port: number }).port}/v2/SECRETKEY1234567890`
  prepared = await preparedDb()
  preparedSum = sha256(prepared.db)
}, 120_000)

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve))
  await prepared?.stop()
  removeTmpDirs()
})

/** Every file directly in `dir` with its checksum. */
const checksums = (dir: string) =>
  new Map(
    fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => [e.name, sha256(path.join(dir, e.name))]),
  )

describe('bad input: one sentence, the documented exit code, nothing on stdout, the database unchanged', () => {
  test('the matrix is large and names are unique', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30)
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length)
  })

  test.concurrent.for(cases)('$name', async (c, { expect }) => {
    const dir = tmpDir('govaudit-bad-')
    const db = path.join(dir, 'gov.db')
    fs.copyFileSync(prepared.db, db)
    const where: Where = {
      db,
      dir,
      p: prepared,
      rpc,
      file: (name, content) => {
        const file = path.join(dir, name)
        fs.writeFileSync(file, content)
        return file
      },
    }
    const argv = c.argv(where)
    const env = c.env?.(where) ?? {}
    const before = checksums(dir)
    const run = await cli(argv, env)

    expect(run.stdout, 'stdout holds only data').toBe('')
    expect(run.code, run.stderr).toBe(c.code)
    const lines = run.stderr.split('\n')
    expect(lines, 'exactly one line on stderr').toHaveLength(2)
    expect(lines[1]).toBe('')
    const line = lines[0]!
    expect(line).toMatch(/^govaudit: \S/)
    const sentence = line.slice('govaudit: '.length)
    expect(sentence).toMatch(c.says)
    expect(sentence, 'one sentence, closed').toMatch(/[.)?]$/)
    expect(sentence, 'no internal error').not.toMatch(/internal error|Error:|\bat \S+:\d+/)
    expect(run.stderr, 'API keys never printed').not.toContain('SECRETKEY')

    // Every file that was there is byte-identical; nothing new but SQLite's own side files.
    expect(sha256(db)).toBe(preparedSum)
    const after = checksums(dir)
    for (const [name, sum] of before) expect(after.get(name), name).toBe(sum)
    for (const name of after.keys()) if (!before.has(name)) expect(name).toMatch(/-(wal|shm|journal)$/)
  })

  test('the prepared database itself is unchanged', () => {
    expect(sha256(prepared.db)).toBe(preparedSum)
  })
})

describe('--verbose', () => {
  test('a source failure shows its stack, the API key still redacted', async () => {
    const run = await cli(['index', '--rpc', rpc, '--token', TOKEN, '--name', 'uni', '--db', path.join(tmpDir(), 'x.db'), '--verbose'])
    expect(run.code).toBe(3)
    expect(run.stdout).toBe('')
    expect(run.stderr.split('\n')[0]).toMatch(/^govaudit: RPC .*refused eth_chainId: HTTP 401/)
    expect(run.stderr).toMatch(/\n\s+at /) // the stack, only on request
    expect(run.stderr).not.toContain('SECRETKEY')
  })
})
