/**
 * Which (account, block) pairs `govaudit verify` reads from the chain: pure and seeded, so
 * a run printed with its seed can be repeated exactly (`--seed S`).
 *
 * - Blocks: the token cursor ("now"), `--block`, a few blocks drawn uniformly from the
 *   indexed range before the cursor, and every proposal's snapshot block.
 * - Accounts: the largest holders and delegates at the cursor (the accounts every analysis
 *   turns on), plus `sample` accounts drawn uniformly from every account the store knows —
 *   or that whole population with `all`.
 * - Pairs: every planned account at every planned block (votes, balance, delegate), plus
 *   each proposal's largest voters at its snapshot block (votes: their weights are what
 *   the proposal analyses count).
 *
 * Imports nothing with I/O: the caller reads the store and passes plain lists.
 */
import { mulberry32 } from '../analysis/mulberry32.js'
import type { BlockReason, PlannedBlock } from './types.js'

/** Largest holders and largest delegates checked by default, each. */
export const TOP_ACCOUNTS = 5
/** Earlier blocks drawn at random besides the cursor, --block and the proposal snapshots. */
export const SAMPLED_BLOCKS = 3
/** Random accounts checked by default (`--sample`). */
export const DEFAULT_SAMPLE = 10
/** Seeds are 32-bit: what mulberry32 takes, and short enough to print and retype. */
export const MAX_SEED = 2 ** 32 - 1

/** Independent streams for blocks and accounts: changing one draw count never shifts the other. */
const BLOCK_STREAM = 0x6b6c6f63
const ACCOUNT_STREAM = 0x61636374

/** Uniform integers in [0, n) from one seeded stream (n < 2^32). */
function uniform(seed: number, stream: number): (n: number) => number {
  const next = mulberry32((seed ^ stream) >>> 0)
  return (n) => Math.floor((next() / 2 ** 32) * n)
}

export type PlanBlocksParameters = {
  seed: number
  /** First indexed block of the DAO. */
  startBlock: number
  /** Last indexed block (the token cursor). */
  cursor: number
  /** `--block`, already checked to lie in [startBlock, cursor]. */
  requested?: number
  /** Snapshot blocks of the proposals; those outside [startBlock, cursor] are left out. */
  snapshots: readonly number[]
  /** Default SAMPLED_BLOCKS. */
  sampled?: number
}

/** The blocks to check, ascending, each once with every reason it was picked for. */
export function planBlocks(p: PlanBlocksParameters): PlannedBlock[] {
  const reasons = new Map<number, Set<BlockReason>>()
  const add = (blockNumber: number, reason: BlockReason) => {
    if (blockNumber < p.startBlock || blockNumber > p.cursor) return
    const set = reasons.get(blockNumber) ?? new Set<BlockReason>()
    reasons.set(blockNumber, set.add(reason))
  }
  add(p.cursor, 'cursor')
  if (p.requested !== undefined) add(p.requested, 'requested')
  for (const s of p.snapshots) add(s, 'snapshot')
  const earlier = p.cursor - p.startBlock // blocks in [startBlock, cursor)
  const want = Math.min(p.sampled ?? SAMPLED_BLOCKS, earlier)
  const draw = uniform(p.seed, BLOCK_STREAM)
  const drawn = new Set<number>()
  while (drawn.size < want) drawn.add(p.startBlock + draw(earlier))
  for (const b of drawn) add(b, 'sampled')
  return [...reasons]
    .sort(([a], [b]) => a - b)
    .map(([blockNumber, set]) => ({ blockNumber, reasons: [...set] }))
}

export type AccountReason = 'top-holder' | 'top-delegate' | 'random' | 'all'

export type PlannedAccount = { address: string; reasons: AccountReason[] }

export type PlanAccountsParameters = {
  seed: number
  /** Holders at the cursor, largest balance first. */
  holders: readonly string[]
  /** Delegates at the cursor, largest voting power first. */
  delegates: readonly string[]
  /** Every account the store knows, in any order (sorted here: the sample depends on the seed alone). */
  population: readonly string[]
  /** Random accounts besides the top ones. */
  sample: number
  /** Check the whole population instead of a sample. */
  all: boolean
  /** Default TOP_ACCOUNTS. */
  top?: number
}

/** The accounts to check: top holders, top delegates, then the random sample (or everyone), each once. */
export function planAccounts(p: PlanAccountsParameters): PlannedAccount[] {
  const top = p.top ?? TOP_ACCOUNTS
  const reasons = new Map<string, AccountReason[]>()
  const add = (address: string, reason: AccountReason) => {
    const list = reasons.get(address)
    if (list) {
      if (!list.includes(reason)) list.push(reason)
    } else reasons.set(address, [reason])
  }
  for (const a of p.holders.slice(0, top)) add(a, 'top-holder')
  for (const a of p.delegates.slice(0, top)) add(a, 'top-delegate')
  const rest = [...new Set(p.population)].filter((a) => !reasons.has(a)).sort()
  if (p.all) for (const a of rest) add(a, 'all')
  else {
    // Partial Fisher-Yates: the first `sample` places of a seeded shuffle.
    const draw = uniform(p.seed, ACCOUNT_STREAM)
    const k = Math.min(p.sample, rest.length)
    for (let i = 0; i < k; i++) {
      const j = i + draw(rest.length - i)
      ;[rest[i], rest[j]] = [rest[j]!, rest[i]!]
      add(rest[i]!, 'random')
    }
  }
  return [...reasons].map(([address, r]) => ({ address, reasons: r }))
}

export type AccountCheckKind = 'votes' | 'balance' | 'delegate'

export type AccountCheck = { address: string; blockNumber: number; kinds: AccountCheckKind[] }

export type PlanAccountChecksParameters = {
  blocks: readonly PlannedBlock[]
  accounts: readonly PlannedAccount[]
  /** Proposal voters to check at their snapshot block (voting power only). */
  voters: readonly { address: string; blockNumber: number }[]
}

/** Every planned account at every planned block, then voters at their snapshots; block order, one entry per pair. */
export function planAccountChecks(p: PlanAccountChecksParameters): AccountCheck[] {
  const pairs = new Map<string, AccountCheck>()
  const add = (address: string, blockNumber: number, kinds: readonly AccountCheckKind[]) => {
    const key = `${blockNumber}:${address}`
    const entry = pairs.get(key)
    if (!entry) pairs.set(key, { address, blockNumber, kinds: [...kinds] })
    else for (const k of kinds) if (!entry.kinds.includes(k)) entry.kinds.push(k)
  }
  for (const b of p.blocks) for (const a of p.accounts) add(a.address, b.blockNumber, ['votes', 'balance', 'delegate'])
  for (const v of p.voters) add(v.address, v.blockNumber, ['votes'])
  return [...pairs.values()].sort((a, b) => a.blockNumber - b.blockNumber)
}
