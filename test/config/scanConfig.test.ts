/**
 * The scan config is validated in full before anything runs, and every problem points at
 * the line and column it sits at. Expected positions are found in the test's own text
 * (`at`), so each case states which token the message must point to.
 */
import path from 'node:path'
import { describe, expect, test } from 'vitest'
import { parseScanConfig } from '../../src/config/scanConfig.js'
import { UsageError } from '../../src/errors.js'
import { findPreset } from '../../src/config/presets/index.js'

const UNI = '0x1f9840a85d5aF5bf1D1762F925BDADdC4201F984' // EIP-55, as published
const BAD_CHECKSUM = '0x1F9840a85d5aF5bf1D1762F925BDADdC4201F984'
const GOV = '0x408ED6354d4973f66138C91495F2f2FCbd8724C3'
const ENV = { MAINNET_RPC: 'https://eth.example/v2/SECRETKEY123456' }

/** "file:line:col" of the `nth` occurrence of `needle` in `text` (1-based line and column). */
function at(text: string, needle: string, nth = 1): string {
  let from = -1
  for (let i = 0; i < nth; i++) from = text.indexOf(needle, from + 1)
  if (from < 0) throw new Error(`${needle} not in the config`)
  const lines = text.slice(0, from).split('\n')
  return `scan.json:${lines.length}:${lines.at(-1)!.length + 1}`
}

function refused(text: string, env: Record<string, string> = ENV): UsageError {
  try {
    parseScanConfig({ text, file: 'scan.json', env })
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    return error as UsageError
  }
  throw new Error('the config was accepted')
}

describe('a valid config', () => {
  const text = `{
  "rpc": "$MAINNET_RPC",
  "dbDir": "dbs",
  "threshold": "2/3",
  "whales": 2,
  "defaults": { "confirmations": 64 },
  "daos": [
    { "preset": "uniswap", "presetGovernors": false },
    { "name": "Mine", "token": "${UNI.toLowerCase()}", "governors": [{ "address": "${GOV}", "kind": "bravo" }, "${GOV.toLowerCase()}"],
      "fromBlock": 10, "toBlock": 20, "confirmations": "finalized", "rpc": "http://127.0.0.1:8545/\${KEY}" }
  ]
}`
  const config = parseScanConfig({ text, file: 'conf/scan.json', env: { ...ENV, KEY: 'k' } })

  test('settings, defaults and per-DAO overrides', () => {
    expect(config.threshold).toEqual({ num: 2n, den: 3n })
    expect(config.whales).toBe(2)
    expect(config.dbDir).toBe(path.resolve('conf', 'dbs'))
    const [uni, mine] = config.daos
    expect(uni!.name).toBe('uniswap')
    expect(uni!.target.token).toBe(UNI.toLowerCase())
    expect(uni!.target.fromBlock).toBe(findPreset('uniswap').token.fromBlock)
    expect(uni!.target.governors).toEqual([]) // presetGovernors: false
    expect(uni!.confirmations).toBe(64)
    expect(uni!.rpcUrl).toBe(ENV.MAINNET_RPC)
    expect(mine!.name).toBe('mine')
    expect(mine!.target).toMatchObject({ token: UNI.toLowerCase(), fromBlock: 10, toBlock: 20, explicitFromBlock: true })
    expect(mine!.target.governors).toEqual([{ address: GOV.toLowerCase(), kind: 'bravo' }, { address: GOV.toLowerCase() }])
    expect(mine!.confirmations).toBe('finalized')
    expect(mine!.rpcUrl).toBe('http://127.0.0.1:8545/k')
  })

  test('the echo names env references, never their values', () => {
    expect(config.echo.daos.map((d) => d.rpc)).toEqual(['$MAINNET_RPC', 'http://127.0.0.1:8545/${KEY}'])
    expect(JSON.stringify(config.echo)).not.toContain('SECRETKEY')
    expect([config.echo.threshold, config.echo.thresholdRatio]).toEqual([2 / 3, '2/3'])
  })

  test('a literal URL with a key is echoed redacted; GOVAUDIT_RPC_URL is the last fallback', () => {
    const literal = parseScanConfig({ text: `{"rpc": "https://eth.example/v2/SECRETKEY123456", "daos": [{"preset": "ens"}]}`, file: 's.json', env: {} })
    expect(literal.echo.daos[0]!.rpc).toBe('https://eth.example/<redacted>')
    const fromEnv = parseScanConfig({ text: `{"daos": [{"preset": "ens"}]}`, file: 's.json', env: { GOVAUDIT_RPC_URL: 'http://127.0.0.1:1' } })
    expect(fromEnv.daos[0]!.rpcUrl).toBe('http://127.0.0.1:1')
    expect(fromEnv.echo.daos[0]!.rpc).toBe('$GOVAUDIT_RPC_URL')
    expect(fromEnv.threshold).toEqual({ num: 1n, den: 2n })
    expect(fromEnv.whales).toBe(1)
    expect(fromEnv.daos[0]!.confirmations).toBe(12)
  })
})

