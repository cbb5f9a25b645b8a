/**
 * A synthetic governance token for the ingest benchmark: an ERC20Votes token simulated in
 * memory, emitting the logs the real contract would, in the order it would.
 *
 * The logs must be *consistent*, not just token-shaped: the indexer rejects a transfer that
 * overdraws a balance, and its end-of-run check compares every delegate's emitted voting
 * power with the sum of its delegators' balances. So the simulation keeps balances,
 * delegations and votes, and emits exactly what OpenZeppelin v5 `ERC20Votes` emits:
 *
 * - `_update`: `Transfer(from, to, value)`, then `_moveDelegateVotes(delegates(from),
 *   delegates(to), value)`, which emits `DelegateVotesChanged` for the source delegate and
 *   then the destination delegate, each only when non-zero, and nothing when both are the
 *   same delegate or `value` is 0.
 * - `_delegate`: `DelegateChanged(account, old, new)` (even when unchanged), then
 *   `_moveDelegateVotes(old, new, balanceOf(account))`.
 *
 * Shape: mints first (a treasury, a team and an airdrop), then Zipf-distributed activity
 * over ~100k holders (a few very active accounts, a long tail), self-delegations,
 * delegations to a Zipf-popular set of delegates, re-delegations and undelegations, some
 * burns and transfers to oneself. Several logs share a transaction, several transactions
 * a block, and log indexes have gaps (other contracts' logs in the same block).
 * Deterministic by seed.
 */
import { blockHashOf } from './logServer.js'
import type { RawLog } from '../../src/sources/evm/types.js'
import { mulberry32 } from '../../src/analysis/mulberry32.js'

export const TOPIC = {
  Transfer: '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef',
  DelegateChanged: '0x3134e8a2e6d97e929a7e54011ea5485d7d196dd5f0ba4d4ef95803e8e3fc257f',
  DelegateVotesChanged: '0xdec2bacdd2f05b59de34da9b523dff8be42e5e38e818c82fdb0bae774387a724',
} as const

export type SimulateTokenParameters = {
  /** The token's (lowercase) address. */
  token: string
  /** Stop after the transaction that brings the log count to at least this. */
  events: number
  /** Distinct accounts. Default 100,000. */
  holders?: number
  /** Accounts that attract delegations (a Zipf-popular subset of holders). Default 3,000. */
  delegates?: number
  /** Accounts that receive the airdrop mint. Default 30,000. */
  airdrop?: number
  /** First block. Default 1,000,000. */
  startBlock?: number
  /** Mean gap in blocks between two blocks with this token's transactions. Default 36. */
  meanBlockGap?: number
  seed?: number
}

export type SimulatedToken = {
  logs: RawLog[]
  /** The token's state after the last log, to check an index against (amounts as decimal strings). */
  final: { totalSupply: string; totalVotes: string; holders: number; delegates: number }
  counts: { transfers: number; mints: number; burns: number; delegateChanged: number; delegateVotesChanged: number; transactions: number }
  holders: number
  firstBlock: number
  lastBlock: number
}

const ZERO = 0
const E18 = 10n ** 18n

