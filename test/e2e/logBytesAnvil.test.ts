/**
 * The byte reader of eth_getLogs answers (src/sources/evm/logBytes.ts) on a real node:
 * anvil's answers for an OpenZeppelin governor and its ERC20Votes token — transfers,
 * delegations, ProposalCreated with its dynamic data, votes with reasons and params — are
 * read from their bytes (none falls back to JSON.parse), and give exactly what the
 * ordinary path gives for the same answers.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startAnvil, type StartAnvilResult } from '../../src/devchain/anvil.js'
import { playGovernorScenario, type PlayGovernorScenarioResult } from '../../src/devchain/governorScenario.js'
import { fetchLogsWith } from '../../src/sources/evm/getLogs.js'
import { createRpcClient } from '../../src/sources/evm/rpc.js'
import type { RpcClient } from '../../src/sources/evm/types.js'
import { governorTopics } from '../../src/sources/governor/topics.js'
import { TOKEN_TOPICS } from '../../src/sources/token/decode.js'
import { daoLogConverter } from '../../src/sync/tokenLogs.js'

let anvil: StartAnvilResult
let scenario: PlayGovernorScenarioResult
let head: number

beforeAll(async () => {
  anvil = await startAnvil({})
  scenario = await playGovernorScenario({ url: anvil.url, fixture: 'oz-block', seed: 'log-bytes' })
  head = Number(await createRpcClient({ url: anvil.url }).request<string>('eth_blockNumber', []))
})
afterAll(async () => {
  await anvil?.stop()
})

/** The client, counting the answers its byte readers took and declined. */
function countingClient(): { rpc: RpcClient; read: () => number; declined: () => number } {
  const inner = createRpcClient({ url: anvil.url })
  let read = 0
  let declined = 0
  return {
    rpc: {
      label: inner.label,
      request: (method, params) => inner.request(method, params),
      batch: (calls) => inner.batch(calls),
      requestBytes: (method, params, reader) =>
        inner.requestBytes!(method, params, (body, id) => {
          const value = reader(body, id)
          if (value === undefined) declined++
          else read++
          return value
        }),
    },
    read: () => read,
    declined: () => declined,
  }
}

/** The same fetch through a client without `requestBytes`: every answer parsed as JSON. */
function parsingClient(): RpcClient {
  const inner = createRpcClient({ url: anvil.url })
  return { label: inner.label, request: (method, params) => inner.request(method, params), batch: (calls) => inner.batch(calls) }
}

describe("anvil's eth_getLogs answers read from their bytes", () => {
  const addresses = () => [scenario.token, scenario.governor]
  const topics = () => [[...TOKEN_TOPICS, ...governorTopics('oz')]]
  const range = { fromBlock: 0, initialRange: 4, growAfter: 1_000 }

  test('the indexer (token packed, governor events decoded) gets the same logs as from JSON.parse', async () => {
    const convert = daoLogConverter(scenario.token, new Map([[scenario.governor, 'oz' as const]]), head - 20)
    const collect = async (rpc: RpcClient) => {
      const out = []
      for await (const c of fetchLogsWith({ rpc, addresses: addresses(), topics: topics(), toBlock: head, ...range }, convert)) out.push(c)
      return out
    }
    const counting = countingClient()
    const fromBytes = await collect(counting.rpc)
    const parsed = await collect(parsingClient())
    expect(counting.declined()).toBe(0)
    expect(counting.read()).toBeGreaterThan(1)
    expect(fromBytes).toEqual(parsed)
    const governorEvents = fromBytes.flatMap((c) => c.logs.governor)
    expect(governorEvents.some((e) => e.kind === 'ProposalCreated')).toBe(true)
    expect(governorEvents.some((e) => e.kind === 'VoteCast' && e.reason !== '')).toBe(true)
    expect(fromBytes.reduce((n, c) => n + c.logs.token.count, 0)).toBeGreaterThan(20)
    expect(fromBytes.some((c) => c.logs.blockHashes.length > 0)).toBe(true)
  })
})
