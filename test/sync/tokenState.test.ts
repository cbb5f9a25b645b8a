/** TokenState: the derived rows of a commit, and the rules a transfer must follow. */
import { describe, expect, test } from 'vitest'
import { SourceError } from '../../src/errors.js'
import { ZERO_ADDRESS, type TokenEvent } from '../../src/sources/token/decode.js'
import { CHECKPOINT_WIDTH, DELEGATION_WIDTH, packTokenEvents, type CheckpointRows } from '../../src/store/tokenRows.js'
import { TokenState } from '../../src/sync/tokenState.js'

const A = '0x' + 'a1'.repeat(20)
const B = '0x' + '0b'.repeat(20)
const C = '0x' + 'c3'.repeat(20)
const word = (n: bigint) => n.toString(16).padStart(64, '0')
const tx = (n: number) => '0x' + n.toString(16).padStart(64, '0')

let logIndex = 0
const transfer = (block: number, from: string, to: string, value: bigint): TokenEvent => ({
  kind: 'Transfer',
  blockNumber: block,
  logIndex: logIndex++,
  transactionIndex: 0,
  transactionHash: tx(block),
  from,
  to,
  value: word(value),
  tokenId: null,
})
const votesChanged = (block: number, delegate: string, previous: bigint, now: bigint): TokenEvent => ({
  kind: 'DelegateVotesChanged',
  blockNumber: block,
  logIndex: logIndex++,
  transactionIndex: 0,
  transactionHash: tx(block),
  delegate,
  previousVotes: word(previous),
  newVotes: word(now),
})
const delegateChanged = (block: number, delegator: string, to: string): TokenEvent => ({
  kind: 'DelegateChanged',
  blockNumber: block,
  logIndex: logIndex++,
  transactionIndex: 0,
  transactionHash: tx(block),
  delegator,
  fromDelegate: ZERO_ADDRESS,
  toDelegate: to,
})

const fresh = () => new TokenState({ loadBalance: () => undefined, storeMayHaveBalances: false })

/** All chunks as plain rows. */
function rowsOf(chunks: Iterable<CheckpointRows>) {
  const out: { account: string; block: number; amount: bigint; last: boolean }[] = []
  for (const c of chunks)
    for (let k = 0; k < c.count; k++) {
      const text = c.text.slice(k * CHECKPOINT_WIDTH, (k + 1) * CHECKPOINT_WIDTH)
      out.push({ account: text.slice(0, 42), block: c.blockNumber[k]!, amount: BigInt(`0x${text.slice(42)}`), last: c.last[k] === 1 })
    }
  return out
}

describe('TokenState', () => {
  test('checkpoints come sorted by account then chain order, the last of each carrying the current value', () => {
    const s = fresh()
    s.apply(packTokenEvents([transfer(1, ZERO_ADDRESS, C, 100n), transfer(2, C, A, 30n), transfer(3, C, B, 5n), transfer(4, A, C, 10n)]))
    s.apply(packTokenEvents([votesChanged(4, B, 0n, 7n), votesChanged(5, A, 0n, 3n), votesChanged(6, B, 7n, 0n)]))
    const taken = s.take()
    expect(rowsOf(taken.balances)).toEqual([
      { account: B, block: 3, amount: 5n, last: true },
      { account: A, block: 2, amount: 30n, last: false },
      { account: A, block: 4, amount: 20n, last: true },
      { account: C, block: 1, amount: 100n, last: false },
      { account: C, block: 2, amount: 70n, last: false },
      { account: C, block: 3, amount: 65n, last: false },
      { account: C, block: 4, amount: 75n, last: true },
    ])
    expect(rowsOf(taken.votes)).toEqual([
      { account: B, block: 4, amount: 7n, last: false },
      { account: B, block: 6, amount: 0n, last: true },
      { account: A, block: 5, amount: 3n, last: true },
    ])
    expect(s.stagedEvents).toBe(0)
    // The next commit starts empty but keeps the balances.
    s.apply(packTokenEvents([transfer(7, A, B, 20n)]))
    expect(rowsOf(s.take().balances)).toEqual([
      { account: B, block: 7, amount: 25n, last: true },
      { account: A, block: 7, amount: 0n, last: true },
    ])
  })

  test('a transfer to oneself is one checkpoint with the balance unchanged; an overdraw is a SourceError', () => {
    const s = fresh()
    s.apply(packTokenEvents([transfer(1, ZERO_ADDRESS, A, 10n), transfer(2, A, A, 10n)]))
    expect(rowsOf(s.take().balances).filter((r) => r.block === 2)).toEqual([{ account: A, block: 2, amount: 10n, last: true }])
    expect(() => s.apply(packTokenEvents([transfer(3, A, A, 11n)]))).toThrow(SourceError)
    expect(() => s.apply(packTokenEvents([transfer(4, A, B, 11n)]))).toThrow(/moves more than 0xa1a1/)
  })

  test('balances come from the store on a cache miss, and again after the cache is dropped', () => {
    const stored = new Map([[A, 50n]])
    const looked: string[] = []
    const s = new TokenState({ loadBalance: (h) => (looked.push(h), stored.get(h)), storeMayHaveBalances: true })
    s.apply(packTokenEvents([transfer(1, A, B, 20n)]))
    expect(rowsOf(s.take().balances).map((r) => r.amount)).toEqual([20n, 30n]) // B, then A
    expect(looked).toEqual([A, B])
    stored.set(A, 30n).set(B, 20n) // as committed
    s.evictBalances(0)
    s.apply(packTokenEvents([transfer(2, B, A, 1n)]))
    expect(rowsOf(s.take().balances).map((r) => r.amount)).toEqual([19n, 31n])
    expect(looked).toEqual([A, B, B, A])
  })

  test('a fresh index never asks the store', () => {
    const s = new TokenState({ loadBalance: () => expect.unreachable('no lookup on a fresh index'), storeMayHaveBalances: false })
    s.apply(packTokenEvents([transfer(1, ZERO_ADDRESS, A, 1n)]))
    expect(rowsOf(s.take().balances)).toHaveLength(1)
  })

  test("delegations: each delegator's last delegate, sorted by delegator", () => {
    const s = fresh()
    s.apply(packTokenEvents([delegateChanged(1, C, A), delegateChanged(2, A, A), delegateChanged(3, C, ZERO_ADDRESS)]))
    const d = s.take().delegations
    const pairs = Array.from({ length: d.length / DELEGATION_WIDTH }, (_, i) => [d.slice(i * 84, i * 84 + 42), d.slice(i * 84 + 42, (i + 1) * 84)])
    expect(pairs).toEqual([
      [A, A],
      [C, ZERO_ADDRESS],
    ])
  })

  test('a field outside ASCII is refused, not truncated into another address', () => {
    const s = fresh()
    const bad = '0x' + 'a'.repeat(39) + '\u0101'
    expect(() => s.apply(packTokenEvents([transfer(1, ZERO_ADDRESS, bad, 1n)]))).toThrow(SourceError)
  })
})
