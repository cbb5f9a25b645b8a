/**
 * The history `govaudit demo` plays on a local anvil: a DAO shaped like the ones people
 * ask about. A treasury and an exchange hold a lot but never vote; a founder, a VC fund
 * and three whales dominate; hundreds of small holders follow a long tail, most of them
 * delegating to a handful of community delegates, many never delegating at all. Then a
 * year of activity: exchange withdrawals, trades, re-delegations, a burn.
 *
 * Deterministic (seeded), and fast: unsigned transactions from impersonated accounts,
 * mined in blocks of many transactions.
 */
import { AbiCoder, Interface } from 'ethers'
import { loadArtifact } from '../devchain/artifacts.js'
import { createDevRpc } from '../devchain/devRpc.js'
import { deriveAddress, withManualMining, type Tx } from '../devchain/miner.js'
import { createPrng, type Prng } from '../devchain/prng.js'
import { DevchainError } from '../devchain/devchainError.js'
import type { LabelRow } from '../analysis/labels.js'
import { playDemoGovernance } from './demoGovernance.js'

export type DemoDao = {
  token: string
  deployBlock: number
  lastBlock: number
  holders: number
  transactions: number
  /** Who is who: shown in the report, the treasury excluded from denominators. */
  labels: LabelRow[]
  /** The OpenZeppelin Governor over the token, and how many proposals it holds. */
  governor: string
  proposals: number
}

const TOKEN = 10n ** 18n
const SMALL_HOLDERS = 240
const COMMUNITY_DELEGATES = 8
const SEED = 'govaudit-demo'

/** Named roles and their initial allocation, in whole tokens (100M supply). */
const ROLES = [
  { key: 'treasury', label: 'DAO treasury (timelock)', tokens: 30_000_000n, exclude: true },
  { key: 'founder', label: 'Founder', tokens: 15_000_000n },
  { key: 'vc', label: 'VC fund', tokens: 12_000_000n },
  { key: 'exchange', label: 'Exchange hot wallet', tokens: 9_000_000n },
  { key: 'whale1', label: 'Whale 1', tokens: 5_000_000n },
  { key: 'whale2', label: 'Whale 2', tokens: 4_000_000n },
  { key: 'whale3', label: 'Whale 3', tokens: 3_000_000n },
] as const
const LONG_TAIL_TOKENS = 22_000_000n

