import { Interface, toQuantity, ZeroAddress } from 'ethers'
import pLimit from 'p-limit'
import { loadArtifact } from './artifacts.js'
import { TOKEN_CONTRACT, type TokenKind } from './deploy.js'
import { DevchainError } from './devchainError.js'
import { createDevRpc, type DevRpcCall, type DevRpcTarget } from './devRpc.js'

export type ReadTokenTruthParameters = DevRpcTarget & {
  kind: TokenKind
  token: string
  accounts: readonly string[]
  /** Historical blocks; each must be below the current head (getPastVotes needs a past block). */
  blocks: readonly number[]
  /** eth_calls per HTTP request. Default 500. */
  batchSize?: number
  /** HTTP requests in flight. Default 4. */
  concurrency?: number
}

/** Per block, then per lowercase account. */
export type ByBlock<V> = Map<number, Map<string, V>>

/** What the token contract itself says, read with its own view functions. */
export type TokenTruth = {
  kind: TokenKind
  /** Lowercase. */
  token: string
  /** Lowercase, in the order given. */
  accounts: string[]
  /** Ascending, without duplicates. */
  blocks: number[]
  /** The head when reading: past-votes views ran at it, `latest` describes it. */
  headBlock: number
  /** `balanceOf(a)` at each block (erc721votes: a token count). */
  balances: ByBlock<bigint>
  /** `delegates(a)` at each block, lowercase; the zero address when a never delegated or undelegated. */
  delegates: ByBlock<string>
  /** Voting power at the end of each block: OZ `getPastVotes(a, b)`, Comp `getPriorVotes(a, b)`. */
  votes: ByBlock<bigint>
  /** `totalSupply()` at each block. */
  totalSupply: Map<number, bigint>
  /** OZ `getPastTotalSupply(b)`; null for comp, which has no such view. */
  pastTotalSupply: Map<number, bigint> | null
  /** At the head: OZ `getVotes` / Comp `getCurrentVotes`, with balances, delegates and supply. */
  latest: {
    block: number
    votes: Map<string, bigint>
    balances: Map<string, bigint>
    delegates: Map<string, string>
    totalSupply: bigint
  }
}

type Slot =
  | { kind: 'balance' | 'votes'; map: Map<string, bigint>; account: string }
  | { kind: 'delegate'; map: Map<string, string>; account: string }
  | { kind: 'supply'; set: (v: bigint) => void }

/**
 * Reads ground truth from the token contract's own views for every account at every block
 * (balanceOf and delegates with that block as the call's block tag, past votes and past
 * supply by timepoint at the head). Block-number clocks only (every fixture token kind
 * here; not GovTokenTimestamp). All calls are eth_call batches over plain fetch.
 */
export async function readTokenTruth(parameters: ReadTokenTruthParameters): Promise<TokenTruth> {
  const { kind, batchSize = 500, concurrency = 4 } = parameters
  const rpc = createDevRpc(parameters.url !== undefined ? parameters.url : { provider: parameters.provider })
  const token = parameters.token.toLowerCase()
  const accounts = parameters.accounts.map((a) => a.toLowerCase())
  const blocks = [...new Set(parameters.blocks)].sort((a, b) => a - b)
  const abi = new Interface(loadArtifact(TOKEN_CONTRACT[kind]).abi)
  const oz = kind !== 'comp'

  const headBlock = Number(await rpc.request<string>('eth_blockNumber'))
  const late = blocks.filter((b) => !Number.isSafeInteger(b) || b < 0 || b >= headBlock)
  if (late.length > 0) {
    throw new DevchainError(
      `Truth blocks must be below the head ${headBlock} (past-votes views revert otherwise); mine a block first. Got ${late.join(', ')}.`,
    )
  }

  const calls: DevRpcCall[] = []
  const slots: Slot[] = []
  const call = (data: string, blockTag: number, slot: Slot) => {
    calls.push({ method: 'eth_call', params: [{ to: token, data }, toQuantity(blockTag)] })
    slots.push(slot)
  }

  const balances: ByBlock<bigint> = new Map()
  const delegates: ByBlock<string> = new Map()
  const votes: ByBlock<bigint> = new Map()
  const totalSupply = new Map<number, bigint>()
  const pastTotalSupply = oz ? new Map<number, bigint>() : null
  for (const b of blocks) {
    const bal = new Map<string, bigint>()
    const del = new Map<string, string>()
    const vot = new Map<string, bigint>()
    balances.set(b, bal)
    delegates.set(b, del)
    votes.set(b, vot)
    for (const a of accounts) {
      call(abi.encodeFunctionData('balanceOf', [a]), b, { kind: 'balance', map: bal, account: a })
      call(abi.encodeFunctionData('delegates', [a]), b, { kind: 'delegate', map: del, account: a })
      const past = oz ? abi.encodeFunctionData('getPastVotes', [a, b]) : abi.encodeFunctionData('getPriorVotes', [a, b])
      call(past, headBlock, { kind: 'votes', map: vot, account: a })
    }
    call(abi.encodeFunctionData('totalSupply'), b, { kind: 'supply', set: (v) => totalSupply.set(b, v) })
    if (pastTotalSupply) {
      call(abi.encodeFunctionData('getPastTotalSupply', [b]), headBlock, {
        kind: 'supply',
        set: (v) => pastTotalSupply.set(b, v),
      })
    }
  }

  const latest = {
    block: headBlock,
    votes: new Map<string, bigint>(),
    balances: new Map<string, bigint>(),
    delegates: new Map<string, string>(),
    totalSupply: 0n,
  }
  for (const a of accounts) {
    call(abi.encodeFunctionData(oz ? 'getVotes' : 'getCurrentVotes', [a]), headBlock, { kind: 'votes', map: latest.votes, account: a })
    call(abi.encodeFunctionData('balanceOf', [a]), headBlock, { kind: 'balance', map: latest.balances, account: a })
    call(abi.encodeFunctionData('delegates', [a]), headBlock, { kind: 'delegate', map: latest.delegates, account: a })
  }
  call(abi.encodeFunctionData('totalSupply'), headBlock, { kind: 'supply', set: (v) => (latest.totalSupply = v) })

  const limit = pLimit(concurrency)
  const chunks: Array<Promise<void>> = []
  for (let start = 0; start < calls.length; start += batchSize) {
    chunks.push(
      limit(async () => {
        const results = await rpc.batch<string>(calls.slice(start, start + batchSize))
        results.forEach((result, i) => store(slots[start + i] as Slot, result, calls[start + i] as DevRpcCall))
      }),
    )
  }
  await Promise.all(chunks)

  return { kind, token, accounts, blocks, headBlock, balances, delegates, votes, totalSupply, pastTotalSupply, latest }
}

/** Decodes a one-word eth_call result (uint or address) into its slot. */
function store(slot: Slot, result: string, call: DevRpcCall): void {
  if (typeof result !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(result)) {
    throw new DevchainError(`eth_call returned ${JSON.stringify(result)}, not one 32-byte word; was the token deployed at that block?`, {
      details: JSON.stringify(call.params),
    })
  }
  const word = BigInt(result)
  if (slot.kind === 'supply') slot.set(word)
  else if (slot.kind === 'delegate') {
    if (word >> 160n !== 0n) throw new DevchainError(`delegates() returned a non-address word ${result}.`)
    slot.map.set(slot.account, word === 0n ? ZeroAddress : `0x${result.slice(26).toLowerCase()}`)
  } else slot.map.set(slot.account, word)
}
