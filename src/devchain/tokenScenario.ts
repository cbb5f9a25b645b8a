import { concat, Interface, ZeroAddress } from 'ethers'
import { loadArtifact } from './artifacts.js'
import { TOKEN_CONTRACT, type TokenKind } from './deploy.js'
import { DevchainError } from './devchainError.js'
import { createDevRpc, type DevRpcTarget } from './devRpc.js'
import { deriveAddress, Miner, withManualMining, type Tx } from './miner.js'
import { createPrng, type Prng } from './prng.js'

export type PlayTokenScenarioParameters = DevRpcTarget & {
  kind: TokenKind
  /** Number of simulated people (holders and delegates), at least 55. Default 60. */
  accounts?: number
  /** Same seed, same accounts, same transactions, same blocks (on a chain in the same state). Default 1. */
  seed?: number | string
}

export type PlayTokenScenarioResult = {
  kind: TokenKind
  /** Lowercase, like every address below. */
  token: string
  /** The Batcher contract that holds tokens and makes multi-event transactions. */
  batcher: string
  /** Deployer and owner of the token and the Batcher; it never holds tokens. */
  owner: string
  /** Block of the token's deployment (the Batcher is deployed in the same block). */
  deployBlock: number
  /** Last block with scenario transactions. One empty block is mined after it, so
   *  getPastVotes / getPriorVotes work for every block up to and including it. */
  lastBlock: number
  /** Everyone who ever holds tokens or is delegated to, the Batcher included. */
  accounts: string[]
  /** Ascending blocks in [deployBlock, lastBlock] to check the truth at: at least 20, spread
   *  over the history, including multi-transaction blocks, Batcher blocks and an empty block. */
  blocks: number[]
  /** Transactions with at least three token events (the Batcher's). */
  multiEventTxs: string[]
  /** Blocks with two or more scenario transactions. */
  multiTxBlocks: number[]
  /** Blocks the scenario mined without any transaction. */
  emptyBlocks: number[]
  txCount: number
  /** erc721votes: every token id ever minted (some burned later); [] for the fungible kinds. */
  tokenIds: bigint[]
  roles: {
    /** A zero-balance delegate that many holders delegate to. */
    whaleDelegate: string
    /** Delegates that never hold a token (whaleDelegate among them). */
    zeroBalanceDelegates: string[]
    /** Holders that never call delegate(): their balances carry no votes. */
    neverDelegate: string[]
  }
}

const ETHER = 10n ** 18n
const GAS = { deploy: 8_000_000, call: 500_000, batch: 3_000_000 }
const ROUNDS = 48
const TRUTH_BLOCKS = 24

/**
 * Plays a deterministic, realistic token history on anvil: the owner deploys the token and
 * a Batcher, mints to many holders, holders transfer, delegate, re-delegate, self-delegate,
 * undelegate, burn; some never delegate, some delegates never hold a token, one delegate
 * receives from many; the Batcher makes transactions with Transfer + DelegateChanged +
 * several DelegateVotesChanged; many blocks hold several transactions, some none.
 *
 * Accounts are addresses derived from the seed, funded with anvil_setBalance and sending
 * unsigned transactions through anvil_impersonateAccount. Mining is manual during the
 * scenario (evm_setAutomine false, evm_mine per block): each block's transactions are
 * checked to be mined in the order sent and to have succeeded, else it throws. Automine is
 * restored at the end. Needs anvil without interval mining (no --block-time).
 */
export async function playTokenScenario(parameters: PlayTokenScenarioParameters): Promise<PlayTokenScenarioResult> {
  const { kind, seed = 1 } = parameters
  const count = parameters.accounts ?? 60
  if (!Number.isSafeInteger(count) || count < 55) throw new DevchainError(`accounts must be an integer >= 55; got ${count}.`)
  const rpc = createDevRpc(parameters.url !== undefined ? parameters.url : { provider: parameters.provider })
  const prng = createPrng(`${kind}:${seed}`)

  const owner = deriveAddress(seed, 'owner')
  const people = Array.from({ length: count }, (_, i) => deriveAddress(seed, String(i)))
  return withManualMining(rpc, [owner, ...people], (miner) => play({ kind, prng, miner, owner, people }))
}

