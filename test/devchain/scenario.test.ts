import { id, ZeroAddress } from 'ethers'
import { beforeAll, describe, expect, test } from 'vitest'
import { TOKEN_KINDS, type TokenKind } from '../../src/devchain/deploy.js'
import { createDevRpc } from '../../src/devchain/devRpc.js'
import { type PlayTokenScenarioResult, playTokenScenario } from '../../src/devchain/tokenScenario.js'
import { readTokenTruth, type TokenTruth } from '../../src/devchain/tokenTruth.js'
import { revertTo, snapshot, useAnvil } from '../helpers/anvil.js'

const TOPIC = {
  Transfer: id('Transfer(address,address,uint256)'),
  DelegateChanged: id('DelegateChanged(address,address,address)'),
  DelegateVotesChanged: id('DelegateVotesChanged(address,uint256,uint256)'),
}

type Log = { address: string; topics: string[]; data: string; blockNumber: string; logIndex: string; transactionHash: string; transactionIndex: string }

/** A token event decoded by hand (fixed layouts, as DESIGN §4 says the indexer does). */
type Event =
  | { type: 'Transfer'; block: number; logIndex: number; tx: string; from: string; to: string; value: bigint; tokenId: bigint | null }
  | { type: 'DelegateChanged'; block: number; logIndex: number; tx: string; delegator: string; fromDelegate: string; toDelegate: string }
  | { type: 'DelegateVotesChanged'; block: number; logIndex: number; tx: string; delegate: string; previousVotes: bigint; newVotes: bigint }

const topicAddress = (t: string | undefined) => `0x${(t ?? '').slice(26)}`.toLowerCase()
const word = (data: string, i: number) => BigInt(`0x${data.slice(2 + 64 * i, 2 + 64 * (i + 1))}`)

function decode(log: Log): Event {
  const base = { block: Number(log.blockNumber), logIndex: Number(log.logIndex), tx: log.transactionHash }
  const [topic0, t1, t2, t3] = log.topics
  if (topic0 === TOPIC.Transfer) {
    const nft = log.topics.length === 4
    return { type: 'Transfer', ...base, from: topicAddress(t1), to: topicAddress(t2), value: nft ? 1n : word(log.data, 0), tokenId: nft ? BigInt(t3 as string) : null }
  }
  if (topic0 === TOPIC.DelegateChanged)
    return { type: 'DelegateChanged', ...base, delegator: topicAddress(t1), fromDelegate: topicAddress(t2), toDelegate: topicAddress(t3) }
  if (topic0 === TOPIC.DelegateVotesChanged)
    return { type: 'DelegateVotesChanged', ...base, delegate: topicAddress(t1), previousVotes: word(log.data, 0), newVotes: word(log.data, 1) }
  throw new Error(`unexpected token log ${topic0} in ${log.transactionHash}`)
}

const sum = (values: Iterable<bigint>) => [...values].reduce((a, b) => a + b, 0n)
const at = <V>(m: Map<number, Map<string, V>>, b: number) => m.get(b) ?? new Map<string, V>()

