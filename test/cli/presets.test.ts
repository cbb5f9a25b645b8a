/**
 * Presets: every address is a valid EIP-55 checksummed address with a cited source, kinds
 * are known, `govaudit presets` renders them in every format, and `govaudit index <preset>`
 * refuses unknown and unsupported presets (and contradicting flags) before touching the
 * RPC or creating a database — then indexes a preset's token on a real anvil running as
 * chain 1 with the token's code placed at the preset's address.
 */
import fs from 'node:fs'
import path from 'node:path'
import { getAddress } from 'ethers'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { PRESETS, PRESET_GOVERNOR_KINDS, TOKEN_VOTES, findPreset, closeNames } from '../../src/config/presets/index.js'
import { parseDaoName } from '../../src/config/options.js'
import { UsageError } from '../../src/errors.js'
import { startAnvil, type StartAnvilResult } from '../../src/devchain/anvil.js'
import { devProvider } from '../../src/devchain/devProvider.js'
import { createDevRpc } from '../../src/devchain/devRpc.js'
import { deployToken } from '../../src/devchain/deploy.js'
import { startLogServer, type LogServer } from '../helpers/logServer.js'
import { cli, cliAll, inFormats, json, parseCsv, removeTmpDirs, tmpDir, type CliRun } from './harness.js'

afterAll(removeTmpDirs)

const REQUIRED = ['uniswap', 'compound', 'ens', 'gitcoin', 'arbitrum', 'optimism', 'aave', 'lido', 'nouns']

const checksummed = (a: string) => {
  expect(a, `${a} is not 0x + 40 hex digits`).toMatch(/^0x[0-9a-fA-F]{40}$/)
  expect(getAddress(a), `${a} is not EIP-55 checksummed`).toBe(a)
}
const isSource = (s: string) => expect(s).toMatch(/^https:\/\/\S+/)

describe('preset data', () => {
  test('the required DAOs and at least one more, with unique lowercase names usable as DAO names', () => {
    const names = PRESETS.map((p) => p.name)
    for (const n of REQUIRED) expect(names).toContain(n)
    expect(names.length).toBeGreaterThan(REQUIRED.length)
    expect(new Set(names).size).toBe(names.length)
    expect(names).toEqual([...names].sort())
    for (const n of names) expect(parseDaoName(n)).toBe(n)
  })

  test.each(PRESETS.map((p) => [p.name, p] as const))('%s: checksummed addresses, known kinds, blocks and sources', (_name, p) => {
    expect(Number.isSafeInteger(p.chainId) && p.chainId > 0).toBe(true)
    checksummed(p.token.address)
    expect(TOKEN_VOTES).toContain(p.token.votes)
    // An unsupported token says why; a supported one has no reason.
    expect(p.token.votes === 'unsupported').toBe(typeof p.token.unsupportedReason === 'string' && p.token.unsupportedReason.length > 20)
    expect(p.token.sources.length).toBeGreaterThan(0)
    p.token.sources.forEach(isSource)
    if (p.token.fromBlock !== undefined) expect(Number.isSafeInteger(p.token.fromBlock) && p.token.fromBlock >= 0).toBe(true)
    expect(p.governors.length).toBeGreaterThan(0)
    for (const g of p.governors) {
      checksummed(g.address)
      expect(PRESET_GOVERNOR_KINDS).toContain(g.kind)
      expect(g.sources.length).toBeGreaterThan(0)
      g.sources.forEach(isSource)
      if (g.fromBlock !== undefined) {
        expect(Number.isSafeInteger(g.fromBlock)).toBe(true)
        // A governor reads the token's checkpoints: it cannot start before the token.
        if (p.token.fromBlock !== undefined) expect(g.fromBlock).toBeGreaterThanOrEqual(p.token.fromBlock)
      }
      expect(g.address.toLowerCase()).not.toBe(p.token.address.toLowerCase())
    }
    expect(new Set(p.governors.map((g) => g.address)).size).toBe(p.governors.length)
    if (p.snapshot) {
      expect(p.snapshot.space).toMatch(/^[a-z0-9][a-z0-9.-]*$/)
      p.snapshot.sources.forEach(isSource)
    }
  })

  test('Aave, Lido and Scroll are unsupported for the reasons their events give', () => {
    expect(findPreset('aave').token.unsupportedReason).toContain('DelegateChanged(address,address,uint8)')
    expect(findPreset('lido').token.unsupportedReason).toContain('MiniMe')
    expect(findPreset('scroll').token.unsupportedReason).toContain('partial delegation')
    expect(findPreset('Uniswap').token.votes).toBe('comp') // names are case-insensitive
  })

  test('unknown names: close names suggested, else the full list', () => {
    expect(closeNames('unisawp', ['uniswap', 'ens'])).toEqual(['uniswap'])
    expect(closeNames('noun', ['nouns', 'lil-nouns', 'ens'])).toEqual(['nouns', 'lil-nouns'])
    expect(() => findPreset('compund')).toThrow(/did you mean compound\?/)
    expect(() => findPreset('qqqq')).toThrow(UsageError)
    expect(() => findPreset('qqqq')).toThrow(/known presets: aave, arbitrum/)
  })
})