export function simulateToken(p: SimulateTokenParameters): SimulatedToken {
  const holders = p.holders ?? 100_000
  const delegateCount = Math.min(p.delegates ?? 3_000, holders - 1)
  const airdrop = Math.min(p.airdrop ?? 30_000, holders - 2)
  const meanGap = p.meanBlockGap ?? 36
  const rand = uniform(p.seed ?? 1)

  // Account 0 is the zero address (mints and burns); 1 is the treasury, 2 the team.
  const accounts = accountTopics(holders + 1, rand)
  const TREASURY = 1
  const TEAM = 2
  const balance: bigint[] = new Array<bigint>(holders + 1).fill(0n)
  const delegateOf = new Int32Array(holders + 1) // 0 = not delegated
  const votes: bigint[] = new Array<bigint>(holders + 1).fill(0n)
  // Popular delegates: a fixed random subset of accounts, ranked by a Zipf draw.
  const delegatePool = Array.from({ length: delegateCount }, () => 3 + Math.floor(rand() * (holders - 2)))

  const logs: RawLog[] = []
  const counts = { transfers: 0, mints: 0, burns: 0, delegateChanged: 0, delegateVotesChanged: 0, transactions: 0 }

  // --- position: blocks, transactions, log indexes ---
  let block = p.startBlock ?? 1_000_000
  const firstBlock = block
  let blockHash = blockHashOf(block)
  let txIndex = -1
  let logIndex = -1
  let txHash = ''
  const nextBlock = () => {
    block += 1 + Math.floor(-Math.log(1 - rand()) * (meanGap - 1))
    blockHash = blockHashOf(block)
    txIndex = -1
    logIndex = -1
  }
  /** Start a transaction; a new block follows with probability 1 / `perBlock` (the mean number of this token's txs per block). */
  const beginTx = (perBlock: number) => {
    if (counts.transactions > 0 && rand() < 1 / perBlock) nextBlock()
    txIndex += 1 + Math.floor(rand() * 6) // other transactions in between
    logIndex += Math.floor(rand() * 4) // other contracts' logs in between
    counts.transactions++
    txHash = hash64(counts.transactions, rand)
  }
  const emit = (topics: string[], data: string) => {
    logs.push({
      address: p.token,
      topics,
      data,
      blockNumber: block,
      blockHash,
      transactionHash: txHash,
      transactionIndex: txIndex,
      logIndex: ++logIndex,
    })
  }

  // --- ERC20Votes ---
  const moveDelegateVotes = (from: number, to: number, amount: bigint) => {
    if (from === to || amount === 0n) return
    if (from !== ZERO) {
      const old = votes[from]!
      const now = old - amount
      if (now < 0n) throw new Error(`simulation bug: votes of ${from} would go negative`)
      votes[from] = now
      emit([TOPIC.DelegateVotesChanged, accounts[from]!], `0x${word(old)}${word(now)}`)
      counts.delegateVotesChanged++
    }
    if (to !== ZERO) {
      const old = votes[to]!
      const now = old + amount
      votes[to] = now
      emit([TOPIC.DelegateVotesChanged, accounts[to]!], `0x${word(old)}${word(now)}`)
      counts.delegateVotesChanged++
    }
  }
  const transfer = (from: number, to: number, amount: bigint) => {
    if (from !== ZERO) {
      if (balance[from]! < amount) throw new Error(`simulation bug: ${from} overdraws`)
      balance[from] = balance[from]! - amount
    }
    if (to !== ZERO) balance[to] = balance[to]! + amount
    emit([TOPIC.Transfer, accounts[from]!, accounts[to]!], `0x${word(amount)}`)
    if (from === ZERO) counts.mints++
    else if (to === ZERO) counts.burns++
    else counts.transfers++
    moveDelegateVotes(delegateOf[from]!, delegateOf[to]!, amount)
  }
  const delegate = (account: number, to: number) => {
    const old = delegateOf[account]!
    delegateOf[account] = to
    emit([TOPIC.DelegateChanged, accounts[account]!, accounts[old]!, accounts[to]!], '0x')
    counts.delegateChanged++
    moveDelegateVotes(old, to, balance[account]!)
  }

  // Zipf-ish pick over [lo, hi): P(k) ~ 1/k, by inverting the continuous CDF of 1/x.
  const zipf = (lo: number, n: number) => lo + Math.min(n - 1, Math.floor(Math.exp(rand() * Math.log(n + 1))) - 1)
  const anyHolder = () => zipf(3, holders - 2)
  const popularDelegate = () => delegatePool[zipf(0, delegateCount)]!
  // A fraction of a balance, skewed small (most transfers move a little, some move all).
  const part = (b: bigint) => {
    const r = rand()
    if (r < 0.1) return b
    const ppm = BigInt(1 + Math.floor(rand() ** 3 * 999_999))
    const v = (b * ppm) / 1_000_000n
    return v === 0n ? b : v
  }

  // Phase 1: mints. Treasury and team self-delegate first, then receive most of the supply.
  const done = () => logs.length >= p.events
  beginTx(1)
  delegate(TREASURY, TREASURY)
  beginTx(1)
  delegate(TEAM, TEAM)
  beginTx(1)
  transfer(ZERO, TREASURY, 600_000_000n * E18)
  beginTx(1)
  transfer(ZERO, TEAM, 250_000_000n * E18)
  // The airdrop: batched claims, many per block.
  for (let i = 0; i < airdrop && !done(); i++) {
    beginTx(40)
    const to = 3 + Math.floor(rand() * (holders - 2))
    transfer(ZERO, to, BigInt(1 + Math.floor(rand() ** 4 * 20_000)) * E18 + BigInt(Math.floor(rand() * 1e15)))
  }

  // Phase 2: activity.
  while (!done()) {
    beginTx(1.6)
    const r = rand()
    if (r < 0.74) {
      // Transfer from an account that holds something (Zipf-active senders; the treasury
      // funds those that do not).
      let from = anyHolder()
      for (let k = 0; k < 6 && balance[from] === 0n; k++) from = anyHolder()
      let to = anyHolder()
      if (to === from) to = from === 3 ? 4 : 3
      if (rand() < 0.005) to = from // a transfer to oneself: Transfer, no vote change
      if (balance[from]! > 0n) transfer(from, to, part(balance[from]!))
      else {
        const funder = rand() < 0.8 ? TREASURY : TEAM
        const grant = BigInt(1 + Math.floor(rand() * 50_000)) * E18
        if (balance[funder]! >= grant) transfer(funder, to, grant)
        else transfer(ZERO, to, grant) // the funds ran dry: mint instead
      }
    } else if (r < 0.76) {
      // Burn.
      let from = anyHolder()
      for (let k = 0; k < 6 && balance[from] === 0n; k++) from = anyHolder()
      if (balance[from] === 0n) from = TREASURY
      if (balance[from]! > 0n) transfer(from, ZERO, part(balance[from]!))
      else transfer(ZERO, TREASURY, E18)
    } else if (r < 0.77) {
      // Treasury mint (inflation).
      transfer(ZERO, TREASURY, BigInt(1 + Math.floor(rand() * 1_000_000)) * E18)
    } else {
      // Delegation: self (45%), to a popular delegate (45%), or undelegate (10%, only if
      // delegated). Re-delegation happens whenever the account already had a delegate.
      const account = anyHolder()
      const s = rand()
      let to: number
      if (s < 0.45) to = account
      else if (s < 0.9) to = popularDelegate()
      else to = delegateOf[account] !== 0 ? ZERO : account
      delegate(account, to)
    }
  }
  const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n)
  const final = {
    totalSupply: sum(balance).toString(),
    totalVotes: sum(votes).toString(),
    holders: balance.filter((b) => b > 0n).length,
    delegates: votes.filter((v) => v > 0n).length,
  }
  return { logs, final, counts, holders, firstBlock, lastBlock: block }
}