describe('malformed configs: one sentence at the right line and column', () => {
  const cases: { name: string; text: string; needle: string; nth?: number; message: RegExp; env?: Record<string, string> }[] = [
    {
      name: 'unknown key, with a did-you-mean',
      text: `{"rpc": "$MAINNET_RPC",\n "daos": [\n  {"name": "x", "tokn": "${UNI}"}\n ]\n}`,
      needle: '"tokn"',
      message: /daos\[0\]\.tokn: unknown key; did you mean "token"\?/,
    },
    {
      name: 'unknown top-level key',
      text: `{"rpc": "$MAINNET_RPC",\n  "dao": [],\n "daos": [{"preset": "ens"}]}`,
      needle: '"dao"',
      message: /: dao: unknown key; did you mean "daos"\?/,
    },
    {
      name: 'wrong type',
      text: `{"rpc": "$MAINNET_RPC", "daos": [\n  {"preset": "ens",\n   "fromBlock": "100"}]}`,
      needle: '"100"',
      message: /daos\[0\]\.fromBlock: expected a whole number >= 0; got the string "100"/,
    },
    {
      name: 'negative or fractional block',
      text: `{"rpc": "$MAINNET_RPC", "daos": [{"preset": "ens", "toBlock": 1.5}]}`,
      needle: '1.5',
      message: /daos\[0\]\.toBlock: expected a whole number >= 0; got 1\.5/,
    },
    {
      name: 'duplicate DAO names (a preset and an explicit name)',
      text: `{"rpc": "$MAINNET_RPC", "daos": [\n  {"preset": "uniswap"},\n  {"name": "Uniswap", "token": "${UNI}"}\n]}`,
      needle: '"Uniswap"',
      message: /daos\[1\]: DAO name "uniswap" is also daos\[0\]'s; give one of them another "name"/,
    },
    {
      name: 'bad checksum',
      text: `{"rpc": "$MAINNET_RPC", "daos": [\n  {"preset": "ens"},\n  {"name": "x",\n   "token": "${BAD_CHECKSUM}"}]}`,
      needle: `"${BAD_CHECKSUM}"`,
      message: /daos\[1\]\.token: 0x1F98\w+ has an invalid EIP-55 checksum/,
    },
    {
      name: 'not an address',
      text: `{"rpc": "$MAINNET_RPC", "daos": [{"name": "x", "token": "0x1234"}]}`,
      needle: '"0x1234"',
      message: /daos\[0\]\.token: must be a 0x-prefixed 20-byte hex address; got "0x1234"/,
    },
    {
      name: 'unknown preset, with a did-you-mean',
      text: `{"rpc": "$MAINNET_RPC",\n "daos": [{"preset": "uniswp"}]}`,
      needle: '"uniswp"',
      message: /daos\[0\]\.preset: Unknown preset "uniswp"; did you mean uniswap\?/,
    },
    {
      name: 'a preset whose token cannot be indexed',
      text: `{"rpc": "$MAINNET_RPC", "daos": [{"preset": "aave"}]}`,
      needle: '"aave"',
      message: /daos\[0\]\.preset: Preset aave cannot be indexed: /,
    },
    {
      name: 'empty list',
      text: `{"rpc": "$MAINNET_RPC",\n  "daos": []}`,
      needle: '[]',
      message: /daos: the list is empty/,
    },
    {
      name: 'no daos at all',
      text: `{"rpc": "$MAINNET_RPC"}`,
      needle: '{',
      message: /config: "daos" is required/,
    },
    {
      name: 'trailing comma (points at the comma)',
      text: `{"rpc": "$MAINNET_RPC",\n "daos": [\n  {"preset": "ens"},\n ]\n}`,
      needle: ',\n ]',
      message: /JSON syntax: trailing comma before "\]" \(JSON allows none\)$/,
    },
    {
      name: 'missing comma',
      text: `{"rpc": "$MAINNET_RPC"\n "daos": []}`,
      needle: '"daos"',
      message: /JSON syntax: expected "," between items/,
    },
    {
      name: 'comments',
      text: `{\n  // mainnet\n  "daos": []}`,
      needle: '//',
      message: /JSON syntax: comments are not allowed in JSON/,
    },
    {
      name: 'an empty file',
      text: `\n`,
      needle: '\n',
      message: /the file is empty/,
    },
    {
      name: 'not an object',
      text: `[{"preset": "ens"}]`,
      needle: '[',
      message: /the config must be a JSON object/,
    },
    {
      name: 'an unset environment variable',
      text: `{"daos": [{"preset": "ens",\n  "rpc": "https://x.example/\${NOPE}"}]}`,
      needle: '"https',
      message: /daos\[0\]\.rpc: the environment variable NOPE is not set/,
    },
    {
      name: 'a URL that is not http',
      text: `{"rpc": "ftp://x.example", "daos": [{"preset": "ens"}]}`,
      needle: '"ftp',
      message: /: rpc: must be an http:\/\/ or https:\/\/ URL; got ftp:$/,
    },
    {
      name: 'no RPC anywhere',
      text: `{"daos": [\n  {"preset": "ens"}]}`,
      needle: '{"preset"',
      message: /daos\[0\]: no RPC endpoint; set "rpc" on this DAO or at the top of the config, or set GOVAUDIT_RPC_URL/,
      env: {},
    },
    {
      name: 'preset and token both',
      text: `{"rpc": "$MAINNET_RPC", "daos": [{"preset": "uniswap", "token": "${UNI}"}]}`,
      needle: `"${UNI}"`,
      message: /daos\[0\]\.token: give either "preset" or "token", not both/,
    },
    {
      name: 'a token without a name',
      text: `{"rpc": "$MAINNET_RPC", "daos": [\n {"token": "${UNI}"}]}`,
      needle: '{"token"',
      message: /daos\[0\]: "name" is required for a DAO given by its token/,
    },
    {
      name: 'neither preset nor token',
      text: `{"rpc": "$MAINNET_RPC", "daos": [{"name": "x"}]}`,
      needle: '{"name"',
      message: /daos\[0\]: give "preset" .* or "token"/,
    },
    {
      name: 'toBlock before the preset\'s first block',
      text: `{"rpc": "$MAINNET_RPC", "daos": [{"preset": "uniswap", "toBlock": 5}]}`,
      needle: '5}',
      message: new RegExp(`daos\\[0\\]: toBlock 5 is before preset uniswap's first block ${findPreset('uniswap').token.fromBlock}`),
    },
    {
      name: 'threshold out of range',
      text: `{"rpc": "$MAINNET_RPC",\n "threshold": 1.5, "daos": [{"preset": "ens"}]}`,
      needle: '1.5',
      message: /: threshold: must be in \(0, 1\); got 1\.5$/,
    },
    {
      name: 'a key given twice',
      text: `{"rpc": "$MAINNET_RPC", "daos": [{"preset": "ens", "preset": "uniswap"}]}`,
      needle: '"preset"',
      nth: 2,
      message: /daos\[0\]\.preset: the key appears twice in this object/,
    },
    {
      name: 'an unknown governor kind',
      text: `{"rpc": "$MAINNET_RPC", "daos": [{"preset": "ens", "governors": [{"address": "${GOV}", "kind": "compound"}]}]}`,
      needle: '"compound"',
      message: /daos\[0\]\.governors\[0\]\.kind: expected one of oz, bravo, alpha; got "compound"/,
    },
    {
      name: 'an invalid DAO name',
      text: `{"rpc": "$MAINNET_RPC", "daos": [{"name": "my dao", "token": "${UNI}"}]}`,
      needle: '"my dao"',
      message: /daos\[0\]\.name: must be 1-64 letters/,
    },
  ]

  test.each(cases)('$name', ({ text, needle, nth, message, env }) => {
    const error = refused(text, env)
    expect(error.shortMessage.startsWith(`${at(text, needle, nth)}: `), error.shortMessage).toBe(true)
    expect(error.shortMessage).toMatch(message)
    expect(error.shortMessage).not.toMatch(/\n/)
    expect(error.exitCode).toBe(2)
  })

  test('several problems: the first (in file order) is the sentence, --verbose details list all', () => {
    const text = `{"rpc": "$MAINNET_RPC",\n "whales": -1,\n "daos": [\n  {"preset": "uniswp"},\n  {"name": "b", "token": "0xzz"}]}`
    const error = refused(text)
    expect(error.shortMessage).toBe(`${at(text, '-1')}: whales: expected a whole number >= 0; got -1; 2 more problem(s) (run with --verbose to list them all)`)
    expect(error.details!.split('\n')).toEqual([
      `${at(text, '-1')}: whales: expected a whole number >= 0; got -1`,
      expect.stringMatching(new RegExp(`^${at(text, '"uniswp"')}: daos\\[0\\]\\.preset: Unknown preset`)),
      expect.stringMatching(new RegExp(`^${at(text, '"0xzz"')}: daos\\[1\\]\\.token: must be a 0x-prefixed`)),
    ])
  })

  test('a secret read from the environment never appears in a message', () => {
    const error = refused(`{"rpc": "[$MAINNET_RPC]", "daos": [{"preset": "ens"}]}`)
    expect(`${error.shortMessage}\n${error.details}`).not.toContain('SECRETKEY')
  })
})
