import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { SourceError, UsageError } from '../../../src/errors.js'
import { getBlockHeaders, getChainId, getCode, getHead, isContract } from '../../../src/sources/evm/blocks.js'
import { createRpcClient } from '../../../src/sources/evm/rpc.js'
import { onNth, startFaultProxy } from '../../helpers/faultProxy.js'
import { blockHashOf, startLogServer, type LogServer } from '../../helpers/logServer.js'

const GENESIS = 1_600_000_000
const FAST = { retries: 4, baseDelayMs: 5, maxDelayMs: 40, timeoutMs: 2_000 }
let node: LogServer

beforeAll(async () => {
  node = await startLogServer({ logs: [], head: 1_000, chainId: 10, genesisTimestamp: GENESIS, finalizedDepth: 64 })
})
afterAll(() => node.close())

describe('blocks', () => {
  test('getChainId and getHead', async () => {
    const rpc = createRpcClient({ url: node.url, ...FAST })
    expect(await getChainId(rpc)).toBe(10)
    expect(await getHead(rpc, 12)).toBe(988)
    expect(await getHead(rpc, 0)).toBe(1_000)
    expect(await getHead(rpc, 5_000)).toBe(0) // clamped
    expect(await getHead(rpc, 'finalized')).toBe(936)
    await expect(getHead(rpc, -1)).rejects.toThrow(UsageError)
  })

  test('getBlockHeaders: batched, validated, in the order asked', async () => {
    const rpc = createRpcClient({ url: node.url, ...FAST })
    const before = node.stats.requests
    const numbers = [7, 3, 7, 1_000, 0, ...Array.from({ length: 250 }, (_, i) => 100 + i)]
    const headers = await getBlockHeaders(rpc, numbers, { batchSize: 100, concurrency: 2 })
    expect(headers.map((h) => h.number)).toEqual(numbers)
    for (const h of headers) {
      expect(h.hash).toBe(blockHashOf(h.number))
      expect(h.parentHash).toBe(blockHashOf(h.number - 1))
      expect(h.timestamp).toBe(GENESIS + 12 * h.number)
    }
    expect(node.stats.requests - before).toBe(3) // 254 distinct blocks in batches of 100
    expect(await getBlockHeaders(rpc, [])).toEqual([])
  })

  test('a block beyond the head is a SourceError', async () => {
    const rpc = createRpcClient({ url: node.url, ...FAST })
    const e = await getBlockHeaders(rpc, [5, 1_001]).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(SourceError)
    expect((e as SourceError).shortMessage).toMatch(/does not have block 1001/)
  })

  test('a batch answered with a wrong id is retried', async () => {
    const proxy = await startFaultProxy({ target: node.url, plan: onNth('eth_getBlockByNumber', [1], { kind: 'wrongId' }) })
    try {
      const rpc = createRpcClient({ url: proxy.url, ...FAST })
      const headers = await getBlockHeaders(rpc, [1, 2, 3])
      expect(headers.map((h) => h.hash)).toEqual([1, 2, 3].map(blockHashOf))
      expect(proxy.stats.injected.wrongId).toBe(1)
    } finally {
      await proxy.close()
    }
  })

  test("a node without the 'finalized' tag: a SourceError naming --confirmations", async () => {
    const proxy = await startFaultProxy({
      target: node.url,
      plan: (r) => (r.calls[0]?.params?.[0] === 'finalized' ? { kind: 'rpcError', code: -32602, message: "invalid block tag 'finalized'" } : undefined),
    })
    try {
      const rpc = createRpcClient({ url: proxy.url, ...FAST })
      const e = await getHead(rpc, 'finalized').catch((x: unknown) => x)
      expect(e).toBeInstanceOf(SourceError)
      expect((e as SourceError).shortMessage).toMatch(/does not support the 'finalized' block tag .*use --confirmations N/)
    } finally {
      await proxy.close()
    }
  })

  test('getCode / isContract', async () => {
    const token = '0x' + 'cd'.repeat(20)
    const server = await startLogServer({ logs: [], code: { [token]: '0x6080604052' } })
    try {
      const rpc = createRpcClient({ url: server.url, ...FAST })
      expect(await getCode(rpc, '0x' + 'ab'.repeat(20))).toBe('0x')
      expect(await isContract(rpc, '0x' + 'AB'.repeat(20))).toBe(false)
      expect(await getCode(rpc, token.toUpperCase().replace('0X', '0x'))).toBe('0x6080604052')
      expect(await isContract(rpc, token)).toBe(true)
      await expect(getCode(rpc, '0x12')).rejects.toThrow(UsageError)
    } finally {
      await server.close()
    }
  })

  test('a provider that refuses large batches gets smaller ones', async () => {
    const server = await startLogServer({ logs: [], head: 500, maxBatch: 7 })
    try {
      const rpc = createRpcClient({ url: server.url, ...FAST })
      const numbers = Array.from({ length: 40 }, (_, i) => i * 3)
      const headers = await getBlockHeaders(rpc, numbers, { batchSize: 20 })
      expect(headers.map((h) => h.hash)).toEqual(numbers.map(blockHashOf))
    } finally {
      await server.close()
    }
  })
})