type PlayContext = { kind: TokenKind; prng: Prng; miner: Miner; owner: string; people: string[] }

async function play({ kind, prng, miner, owner, people }: PlayContext): Promise<PlayTokenScenarioResult> {
  const tokenArtifact = loadArtifact(TOKEN_CONTRACT[kind])
  const batcherArtifact = loadArtifact('Batcher')
  const tokenAbi = new Interface(tokenArtifact.abi)
  const batcherAbi = new Interface(batcherArtifact.abi)
  const nft = kind === 'erc721votes'

  // Block: deploy the token and the Batcher.
  const names: Record<TokenKind, [string, string]> = {
    erc20votes: ['Gov Token', 'GOV'],
    comp: ['Comp Token', 'COMPT'],
    erc721votes: ['Gov NFT', 'GNFT'],
  }
  await miner.send({
    from: owner,
    data: concat([tokenArtifact.bytecode, tokenAbi.encodeDeploy(names[kind])]),
    gas: GAS.deploy,
    label: `deploy ${tokenArtifact.contractName}`,
  })
  await miner.send({ from: owner, data: batcherArtifact.bytecode, gas: GAS.deploy, label: 'deploy Batcher' })
  const deployed = await miner.mine()
  const token = deployed.receipts[0]?.contractAddress?.toLowerCase()
  const batcher = deployed.receipts[1]?.contractAddress?.toLowerCase()
  if (!token || !batcher) throw new DevchainError('The scenario deployments returned no contract address.')
  const deployBlock = deployed.number

  // Roles, from a seeded shuffle of the people.
  const order = prng.shuffle(people)
  const take = (n: number) => order.splice(0, n)
  const zeroBalanceDelegates = take(5)
  const whaleDelegate = zeroBalanceDelegates[0] as string
  const neverDelegate = take(Math.round(people.length * 0.18))
  const lateHolders = take(5) // hold nothing at first; delegate before they ever hold
  const selfDelegators = take(Math.round(people.length * 0.25))
  const followers = order // delegate to someone else
  const holderDelegates = selfDelegators.slice(0, 4) // self-delegating holders others delegate to
  const holders = [...selfDelegators, ...followers, ...neverDelegate, ...lateHolders, batcher]
  const delegators = [...selfDelegators, ...followers, ...lateHolders]

  // What the chain will hold, kept here only to choose valid operations.
  const units = new Map<string, bigint>() // balance, or token count for erc721
  const ids = new Map<string, bigint[]>() // erc721 token ids per owner
  const delegateOf = new Map<string, string>()
  const tokenIds: bigint[] = []
  const multiEventTxs: string[] = []
  const balanceOf = (a: string) => units.get(a) ?? 0n
  const move = (from: string | null, to: string | null, amount: bigint) => {
    if (from) units.set(from, balanceOf(from) - amount)
    if (to) units.set(to, balanceOf(to) + amount)
  }
  const hasTokens = (a: string) => balanceOf(a) > 0n

  const randomAmount = () => prng.bigint(10n ** BigInt(prng.between(16, 24))) + 1n
  const partOf = (balance: bigint) => (prng.chance(0.3) ? balance / BigInt(prng.between(2, 10)) : prng.bigint(balance) + 1n)
  let nextId = 1n
  const newTokenId = () => {
    // Mostly small sequential ids; some full-width ones to exercise uint256 decoding.
    const id = prng.chance(0.1) ? 2n ** 256n - 1n - prng.bigint(1_000_000n) : nextId++
    if (tokenIds.includes(id)) return nextId++
    return id
  }
  const takeId = (a: string): bigint => {
    const list = ids.get(a) ?? []
    const id = list.splice(prng.int(list.length), 1)[0]
    if (id === undefined) throw new DevchainError(`scenario model: ${a} owns no token`)
    return id
  }
  const giveId = (a: string, id: bigint) => ids.set(a, [...(ids.get(a) ?? []), id])

  // Calldata builders. Each updates the model as if the call succeeds; Miner checks it did.
  const tokenTx = (from: string, fn: string, args: unknown[], label: string): Tx => ({
    from,
    to: token,
    data: tokenAbi.encodeFunctionData(fn, args),
    gas: GAS.call,
    label,
  })
  const mint = (to: string, amount?: bigint): Tx => {
    if (nft) {
      const id = newTokenId()
      tokenIds.push(id)
      giveId(to, id)
      move(null, to, 1n)
      return tokenTx(owner, 'mint', [to, id], `mint #${id} to ${to}`)
    }
    const value = amount ?? randomAmount()
    move(null, to, value)
    return tokenTx(owner, 'mint', [to, value], `mint ${value} to ${to}`)
  }
  const transferData = (from: string, to: string, mode: 'some' | 'all' | 'zero'): { data: string; label: string } => {
    if (nft) {
      const id = takeId(from)
      giveId(to, id)
      move(from, to, 1n)
      return { data: tokenAbi.encodeFunctionData('transferFrom', [from, to, id]), label: `transfer #${id} ${from} -> ${to}` }
    }
    const value = mode === 'zero' ? 0n : mode === 'all' ? balanceOf(from) : partOf(balanceOf(from))
    move(from, to, value)
    return { data: tokenAbi.encodeFunctionData('transfer', [to, value]), label: `transfer ${value} ${from} -> ${to}` }
  }
  const transfer = (from: string, to: string, mode: 'some' | 'all' | 'zero' = 'some'): Tx => ({
    from,
    to: token,
    gas: GAS.call,
    ...transferData(from, to, mode),
  })
  const burn = (from: string, all = false): Tx => {
    if (nft) {
      const id = takeId(from)
      move(from, null, 1n)
      return tokenTx(from, 'burn', [id], `burn #${id} of ${from}`)
    }
    const value = all ? balanceOf(from) : partOf(balanceOf(from))
    move(from, null, value)
    if (kind === 'comp' && prng.chance(0.5)) return tokenTx(owner, 'burnFrom', [from, value], `burnFrom ${value} of ${from}`)
    return tokenTx(from, 'burn', [value], `burn ${value} of ${from}`)
  }
  const delegateData = (from: string, to: string) => {
    if (to === ZeroAddress) delegateOf.delete(from)
    else delegateOf.set(from, to)
    return { data: tokenAbi.encodeFunctionData('delegate', [to]), label: `delegate ${from} -> ${to}` }
  }
  const delegate = (from: string, to: string): Tx => ({ from, to: token, gas: GAS.call, ...delegateData(from, to) })
  /** One Batcher transaction: token calls made by the Batcher itself. */
  const batch = (steps: Array<() => { data: string; label: string }>): Tx => {
    const calls = steps.map((step) => step())
    return {
      from: owner,
      to: batcher,
      data: batcherAbi.encodeFunctionData('execute', [token, calls.map((c) => c.data)]),
      gas: GAS.batch,
      label: `batcher: ${calls.map((c) => c.label).join('; ')}`,
    }
  }
  const delegationTarget = (self: string) => {
    const r = prng.next()
    const target =
      r < 0.4 ? whaleDelegate
      : r < 0.6 ? prng.pick(zeroBalanceDelegates.slice(1))
      : r < 0.9 ? prng.pick(holderDelegates)
      : prng.pick(holders.filter((h) => h !== batcher))
    return target === self && r >= 0.6 ? whaleDelegate : target
  }
  const sendBatcherTx = async (tx: Tx) => multiEventTxs.push(await miner.send(tx))

  // Block: late holders delegate before holding anything (DelegateChanged, no votes move);
  // the Batcher delegates to a holder delegate.
  for (const a of lateHolders) await miner.send(delegate(a, delegationTarget(a)))
  await miner.send(batch([() => delegateData(batcher, prng.pick(holderDelegates))]))
  await miner.mine()

  // Blocks: initial mints, many per block; a few whales; the Batcher's stock.
  const initial = prng.shuffle([...selfDelegators, ...followers, ...neverDelegate])
  const whales = initial.slice(0, 3)
  const mintTxs: Tx[] = initial.map((a) => mint(a))
  for (const w of whales) {
    if (nft) for (let i = 0; i < 8; i++) mintTxs.push(mint(w))
    else mintTxs.push(mint(w, 1_000_000n * ETHER + randomAmount()))
  }
  if (nft) for (let i = 0; i < 8; i++) mintTxs.push(mint(batcher))
  else mintTxs.push(mint(batcher, 500_000n * ETHER))
  await miner.sendInBlocks(prng, mintTxs, 8, 16)

  // Blocks: delegations, 1 to 8 per block.
  const delegationTxs = prng
    .shuffle(delegators.filter((a) => !lateHolders.includes(a)))
    .map((a) => (selfDelegators.includes(a) ? delegate(a, a) : delegate(a, delegationTarget(a))))
  await miner.sendInBlocks(prng, delegationTxs, 1, 8)

  // Rounds of everyday activity, each one block (a few are empty or scripted).
  const withTokens = (list: readonly string[]) => list.filter(hasTokens)
  const nonPureHolders = holders.filter((h) => h !== batcher)
  const randomOp = (): Tx | undefined => {
    const r = prng.next()
    if (r < 0.35) {
      const from = withTokens(nonPureHolders)
      if (from.length === 0) return undefined
      const a = prng.pick(from)
      const to = prng.pick(nonPureHolders.filter((h) => h !== a))
      return transfer(a, to, !nft && prng.chance(0.1) ? 'all' : 'some')
    }
    if (r < 0.5) {
      const a = prng.pick(delegators)
      return delegate(a, prng.chance(0.25) ? a : delegationTarget(a))
    }
    if (r < 0.6) return mint(prng.pick(nonPureHolders))
    if (r < 0.7) {
      const from = withTokens(nonPureHolders)
      return from.length === 0 ? undefined : burn(prng.pick(from), !nft && prng.chance(0.2))
    }
    if (r < 0.8) {
      // Votes vanish into, or appear from, balances that were never delegated.
      const n = prng.pick(neverDelegate)
      if (prng.chance(0.5) && hasTokens(n)) return transfer(n, prng.pick(delegators))
      const from = withTokens(delegators)
      return from.length === 0 ? undefined : transfer(prng.pick(from), n)
    }
    // Moves the whale delegate's votes.
    const fans = withTokens(delegators.filter((a) => delegateOf.get(a) === whaleDelegate))
    if (fans.length === 0) return undefined
    return transfer(prng.pick(fans), prng.pick(nonPureHolders))
  }
  const randomOps = (n: number) => Array.from({ length: n }, randomOp).filter((t): t is Tx => t !== undefined)

  for (let round = 0; round < ROUNDS; round++) {
    const scripted: Tx[] = []
    switch (round) {
      case 2: {
        // Undelegate: delegate(address(0)).
        const a = prng.pick(withTokens(followers))
        scripted.push(delegate(a, ZeroAddress))
        break
      }
      case 4: {
        const a = prng.pick(withTokens(selfDelegators))
        scripted.push(transfer(a, a)) // to self: Transfer, no vote change
        if (!nft) scripted.push(transfer(prng.pick(withTokens(followers)), prng.pick(neverDelegate), 'zero'))
        break
      }
      case 6:
        await miner.mine() // an empty block in the middle of the history
        continue
      case 8: {
        // The Batcher alone: Transfer, Transfer, DelegateChanged + DVCs, Transfer in one tx.
        const [a, b] = prng.shuffle(followers)
        await sendBatcherTx(
          batch([
            () => transferData(batcher, a as string, 'some'),
            () => transferData(batcher, prng.pick(neverDelegate), 'some'),
            () => delegateData(batcher, whaleDelegate),
            () => transferData(batcher, b as string, 'some'),
          ]),
        )
        await miner.mine()
        continue
      }
      case 11: {
        // Re-delegate to the current delegate; a holder delegate burns everything it holds
        // but keeps the votes others delegated to it (a zero-balance delegate with votes).
        const a = prng.pick(followers.filter((f) => delegateOf.has(f)))
        scripted.push(delegate(a, delegateOf.get(a) as string))
        const h = holderDelegates[0] as string
        if (nft) while (hasTokens(h)) scripted.push(burn(h))
        else if (hasTokens(h)) scripted.push(burn(h, true))
        break
      }
      case 14: {
        // The whale delegate's votes change three times in one block.
        const fans = prng.shuffle(withTokens(delegators.filter((a) => delegateOf.get(a) === whaleDelegate)))
        for (const f of fans.slice(0, 2)) scripted.push(transfer(f, prng.pick(neverDelegate)))
        if (fans[2]) scripted.push(mint(fans[2]))
        break
      }
      case 17:
        await miner.mine()
        await miner.mine()
        continue
      case 20: {
        // The Batcher among other transactions of the same block.
        scripted.push(...randomOps(2))
        const [a, b] = prng.shuffle(selfDelegators)
        scripted.push(
          batch([
            () => delegateData(batcher, prng.pick(zeroBalanceDelegates.slice(1))),
            () => transferData(batcher, a as string, 'some'),
            () => transferData(batcher, b as string, 'some'),
          ]),
        )
        scripted.push(...randomOps(2))
        break
      }
      case 23:
        scripted.push(mint(prng.pick(lateHolders)), mint(prng.pick(neverDelegate)), mint(prng.pick(selfDelegators)))
        break
      case 26: {
        // Several holders leave the whale delegate in one block.
        const fans = prng.shuffle(delegators.filter((a) => delegateOf.get(a) === whaleDelegate)).slice(0, 3)
        for (const f of fans) scripted.push(delegate(f, zeroBalanceDelegates[1] as string))
        break
      }
    }
    const size = scripted.length > 0 ? prng.between(0, 2) : prng.chance(0.3) ? 1 : prng.between(2, 7)
    const txs = [...scripted, ...randomOps(size)]
    for (const tx of txs) {
      const hash = await miner.send(tx)
      if (tx.to === batcher) multiEventTxs.push(hash)
    }
    await miner.mine()
  }

  const lastBlock = miner.lastBlock()
  await miner.mine() // so that getPastVotes(a, lastBlock) is defined

  const scenarioBlocks = miner.blocks.filter((b) => b.number >= deployBlock && b.number <= lastBlock)
  const multiTxBlocks = scenarioBlocks.filter((b) => b.txs.length >= 2).map((b) => b.number)
  const emptyBlocks = scenarioBlocks.filter((b) => b.txs.length === 0).map((b) => b.number)
  const txBlock = new Map(scenarioBlocks.flatMap((b) => b.txs.map((h) => [h, b.number] as const)))
  const busiest = [...scenarioBlocks].sort((x, y) => y.txs.length - x.txs.length || x.number - y.number).slice(0, 2)
  const must = [
    deployBlock,
    deployBlock + 1,
    lastBlock,
    ...busiest.map((b) => b.number),
    ...multiEventTxs.map((h) => txBlock.get(h) as number),
    ...emptyBlocks.slice(0, 1),
  ]
  const all = scenarioBlocks.map((b) => b.number)
  const spread = Array.from({ length: TRUTH_BLOCKS }, (_, i) => all[Math.round((i * (all.length - 1)) / (TRUTH_BLOCKS - 1))] as number)
  const blocks = [...new Set([...must, ...spread])].sort((x, y) => x - y)

  return {
    kind,
    token,
    batcher,
    owner,
    deployBlock,
    lastBlock,
    accounts: [...people, batcher],
    blocks,
    multiEventTxs,
    multiTxBlocks,
    emptyBlocks,
    txCount: scenarioBlocks.reduce((n, b) => n + b.txs.length, 0),
    tokenIds,
    roles: { whaleDelegate, zeroBalanceDelegates, neverDelegate },
  }
}