describe('govaudit presets', () => {
  test('every format lists every preset; json carries the sources', async () => {
    const runs = await inFormats(['presets'], ['table', 'json', 'csv', 'markdown'])
    for (const run of Object.values(runs)) expect(run).toMatchObject({ code: 0, stderr: '' })
    for (const p of PRESETS) {
      expect(runs.table.stdout).toContain(p.token.address)
      expect(runs.markdown.stdout).toContain(`| ${p.name} |`)
    }
    expect(runs.table.stdout).toContain('governors: the OpenZeppelin, Bravo and Alpha ones are indexed with the token, other families are listed only')
    expect(runs.table.stdout).toContain('lido: not indexable: LDO is an Aragon MiniMe token')

    const out = json(runs.json)
    expect(out.presets.map((p: any) => p.name)).toEqual(PRESETS.map((p) => p.name))
    for (const [i, p] of PRESETS.entries()) {
      const j = out.presets[i]
      expect(j).toMatchObject({
        chainId: p.chainId,
        indexable: p.token.votes !== 'unsupported',
        token: { address: p.token.address.toLowerCase(), checksumAddress: p.token.address, votes: p.token.votes, sources: p.token.sources },
        snapshot: p.snapshot ? { space: p.snapshot.space } : null,
      })
      expect(j.governors.map((g: any) => [g.checksumAddress, g.kind, g.indexable])).toEqual(
        p.governors.map((g) => [g.address, g.kind, ['oz', 'bravo', 'alpha'].includes(g.kind)]),
      )
    }

    const rows = parseCsv(runs.csv.stdout)
    expect(rows.map((r) => [r.name, r.chain, r.token, r.votes])).toEqual(PRESETS.map((p) => [p.name, String(p.chainId), p.token.address, p.token.votes]))
    expect(rows.find((r) => r.name === 'lido')!.fromBlock).toBe('') // unverified: left out, not guessed
  })
})

