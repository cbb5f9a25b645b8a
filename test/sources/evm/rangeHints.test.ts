import { describe, expect, test } from 'vitest'
import { isRangeError, parseRangeHint } from '../../../src/sources/evm/rangeHints.js'

// One case per provider, with the full message as the provider sends it.
const from = 0x112a880 // 18_000_000
const to = from + 99_999

describe('parseRangeHint', () => {
  test('alchemy: suggested block range in hex', () => {
    const hint = parseRangeHint({
      fromBlock: from,
      toBlock: to,
      error: {
        code: -32602,
        message:
          'Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range and no limit on the response size, or you can request any block range with a cap of 10K logs in the response. Based on your parameters and the response size limit, this block range should work: [0x112a880, 0x112a993]',
      },
    })
    expect(hint).toEqual({ isRangeError: true, provider: 'alchemy', suggested: { fromBlock: from, toBlock: 0x112a993 } })
  })

  test('infura: -32005 with an upper-case hex range', () => {
    const hint = parseRangeHint({
      fromBlock: 0x30ce171,
      toBlock: 0x30ce171 + 50_000,
      error: {
        code: -32005,
        message: 'query returned more than 10000 results. Try with this block range [0x30CE171, 0x30CE1B0].',
        data: { from: '0x30CE171', limit: 10000, to: '0x30CE1B0' },
      },
    })
    expect(hint).toEqual({ isRangeError: true, provider: 'infura', suggested: { fromBlock: 0x30ce171, toBlock: 0x30ce1b0 } })
  })

  test('quicknode: "limited to a 10,000 range"', () => {
    const hint = parseRangeHint({
      fromBlock: from,
      toBlock: to,
      error: { code: -32614, message: 'eth_getLogs is limited to a 10,000 range' },
    })
    expect(hint).toEqual({ isRangeError: true, provider: 'quicknode', suggested: { maxRange: 10_000 } })
  })

  test('1rpc / blast: "limited to a 10,000 blocks range"', () => {
    const hint = parseRangeHint({
      fromBlock: from,
      toBlock: to,
      error: { code: -32000, message: 'eth_getLogs and eth_newFilter are limited to a 10,000 blocks range' },
    })
    expect(hint.suggested).toEqual({ maxRange: 10_000 })
  })

  test('infura block limit: "range N exceeds limit of M"', () => {
    const hint = parseRangeHint({
      fromBlock: 0,
      toBlock: 1_000_000,
      error: { code: -32602, message: 'range 1000000 exceeds limit of 10000' },
    })
    expect(hint).toEqual({ isRangeError: true, provider: 'range-limit', suggested: { maxRange: 10_000 } })
  })

  test('reth: "query exceeds max results N, retry with the range A-B"', () => {
    const hint = parseRangeHint({
      fromBlock: 18_000_000,
      toBlock: 18_100_000,
      error: { code: -32602, message: 'query exceeds max results 20000, retry with the range 18000000-18004211' },
    })
    expect(hint).toEqual({ isRangeError: true, provider: 'reth', suggested: { fromBlock: 18_000_000, toBlock: 18_004_211 } })
  })

  test('reth: an empty suggested range (first block overflows) means halve', () => {
    const hint = parseRangeHint({
      fromBlock: 500,
      toBlock: 900,
      error: { code: -32602, message: 'query exceeds max results 20000, retry with the range 500-499' },
    })
    expect(hint).toEqual({ isRangeError: true, provider: 'reth' })
  })

  test('publicnode: "exceed maximum block range: 50000"', () => {
    const hint = parseRangeHint({
      fromBlock: 0,
      toBlock: 200_000,
      error: { code: -32000, message: 'exceed maximum block range: 50000' },
    })
    expect(hint).toEqual({ isRangeError: true, provider: 'publicnode', suggested: { maxRange: 50_000 } })
  })

  test('reth block limit: "query exceeds max block range 100000"', () => {
    const hint = parseRangeHint({ fromBlock: 0, toBlock: 500_000, error: { code: -32602, message: 'query exceeds max block range 100000' } })
    expect(hint.suggested).toEqual({ maxRange: 100_000 })
  })

  test('avalanche: "maximum is set to N"', () => {
    const hint = parseRangeHint({
      fromBlock: 0,
      toBlock: 100_000,
      error: { code: -32000, message: 'requested too many blocks from 0 to 100000, maximum is set to 2048' },
    })
    expect(hint.suggested).toEqual({ maxRange: 2048 })
  })

  test('cdk-erigon / cloudflare: "max range: N"', () => {
    const a = parseRangeHint({ fromBlock: 0, toBlock: 5000, error: { code: -32005, message: 'block range too large, max range: 1000' } })
    expect(a).toEqual({ isRangeError: true, provider: 'max-range', suggested: { maxRange: 1000 } })
    const b = parseRangeHint({ fromBlock: 0, toBlock: 5000, error: { code: -32047, message: 'Invalid eth_getLogs request. Max range: 3500' } })
    expect(b.suggested).toEqual({ maxRange: 3500 })
  })

  test('thirdweb and coinbase block limits', () => {
    expect(
      parseRangeHint({ fromBlock: 0, toBlock: 5000, error: { code: -32602, message: 'Maximum allowed number of requested blocks is 1000' } })
        .suggested,
    ).toEqual({ maxRange: 1000 })
    expect(
      parseRangeHint({ fromBlock: 0, toBlock: 5000, error: { code: -32000, message: 'please limit the query to at most 1000 blocks' } })
        .suggested,
    ).toEqual({ maxRange: 1000 })
  })

  test.each([
    ['Alchemy (old)', -32602, 'Log response size exceeded.'],
    ['geth / erigon', -32005, 'query returned more than 10000 results'],
    ['geth timeout', -32000, 'query timeout exceeded'],
    ['optimism', -32000, 'backend response too large'],
    ['optimism (new)', -32000, 'Block range is too large'],
    ['base', -32000, 'block range too large'],
    ['arbitrum', -32000, 'logs matched by query exceeds limit of 10000'],
    ['chainstack', -32000, 'Block range limit exceeded.'],
    ['ankr', -32600, 'block range is too wide'],
    ['llamarpc', -32000, 'query exceeds max results'],
    ['1rpc', -32000, 'response size should not greater than 10000000 bytes'],
    ['generic', -32000, 'too many results, narrow the filter'],
  ])('%s without a number: range error, no suggestion (caller halves)', (_name, code, message) => {
    const hint = parseRangeHint({ fromBlock: 100, toBlock: 5000, error: { code, message } })
    expect(hint.isRangeError).toBe(true)
    expect(hint.suggested).toBeUndefined()
  })

  test('a suggestion that is not smaller than the request is dropped', () => {
    const hint = parseRangeHint({
      fromBlock: 0x10,
      toBlock: 0x20,
      error: { code: -32602, message: 'Log response size exceeded. ... this block range should work: [0x10, 0x20]' },
    })
    expect(hint).toEqual({ isRangeError: true, provider: 'alchemy' })
  })

  test.each([
    [-32005, 'project ID request rate exceeded'],
    [429, 'Your app has exceeded its compute units per second capacity.'],
    [3, 'execution reverted: ERC20: transfer amount exceeds balance'],
    [-32601, 'the method eth_foo does not exist/is not available'],
    [-32602, 'invalid argument 0: hex string without 0x prefix'],
    [-32000, 'header not found'],
  ])('not a range error: %i %s', (code, message) => {
    expect(parseRangeHint({ fromBlock: 0, toBlock: 10, error: { code, message } })).toEqual({ isRangeError: false })
    expect(isRangeError({ code, message })).toBe(false)
  })
})
