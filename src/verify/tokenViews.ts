/**
 * Which of a votes token's views answer, and the call that reads each fact at a block:
 *
 * - voting power at block B: for a block-number clock, `getPastVotes(account, B)` (Comp:
 *   `getPriorVotes`) called at the reference block R > B — the token's own checkpoint
 *   history. A timestamp clock is not read that way: several blocks can share a timestamp
 *   (L2s), so `getPastVotes(account, timestamp(B))` may include later blocks; there, and at
 *   B = R (a timepoint must lie before `clock()`), `getVotes(account)` (Comp:
 *   `getCurrentVotes`) is called AT block B.
 * - total supply at B likewise: `getPastTotalSupply(B)` at R, else `totalSupply()` at B.
 * - `balanceOf(account)` and `delegates(account)` are always called at B (archive state).
 *
 * Probed once at 'latest' with `tryCall` (a revert or no answer means "not implemented").
 */
import { tryCall } from '../sources/evm/call.js'
import type { RpcClient } from '../sources/evm/types.js'
import { parseClockMode, type GovernorClock } from '../sources/governor/detect.js'
import type { ViewCall } from './viewCalls.js'

const SIG = {
  clockMode: 'function CLOCK_MODE() view returns (string)',
  getPastVotes: 'function getPastVotes(address, uint256) view returns (uint256)',
  getPriorVotes: 'function getPriorVotes(address, uint256) view returns (uint256)',
  getVotes: 'function getVotes(address) view returns (uint256)',
  getCurrentVotes: 'function getCurrentVotes(address) view returns (uint96)',
  getPastTotalSupply: 'function getPastTotalSupply(uint256) view returns (uint256)',
  totalSupply: 'function totalSupply() view returns (uint256)',
  balanceOf: 'function balanceOf(address) view returns (uint256)',
  delegates: 'function delegates(address) view returns (address)',
} as const

type ViewName = keyof typeof SIG

export type TokenViews = {
  address: string
  clock: GovernorClock
  pastVotes: 'getPastVotes' | 'getPriorVotes' | null
  currentVotes: 'getVotes' | 'getCurrentVotes' | null
  pastTotalSupply: boolean
  totalSupply: boolean
  balanceOf: boolean
  delegates: boolean
}

const PROBE_ACCOUNT = '0x0000000000000000000000000000000000000001'

export async function probeTokenViews(rpc: RpcClient, address: string): Promise<TokenViews> {
  const has = async (name: ViewName, args: readonly unknown[]) => (await tryCall(rpc, address, SIG[name], args)) !== undefined
  const clockMode = await tryCall<string>(rpc, address, SIG.clockMode)
  // Timepoint 0 lies before clock() on any live chain, in either clock.
  const [pastVotes, priorVotes, votes, currentVotes, pastTotalSupply, totalSupply, balanceOf, delegates] = await Promise.all([
    has('getPastVotes', [PROBE_ACCOUNT, 0]),
    has('getPriorVotes', [PROBE_ACCOUNT, 0]),
    has('getVotes', [PROBE_ACCOUNT]),
    has('getCurrentVotes', [PROBE_ACCOUNT]),
    has('getPastTotalSupply', [0]),
    has('totalSupply', []),
    has('balanceOf', [PROBE_ACCOUNT]),
    has('delegates', [PROBE_ACCOUNT]),
  ])
  return {
    address,
    clock: clockMode === undefined ? 'blocknumber' : parseClockMode(address, clockMode),
    pastVotes: pastVotes ? 'getPastVotes' : priorVotes ? 'getPriorVotes' : null,
    currentVotes: votes ? 'getVotes' : currentVotes ? 'getCurrentVotes' : null,
    pastTotalSupply,
    totalSupply,
    balanceOf,
    delegates,
  }
}

/** A call, and how it is named in a check's `via` (the view, and where it was called when not at the block itself). */
export type PlannedView = { call: ViewCall; via: string }

const view = (t: TokenViews, name: ViewName, args: readonly unknown[], block: number, at: number = block): PlannedView => ({
  call: { to: t.address, signature: SIG[name], args, block: at },
  via: at === block ? name : `${name}@${at}`,
})

/** Voting power of `account` at the end of `block`; `reference` is the block history views are called at. Null: no view can say. */
export function votesView(t: TokenViews, account: string, block: number, reference: number): PlannedView | null {
  if (t.clock === 'blocknumber' && t.pastVotes && block < reference) return view(t, t.pastVotes, [account, block], block, reference)
  return t.currentVotes ? view(t, t.currentVotes, [account], block) : null
}

export function totalSupplyView(t: TokenViews, block: number, reference: number): PlannedView | null {
  if (t.clock === 'blocknumber' && t.pastTotalSupply && block < reference) return view(t, 'getPastTotalSupply', [block], block, reference)
  return t.totalSupply ? view(t, 'totalSupply', [], block) : null
}

export const balanceView = (t: TokenViews, account: string, block: number): PlannedView | null =>
  t.balanceOf ? view(t, 'balanceOf', [account], block) : null

export const delegateView = (t: TokenViews, account: string, block: number): PlannedView | null =>
  t.delegates ? view(t, 'delegates', [account], block) : null