/** Topic form (32 bytes) of each account's address; index 0 is the zero address. */
function accountTopics(n: number, rand: () => number): string[] {
  const out = new Array<string>(n)
  const seen = new Set<string>()
  out[0] = `0x${'0'.repeat(64)}`
  for (let i = 1; i < n; i++) {
    let a: string
    do {
      a = ''
      for (let k = 0; k < 5; k++) a += ((rand() * 4294967296) >>> 0).toString(16).padStart(8, '0')
    } while (seen.has(a))
    seen.add(a)
    out[i] = `0x${'0'.repeat(24)}${a}`
  }
  return out
}

/** A transaction hash: 28 random bytes and the transaction's number (so it is unique). */
function hash64(n: number, rand: () => number): string {
  for (let k = 0; k < 7; k++) scratch.writeUInt32BE((rand() * 4294967296) >>> 0, k * 4)
  scratch.writeUInt32BE(n >>> 0, 28)
  return `0x${scratch.toString('hex')}`
}
const scratch = Buffer.alloc(32)

function word(v: bigint): string {
  return v.toString(16).padStart(64, '0')
}

/** Uniform floats in [0, 1) from the shared seeded mulberry32. */
function uniform(seed: number): () => number {
  const next = mulberry32(seed)
  return () => next() / 4294967296
}
