/**
 * Bad input to `govaudit index` gets one clear sentence, the documented exit code, and
 * leaves the database exactly as it was (or never creates one).
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startAnvil, type StartAnvilResult } from '../../src/devchain/anvil.js'
import { devProvider } from '../../src/devchain/devProvider.js'
import { deployBatcher, deployToken } from '../../src/devchain/deploy.js'
import { cli, ROOT, sha256, tmpDir, type CliRun } from '../cli/harness.js'
import { deadPort } from '../helpers/deadPort.js'

let anvil: StartAnvilResult
let token: string
let dir: string
let goodDb: string
let batcher: string

const oneSentence = (run: CliRun) => {
  const lines = run.stderr.trim().split('\n')
  expect(lines[0]).toMatch(/^govaudit: \S.*[.)]$/)
  expect(run.stderr).not.toMatch(/\n\s+at /) // no stack trace without --verbose
  expect(run.stdout).toBe('')
}

beforeAll(async () => {
  anvil = await startAnvil({})
  const signer = await devProvider(anvil.url).getSigner(0)
  const deployed = await deployToken({ kind: 'erc20votes', signer })
  await (await deployed.contract.mint(signer.address, 10n ** 18n)).wait()
  token = deployed.address.toLowerCase()
  batcher = (await deployBatcher({ signer })).address
  dir = tmpDir('govaudit-bad-')
  goodDb = path.join(dir, 'good.db')
  const ok = await cli(['index', '--rpc', anvil.url, '--token', token, '--confirmations', '0', '--db', goodDb])
  expect(ok.code, ok.stderr).toBe(0)
})
afterAll(async () => {
  await anvil?.stop()
})

describe('index: bad input', () => {
  test('unreachable RPC: exit 3, names the redacted URL, creates no database', async () => {
    const port = await deadPort()
    const db = path.join(dir, 'unreachable.db')
    const run = await cli(['index', '--rpc', `http://127.0.0.1:${port}/v3/MYSECRETKEY123456`, '--token', token, '--db', db])
    expect(run.code).toBe(3)
    oneSentence(run)
    expect(run.stderr).toMatch(/unreachable/)
    expect(run.stderr).not.toContain('MYSECRETKEY123456')
    expect(fs.existsSync(db)).toBe(false)
  })

  test.each([
    ['an address without code', () => '0x000000000000000000000000000000000000dead', /has no contract code/],
    ['a contract that is not a votes token', () => batcher, /is a contract but not a votes token/],
  ])('%s: exit 2 and the database is unchanged', async (_name, address, message) => {
    const before = sha256(goodDb)
    const run = await cli(['index', '--rpc', anvil.url, '--token', address(), '--name', 'other', '--confirmations', '0', '--db', goodDb])
    expect(run.code).toBe(2)
    oneSentence(run)
    expect(run.stderr).toMatch(message)
    expect(sha256(goodDb)).toBe(before)
  })

  test.each([
    ['--from-block after --to-block', ['--from-block', '10', '--to-block', '5'], /--from-block 10 is after --to-block 5/],
    ['a bad checksum', ['--token', '0x5FbDB2315678afecb367f032d93F642f64180aA3'], /checksum/],
    ['a malformed address', ['--token', '0x1234'], /20-byte hex address/],
    ['a negative block', ['--from-block', '-3'], /whole number/],
    ['zero concurrency', ['--concurrency', '0'], /between 1 and 64/],
    ['a bad confirmations value', ['--confirmations', 'soon'], /whole number/],
  ])('%s: exit 2 and the database is unchanged', async (_name, flags, message) => {
    const before = sha256(goodDb)
    const args = ['index', '--rpc', anvil.url, '--token', token, '--confirmations', '0', '--db', goodDb]
    for (let i = 0; i < flags.length; i += 2) {
      const at = args.indexOf(flags[i]!)
      if (at >= 0) args.splice(at, 2)
      args.push(flags[i]!, flags[i + 1]!)
    }
    const run = await cli(args)
    expect(run.code).toBe(2)
    expect(run.stderr).toMatch(message)
    expect(run.stdout).toBe('')
    expect(sha256(goodDb)).toBe(before)
  })

  test('no RPC at all: exit 2 and says how to give one', async () => {
    const run = await cli(['index', '--token', token, '--db', path.join(dir, 'none.db')])
    expect(run.code).toBe(2)
    oneSentence(run)
    expect(run.stderr).toMatch(/--rpc URL or set GOVAUDIT_RPC_URL/)
  })

  test('a database in a folder that does not exist: exit 2', async () => {
    const run = await cli(['index', '--rpc', anvil.url, '--token', token, '--db', path.join(dir, 'missing', 'x.db')])
    expect(run.code).toBe(2)
    oneSentence(run)
    expect(run.stderr).toMatch(/folder .* does not exist/)
  })

  test('a corrupt database file: exit 4 and the file is untouched', async () => {
    const file = path.join(dir, 'corrupt.db')
    fs.writeFileSync(file, Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(8192, 0x5a)]))
    const before = sha256(file)
    const run = await cli(['index', '--rpc', anvil.url, '--token', token, '--confirmations', '0', '--db', file])
    expect(run.code).toBe(4)
    oneSentence(run)
    expect(sha256(file)).toBe(before)
  })

  test('a read-only database file: exit 4 and the file is untouched', async () => {
    const ro = path.join(tmpDir('govaudit-ro-'), 'ro.db')
    fs.copyFileSync(goodDb, ro)
    fs.chmodSync(ro, 0o444)
    fs.chmodSync(path.dirname(ro), 0o755)
    const before = sha256(ro)
    // As root every file is writable, so run the CLI as an unprivileged user there.
    const asNobody = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}
    const run = await new Promise<CliRun>((resolve) => {
      const child = spawn(process.execPath, ['bin/govaudit.js', 'index', '--rpc', anvil.url, '--token', token, '--confirmations', '0', '--db', ro], {
        cwd: ROOT,
        env: { PATH: process.env.PATH, NO_COLOR: '1', HOME: '/tmp' },
        ...asNobody,
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (d) => (stdout += d))
      child.stderr.on('data', (d) => (stderr += d))
      child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }))
    })
    expect(run.code, run.stderr).toBe(4)
    oneSentence(run)
    expect(run.stderr).toMatch(/not writable/)
    expect(sha256(ro)).toBe(before)
  })
})