describe.each(TOKEN_KINDS)('%s scenario on anvil', (kind: TokenKind) => {
  const chain = useAnvil()
  let scenario: PlayTokenScenarioResult
  let truth: TokenTruth
  let events: Event[]
  const timings: Record<string, number> = {}

  beforeAll(async () => {
    let t = performance.now()
    scenario = await playTokenScenario({ url: chain.url, kind, accounts: 60, seed: 7 })
    timings.play = performance.now() - t
    t = performance.now()
    truth = await readTokenTruth({ url: chain.url, kind, token: scenario.token, accounts: scenario.accounts, blocks: scenario.blocks })
    timings.truth = performance.now() - t
    const logs = await createDevRpc(chain.url).request<Log[]>('eth_getLogs', [
      { address: scenario.token, fromBlock: `0x${scenario.deployBlock.toString(16)}`, toBlock: `0x${scenario.lastBlock.toString(16)}` },
    ])
    events = logs
      .filter((l) => Object.values(TOPIC).includes(l.topics[0] as string))
      .map(decode)
      .sort((a, b) => a.block - b.block || a.logIndex - b.logIndex)
    console.info(
      `${kind}: ${scenario.txCount} txs, ${events.length} token events, blocks ${scenario.deployBlock}..${scenario.lastBlock}, ` +
        `truth at ${truth.blocks.length} blocks x ${truth.accounts.length} accounts; play ${timings.play?.toFixed(0)} ms, truth ${timings.truth?.toFixed(0)} ms`,
    )
  })

  test('the scenario has the shape the indexer tests rely on', () => {
    expect(scenario.accounts.length).toBeGreaterThanOrEqual(56)
    expect(new Set(scenario.accounts).size).toBe(scenario.accounts.length)
    expect(scenario.accounts.every((a) => a === a.toLowerCase())).toBe(true)
    expect(scenario.blocks.length).toBeGreaterThanOrEqual(20)
    expect(scenario.blocks).toEqual([...scenario.blocks].sort((a, b) => a - b))
    expect(scenario.blocks[0]).toBe(scenario.deployBlock)
    expect(scenario.blocks.at(-1)).toBe(scenario.lastBlock)
    expect(scenario.blocks.some((b) => scenario.multiTxBlocks.includes(b))).toBe(true)
    expect(scenario.blocks.some((b) => scenario.emptyBlocks.includes(b))).toBe(true)
    expect(truth.blocks).toEqual(scenario.blocks)
    expect(truth.headBlock).toBeGreaterThan(scenario.lastBlock)
    for (const b of truth.blocks) {
      expect(at(truth.balances, b).size).toBe(truth.accounts.length)
      expect(at(truth.delegates, b).size).toBe(truth.accounts.length)
      expect(at(truth.votes, b).size).toBe(truth.accounts.length)
    }
  })

  test('a transaction has >= 3 token events and a block has >= 2 transactions (from the logs)', () => {
    const perTx = new Map<string, Event[]>()
    for (const e of events) perTx.set(e.tx, [...(perTx.get(e.tx) ?? []), e])
    const rich = [...perTx.values()].filter((es) => es.length >= 3 && new Set(es.map((e) => e.type)).size === 3)
    expect(rich.length).toBeGreaterThanOrEqual(1)
    for (const tx of scenario.multiEventTxs) expect(perTx.get(tx)?.length ?? 0).toBeGreaterThanOrEqual(3)
    expect(rich.some((es) => es.filter((e) => e.type === 'DelegateVotesChanged').length >= 2)).toBe(true)

    const txsPerBlock = new Map<number, Set<string>>()
    for (const e of events) txsPerBlock.set(e.block, (txsPerBlock.get(e.block) ?? new Set()).add(e.tx))
    expect(Math.max(...[...txsPerBlock.values()].map((s) => s.size))).toBeGreaterThanOrEqual(2)
    // One delegate's votes change several times within a block.
    const dvcPerBlockDelegate = new Map<string, number>()
    for (const e of events)
      if (e.type === 'DelegateVotesChanged') dvcPerBlockDelegate.set(`${e.block}:${e.delegate}`, (dvcPerBlockDelegate.get(`${e.block}:${e.delegate}`) ?? 0) + 1)
    expect(Math.max(...dvcPerBlockDelegate.values())).toBeGreaterThanOrEqual(2)
  })

  test('voting power equals delegated balances at every block, per delegate', () => {
    for (const b of truth.blocks) {
      const balances = at(truth.balances, b)
      const delegates = at(truth.delegates, b)
      const expected = new Map<string, bigint>(truth.accounts.map((a) => [a, 0n]))
      for (const [holder, d] of delegates) {
        if (d === ZeroAddress) continue
        expect(expected.has(d), `delegate ${d} of ${holder} at ${b} is not in accounts`).toBe(true)
        expected.set(d, (expected.get(d) ?? 0n) + (balances.get(holder) ?? 0n))
      }
      expect(at(truth.votes, b), `block ${b}`).toEqual(expected)
      const delegated = sum(truth.accounts.filter((a) => delegates.get(a) !== ZeroAddress).map((a) => balances.get(a) ?? 0n))
      expect(sum(at(truth.votes, b).values())).toBe(delegated)
    }
  })

  test('balances sum to the total supply at every block', () => {
    for (const b of truth.blocks) {
      expect(sum(at(truth.balances, b).values()), `block ${b}`).toBe(truth.totalSupply.get(b))
      if (truth.pastTotalSupply) expect(truth.pastTotalSupply.get(b)).toBe(truth.totalSupply.get(b))
    }
    expect(truth.totalSupply.get(scenario.deployBlock)).toBe(0n)
    expect(truth.latest.totalSupply).toBe(truth.totalSupply.get(scenario.lastBlock))
  })

  test('latest views (getVotes / getCurrentVotes) agree with the last block', () => {
    // The head is an empty block mined after lastBlock.
    expect(truth.latest.votes).toEqual(at(truth.votes, scenario.lastBlock))
    expect(truth.latest.balances).toEqual(at(truth.balances, scenario.lastBlock))
    expect(truth.latest.delegates).toEqual(at(truth.delegates, scenario.lastBlock))
  })

  test('replaying the events in (block, logIndex) order reproduces the truth', () => {
    const accounts = new Set(truth.accounts)
    const balances = new Map<string, bigint>()
    const delegates = new Map<string, string>()
    const votes = new Map<string, bigint>()
    let supply = 0n
    let i = 0
    for (const b of truth.blocks) {
      for (; i < events.length && (events[i] as Event).block <= b; i++) {
        const e = events[i] as Event
        if (e.type === 'Transfer') {
          if (e.from !== ZeroAddress) balances.set(e.from, (balances.get(e.from) ?? 0n) - e.value)
          else supply += e.value
          if (e.to !== ZeroAddress) balances.set(e.to, (balances.get(e.to) ?? 0n) + e.value)
          else supply -= e.value
          for (const a of [e.from, e.to]) if (a !== ZeroAddress) expect(accounts.has(a), `holder ${a}`).toBe(true)
        } else if (e.type === 'DelegateChanged') {
          expect(delegates.get(e.delegator) ?? ZeroAddress).toBe(e.fromDelegate)
          delegates.set(e.delegator, e.toDelegate)
        } else {
          // Each change starts where the delegate's previous one ended.
          expect(e.previousVotes, `${e.delegate} in ${e.tx}`).toBe(votes.get(e.delegate) ?? 0n)
          expect(accounts.has(e.delegate), `delegate ${e.delegate}`).toBe(true)
          votes.set(e.delegate, e.newVotes)
        }
      }
      for (const a of truth.accounts) {
        expect(balances.get(a) ?? 0n, `balance ${a} at ${b}`).toBe(at(truth.balances, b).get(a))
        expect(delegates.get(a) ?? ZeroAddress, `delegate ${a} at ${b}`).toBe(at(truth.delegates, b).get(a))
        expect(votes.get(a) ?? 0n, `votes ${a} at ${b}`).toBe(at(truth.votes, b).get(a))
      }
      expect(supply, `supply at ${b}`).toBe(truth.totalSupply.get(b))
    }
  })

  test('the history has the edge cases an indexer gets wrong', () => {
    const last = scenario.lastBlock
    const { whaleDelegate, zeroBalanceDelegates, neverDelegate } = scenario.roles
    // Delegates that never hold a token, some with votes.
    for (const b of truth.blocks) for (const d of zeroBalanceDelegates) expect(at(truth.balances, b).get(d)).toBe(0n)
    expect(zeroBalanceDelegates.some((d) => (at(truth.votes, last).get(d) ?? 0n) > 0n)).toBe(true)
    // A delegate receiving from many.
    const fans = (b: number) => [...at(truth.delegates, b).values()].filter((d) => d === whaleDelegate).length
    expect(Math.max(...truth.blocks.map(fans))).toBeGreaterThanOrEqual(10)
    // Holders that never delegate, with balances that carry no votes.
    for (const a of neverDelegate) expect(at(truth.delegates, last).get(a)).toBe(ZeroAddress)
    expect(neverDelegate.some((a) => (at(truth.balances, last).get(a) ?? 0n) > 0n)).toBe(true)
    // Self-delegation, undelegation (to the zero address), mints and burns throughout.
    expect(events.some((e) => e.type === 'DelegateChanged' && e.delegator === e.toDelegate)).toBe(true)
    expect(events.some((e) => e.type === 'DelegateChanged' && e.toDelegate === ZeroAddress && e.fromDelegate !== ZeroAddress)).toBe(true)
    expect(events.some((e) => e.type === 'DelegateChanged' && e.fromDelegate === e.toDelegate && e.toDelegate !== ZeroAddress)).toBe(true)
    const mints = events.filter((e) => e.type === 'Transfer' && e.from === ZeroAddress)
    const burns = events.filter((e) => e.type === 'Transfer' && e.to === ZeroAddress)
    expect(burns.length).toBeGreaterThanOrEqual(3)
    expect(Math.max(...mints.map((e) => e.block))).toBeGreaterThan(Math.min(...burns.map((e) => e.block)))
    expect(events.some((e) => e.type === 'Transfer' && e.from === e.to)).toBe(true)
    if (kind === 'erc721votes') {
      expect(scenario.tokenIds.length).toBeGreaterThan(60)
      expect(events.some((e) => e.type === 'Transfer' && (e.tokenId ?? 0n) >= 2n ** 255n)).toBe(true)
    } else {
      expect(scenario.tokenIds).toEqual([])
      expect(events.some((e) => e.type === 'Transfer' && e.value === 0n)).toBe(true)
    }
  })
})

describe('determinism', () => {
  const chain = useAnvil()

  test('the same seed replays the same events in the same blocks', async () => {
    const run = async () => {
      const s = await playTokenScenario({ url: chain.url, kind: 'comp', seed: 'same' })
      const logs = await createDevRpc(chain.url).request<Log[]>('eth_getLogs', [
        { address: s.token, fromBlock: `0x${s.deployBlock.toString(16)}`, toBlock: `0x${s.lastBlock.toString(16)}` },
      ])
      // Transaction hashes differ between runs (anvil signs impersonated transactions itself).
      const { multiEventTxs, ...rest } = s
      return { rest, multiEventTxs: multiEventTxs.length, logs: logs.map((l) => [l.blockNumber, l.transactionIndex, l.logIndex, ...l.topics, l.data].join(':')) }
    }
    const id = await snapshot(chain.url)
    const first = await run()
    await revertTo(chain.url, id)
    const second = await run()
    expect(second).toEqual(first)
    expect(first.logs.length).toBeGreaterThan(300)
  })
})