export async function playDemoDao(url: string): Promise<DemoDao> {
  const rpc = createDevRpc(url)
  const prng = createPrng(SEED)
  const addr = (label: string) => deriveAddress(SEED, label)
  const owner = addr('owner')
  const role = Object.fromEntries(ROLES.map((r) => [r.key, addr(r.key)])) as Record<(typeof ROLES)[number]['key'], string>
  const delegates = Array.from({ length: COMMUNITY_DELEGATES }, (_, i) => addr(`delegate-${i}`))
  const small = Array.from({ length: SMALL_HOLDERS }, (_, i) => addr(`holder-${i}`))
  const everyone = [owner, ...Object.values(role), ...delegates, ...small]

  const artifact = loadArtifact('GovToken')
  const iface = new Interface(artifact.abi)

  return withManualMining(rpc, everyone, async (miner) => {
    let transactions = 0
    const send = async (txs: Tx[], perBlock: number) => {
      for (let i = 0; i < txs.length; i += perBlock) {
        for (const tx of txs.slice(i, i + perBlock)) await miner.send(tx)
        await miner.mine()
      }
      transactions += txs.length
    }

    // Deploy.
    const args = AbiCoder.defaultAbiCoder().encode(['string', 'string'], ['Demo DAO', 'DEMO']).slice(2)
    await miner.send({ from: owner, data: `${artifact.bytecode}${args}`, gas: 8_000_000, label: 'deploy GovToken' })
    const deployed = await miner.mine()
    const token = deployed.receipts[0]?.contractAddress?.toLowerCase()
    if (!token) throw new DevchainError('demo: the token deployment produced no contract address.')
    const deployBlock = deployed.number
    transactions++
    const call = (from: string, fn: string, params: unknown[], label: string): Tx => ({
      from,
      to: token,
      data: iface.encodeFunctionData(fn, params),
      gas: 300_000,
      label,
    })

    // Allocation: named roles, then a long tail with Zipf-like sizes.
    const tail = zipfSplit(prng, LONG_TAIL_TOKENS * TOKEN, SMALL_HOLDERS)
    await send(
      [
        ...ROLES.map((r) => call(owner, 'mint', [role[r.key], r.tokens * TOKEN], `mint ${r.key}`)),
        ...small.map((h, i) => call(owner, 'mint', [h, tail[i]!], `mint holder ${i}`)),
      ],
      60,
    )

    // Delegation: the big holders vote themselves or through a delegate; the tail mostly
    // follows popular community delegates, and about a third never delegates.
    const popular = (p: Prng) => delegates[Math.min(COMMUNITY_DELEGATES - 1, Math.floor(COMMUNITY_DELEGATES * p.next() ** 2.2))]!
    const selfDelegated: string[] = []
    await send(
      [
        call(role.founder, 'delegate', [role.founder], 'founder self-delegates'),
        call(role.vc, 'delegate', [delegates[0]!], 'vc delegates to delegate 0'),
        call(role.whale1, 'delegate', [role.whale1], 'whale1 self-delegates'),
        call(role.whale2, 'delegate', [delegates[1]!], 'whale2 delegates'),
        call(role.whale3, 'delegate', [role.whale3], 'whale3 self-delegates'),
        ...small.flatMap((h, i) => {
          const r = prng.next()
          if (r < 0.34) return []
          if (r < 0.44) selfDelegated.push(h)
          return [call(h, 'delegate', [r < 0.44 ? h : popular(prng)], `holder ${i} delegates`)]
        }),
      ],
      40,
    )

    // A year of activity in smaller blocks.
    const activity: Tx[] = []
    for (let i = 0; i < 80; i++) {
      const to = small[prng.int(SMALL_HOLDERS)]!
      activity.push(call(role.exchange, 'transfer', [to, BigInt(1 + prng.int(20_000)) * TOKEN], 'exchange withdrawal'))
    }
    for (let i = 0; i < 60; i++) {
      const from = small[prng.int(SMALL_HOLDERS)]!
      const to = small[prng.int(SMALL_HOLDERS)]!
      activity.push(call(from, 'transfer', [to, tail[small.indexOf(from)]! / 10n], 'holder trade'))
    }
    for (let i = 0; i < 30; i++) {
      const h = small[prng.int(SMALL_HOLDERS)]!
      activity.push(call(h, 'delegate', [popular(prng)], 're-delegation'))
    }
    activity.push(call(role.whale3, 'delegate', [delegates[2]!], 'whale3 hands votes to a delegate'))
    activity.push(call(role.vc, 'transfer', [role.exchange, 2_000_000n * TOKEN], 'vc sells to the exchange'))
    activity.push(call(role.founder, 'burn', [500_000n * TOKEN], 'founder burns'))
    shuffle(prng, activity)
    await send(activity, 6)

    const labels: LabelRow[] = [
      ...ROLES.map((r, i) => ({ address: role[r.key], label: r.label, exclude: 'exclude' in r && r.exclude, line: i + 1 })),
      ...delegates.map((d, i) => ({ address: d, label: `Community delegate ${i + 1}`, line: ROLES.length + i + 1 })),
    ]
    // Governance: the delegates with voting power, and the self-delegated small holders, vote.
    const { governor, proposals } = await playDemoGovernance({
      miner,
      prng,
      token,
      owner,
      whales: [delegates[0]!, role.founder, delegates[1]!, role.whale1, delegates[2]!, ...delegates.slice(3)],
      smallVoters: selfDelegated.slice(0, 30),
    })
    const head = Number(await rpc.request<string>('eth_blockNumber'))
    return { token, deployBlock, lastBlock: head, holders: ROLES.length + SMALL_HOLDERS, transactions, labels, governor, proposals }
  })
}

/** `total` split into `n` positive parts proportional to 1/(rank+1) with some noise. */
function zipfSplit(prng: Prng, total: bigint, n: number): bigint[] {
  const weights = Array.from({ length: n }, (_, i) => BigInt(Math.round(1e9 / (i + 1) ** 1.1 * (0.8 + 0.4 * prng.next()))))
  const sum = weights.reduce((a, b) => a + b, 0n)
  return weights.map((w) => (total * w) / sum + 1n)
}

function shuffle<T>(prng: Prng, xs: T[]): void {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = prng.int(i + 1)
    ;[xs[i], xs[j]] = [xs[j]!, xs[i]!]
  }
}