describe('index <preset>: refused before any RPC call or database', () => {
  let dir: string
  let chain31337: LogServer
  beforeAll(async () => {
    dir = tmpDir()
    chain31337 = await startLogServer({ logs: [], chainId: 31337, head: 100 })
  })
  afterAll(async () => {
    await chain31337?.close()
  })

  const refused = (run: CliRun, pattern: RegExp, db: string) => {
    expect(run.code, run.stderr).toBe(2)
    expect(run.stdout).toBe('')
    expect(run.stderr.trim().split('\n')).toHaveLength(1)
    expect(run.stderr).toMatch(pattern)
    expect(fs.existsSync(db)).toBe(false)
  }

  test('unknown, unsupported, contradicted by --token, or on another chain: exit 2 and no database', async () => {
    const db = (n: string) => path.join(dir, `${n}.db`)
    // A dead port: nothing may be asked of it.
    const rpc = 'http://127.0.0.1:9/'
    const [unknown, typo, lido, aave, scroll, token] = await cliAll([
      ['index', 'frobnitz', '--rpc', rpc, '--db', db('unknown')],
      ['index', 'unisawp', '--rpc', rpc, '--db', db('typo')],
      ['index', 'lido', '--rpc', rpc, '--db', db('lido')],
      ['index', 'aave', '--rpc', rpc, '--db', db('aave')],
      ['index', 'scroll', '--rpc', rpc, '--db', db('scroll')],
      ['index', 'uniswap', '--rpc', rpc, '--token', '0xc00e94Cb662C3520282E6f5717214004A7f26888', '--db', db('token')],
    ])
    refused(unknown!, /^govaudit: Unknown preset "frobnitz"; known presets: aave, arbitrum, compound/, db('unknown'))
    refused(typo!, /did you mean uniswap\?/, db('typo'))
    refused(lido!, /^govaudit: Preset lido cannot be indexed: LDO is an Aragon MiniMe token without delegation/, db('lido'))
    refused(aave!, /Preset aave cannot be indexed: .*DelegateChanged\(address,address,uint8\)/, db('aave'))
    refused(scroll!, /Preset scroll cannot be indexed: SCR has partial delegation/, db('scroll'))
    refused(token!, /--token 0xc00e94cb662c3520282e6f5717214004a7f26888 is not preset uniswap's token 0x1f9840a85d5aF5bf1D1762F925BDADdC4201F984/, db('token'))

    const chain = await cli(['index', 'uniswap', '--rpc', chain31337.url, '--db', db('chain')])
    refused(chain, /Preset uniswap is on chain 1 \(Ethereum\), but the RPC serves chain 31337/, db('chain'))
  })

  test('--help says governors wait for the governor indexer', async () => {
    const run = await cli(['index', '--help'])
    expect(run.code).toBe(0)
    expect(run.stdout.replace(/\s+/g, ' ')).toContain("The preset's governors: the OpenZeppelin, Bravo and Alpha ones are indexed with the token, other families are listed only.")
    expect(run.stdout).toContain('$ govaudit index uniswap --rpc')
  })
})

describe('index <preset> on chain 1', () => {
  let anvil: StartAnvilResult
  const uni = findPreset('uniswap').token.address
  beforeAll(async () => {
    anvil = await startAnvil({ args: ['--chain-id', '1'] })
    // Put the fixture ERC20Votes token's code and its constructor-set storage (owner, name,
    // symbol) at the preset's address, then mint and delegate through that address.
    const signer = await devProvider(anvil.url).getSigner(0)
    const original = await deployToken({ kind: 'erc20votes', signer })
    const rpc = createDevRpc(anvil.url)
    const code = await rpc.request<string>('eth_getCode', [original.address, 'latest'])
    await rpc.request('anvil_setCode', [uni, code])
    for (let slot = 0; slot < 32; slot++) {
      const key = `0x${slot.toString(16)}`
      const value = await rpc.request<string>('eth_getStorageAt', [original.address, key, 'latest'])
      if (BigInt(value) !== 0n) await rpc.request('anvil_setStorageAt', [uni, `0x${slot.toString(16).padStart(64, '0')}`, value])
    }
    const token = original.contract.attach(uni) as typeof original.contract
    const holders = [await devProvider(anvil.url).getSigner(1), await devProvider(anvil.url).getSigner(2)]
    await (await token.mint(holders[0]!.address, 700n * 10n ** 18n)).wait()
    await (await token.mint(holders[1]!.address, 300n * 10n ** 18n)).wait()
    for (const h of holders) await (await (token.connect(h) as typeof token).delegate(h.address)).wait()
  })
  afterAll(async () => {
    await anvil?.stop()
  })

  test('the preset fills token and name; --from-block overrides its first block', async () => {
    const dir = tmpDir()
    const db = path.join(dir, 'p.db')
    // The preset's first block (UNI's deployment, 10861674) is beyond this chain's head.
    // The preset's governors are indexed too, and are checked against the chain first:
    // they do not exist on this chain, so nothing is created.
    const noGovernor = await cli(['index', 'uniswap', '--rpc', anvil.url, '--confirmations', '0', '--from-block', '0', '--db', db])
    expect(noGovernor.code).toBe(2)
    expect(noGovernor.stderr).toMatch(/has no contract code; check the --governor address/)
    expect(fs.existsSync(db)).toBe(false)

    const early = await cli(['index', 'uniswap', '--no-governors', '--rpc', anvil.url, '--confirmations', '0', '--db', db])
    expect(early.code, early.stderr).toBe(2)
    expect(early.stderr).toContain('10861674')

    const run = await cli(['index', 'uniswap', '--no-governors', '--rpc', anvil.url, '--confirmations', '0', '--from-block', '0', '--db', db])
    expect(run.code, run.stderr).toBe(0)
    expect(run.stdout).toBe('')
    expect(run.stderr).toContain(`Preset uniswap: UNI ${uni} on Ethereum from block 0; governors: the OpenZeppelin, Bravo and Alpha ones are indexed with the token, other families are listed only`)
    const list = json(await cli(['list', '--db', db, '--format', 'json']))
    expect(list.daos).toEqual([expect.objectContaining({ name: 'uniswap', chainId: 1, token: uni.toLowerCase(), startBlock: 0 })])
    const k = json(await cli(['nakamoto', 'uniswap', '--db', db, '--format', 'json']))
    expect(k).toMatchObject({ nakamoto: 1, total: (1000n * 10n ** 18n).toString(), population: 2 })

    // `check` on the indexed DAO: voting power at the last indexed block (700 of 1000 with one delegate).
    const [holds, breached, noVotes] = await cliAll([
      ['check', 'uniswap', '--db', db, '--min-nakamoto', '1', '--format', 'json'],
      ['check', 'uniswap', '--db', db, '--min-nakamoto', '2', '--format', 'json'],
      ['check', 'uniswap', '--db', db, '--max-whale-decided', '0', '--format', 'json'],
    ])
    expect(holds!.code, holds!.stderr).toBe(0)
    expect(json(holds!).checks[0]).toMatchObject({ status: 'ok', actual: 1, basis: 'voting-power', denominator: 'total-voting-power' })
    expect(breached!.code).toBe(1)
    expect(json(breached!).checks[0]).toMatchObject({ status: 'breached', actual: 1, shortBy: 1 })
    expect(noVotes!.code, noVotes!.stderr).toBe(0)
    expect(json(noVotes!).checks[0]).toMatchObject({ status: 'not-assessed', reason: 'no-proposals' })

    // Resuming keeps the DAO's own start block (0), not the preset's.
    const again = await cli(['index', 'uniswap', '--no-governors', '--rpc', anvil.url, '--confirmations', '0', '--db', db])
    expect(again.code, again.stderr).toBe(0)
  })
})
