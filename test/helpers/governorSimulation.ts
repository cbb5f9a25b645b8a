/**
 * A synthetic OpenZeppelin Governor over a simulated token (tokenSimulation.ts), for the
 * ingest benchmark and the joint-pass tests: `ProposalCreated` and `VoteCast` logs merged
 * into the token's log stream, in chain order.
 *
 * Consistent with the token, as a real governor is: each proposal's snapshot (`voteStart`,
 * a block number: OZ's default block clock) comes after its creation, every vote comes
 * after the snapshot and by the deadline, and each voter is a delegate with voting power
 * at the snapshot, casting exactly that power (`getPastVotes(voter, voteStart)`, which the
 * simulation knows by replaying the token's DelegateVotesChanged), once per proposal. So
 * an index of both must find every vote weight equal to the voter's indexed voting power.
 *
 * Governor logs go in blocks where the token has none (so log and transaction indexes
 * never collide with the token's); several votes often share a block. Deterministic by seed.
 */
import { AbiCoder } from 'ethers'
import { createPrng } from '../../src/devchain/prng.js'
import { GOVERNOR_TOPIC } from '../../src/sources/governor/topics.js'
import type { RawLog } from '../../src/sources/evm/types.js'
import type { GovernorInfo } from '../../src/sources/governor/detect.js'
import { blockHashOf } from './logServer.js'
import { TOPIC, type SimulatedToken } from './tokenSimulation.js'

export type SimulateGovernorParameters = {
  /** The token simulation the governor counts votes of (its logs are not modified). */
  token: Pick<SimulatedToken, 'logs' | 'firstBlock' | 'lastBlock'>
  /** The governor's (lowercase) address. */
  governor: string
  proposals: number
  /** Votes to aim for in all (each proposal gets a random share; fewer if too few delegates). */
  votes: number
  /** Blocks from creation to snapshot. Default 7,200 (a day), less on a short chain. */
  votingDelay?: number
  /** Blocks from snapshot to deadline. Default 50,400 (a week), less on a short chain. */
  votingPeriod?: number
  seed?: number | string
}

export type SimulatedProposal = {
  /** 64 hex digits. */
  id: string
  createdBlock: number
  voteStart: number
  voteEnd: number
  tally: { for: bigint; against: bigint; abstain: bigint }
  votes: number
}

export type SimulatedGovernor = {
  /** Token and governor logs together, in (block, logIndex) order. */
  logs: RawLog[]
  proposals: SimulatedProposal[]
  counts: { proposals: number; votes: number }
  /** First and last block of the merged stream. */
  firstBlock: number
  lastBlock: number
}

const CODER = AbiCoder.defaultAbiCoder()
const PROPOSAL_CREATED = ['uint256', 'address', 'address[]', 'uint256[]', 'string[]', 'bytes[]', 'uint256', 'uint256', 'string']
const SUPPORT = ['0'.repeat(64), '0'.repeat(63) + '1', '0'.repeat(63) + '2']
/** ABI tail of an empty `string reason`: its offset (4 words in) and length 0. */
const NO_REASON = '0'.repeat(62) + '80' + '0'.repeat(64)

export function simulateGovernor(p: SimulateGovernorParameters): SimulatedGovernor {
  const rand = createPrng(p.seed ?? 1)
  const { firstBlock, lastBlock, logs: tokenLogs } = p.token
  const span = lastBlock - firstBlock
  const delay = p.votingDelay ?? Math.max(1, Math.min(7_200, Math.floor(span / 200)))
  const period = p.votingPeriod ?? Math.max(2, Math.min(50_400, Math.floor(span / 40)))
  const tokenBlocks = new Set(tokenLogs.map((l) => l.blockNumber))
  const freeBlockFrom = (b: number) => {
    while (tokenBlocks.has(b)) b++
    return b
  }

  // Proposals evenly spread over the chain after its first tenth (delegates exist by then).
  const first = firstBlock + Math.floor(span / 10)
  const last = lastBlock - delay - period - 1
  if (last <= first) throw new Error('simulateGovernor: the token simulation spans too few blocks for a proposal')
  const plans = Array.from({ length: p.proposals }, (_, i) => {
    const createdBlock = freeBlockFrom(first + Math.floor(((last - first) * i) / p.proposals))
    const voteStart = createdBlock + delay
    return { createdBlock, voteStart, voteEnd: voteStart + period, share: 0.2 + 1.6 * rand.next() }
  })
  const shares = plans.reduce((s, x) => s + x.share, 0)

  // Replay the token's voting power; at each snapshot, draw the proposal's voters among
  // the delegates with power then (distinct), and their votes.
  type Pending = { block: number; order: number; topics: string[]; data: string }
  const pending: Pending[] = []
  const power = new Map<string, bigint>()
  const active: string[] = [] // delegates with power > 0, for uniform draws
  const at = new Map<string, number>()
  const proposals: SimulatedProposal[] = []
  let next = 0
  let order = 0
  const snapshotReached = (block: number) => {
    while (next < plans.length && plans[next]!.voteStart < block) castVotes(plans[next++]!)
  }
  const castVotes = (plan: (typeof plans)[number]) => {
    const id = rand.bigint(1n << 256n).toString(16).padStart(64, '0')
    const proposer = active.length ? active[rand.int(active.length)]! : `0x${'0'.repeat(40)}`
    pending.push({
      block: plan.createdBlock,
      order: order++,
      topics: [GOVERNOR_TOPIC.ProposalCreated],
      data: CODER.encode(PROPOSAL_CREATED, [
        `0x${id}`, proposer, ['0x000000000000000000000000000000000000dEaD'], [0n], [''], ['0x'], plan.voteStart, plan.voteEnd,
        `# Proposal ${proposals.length + 1}\n\nSimulated.`,
      ]),
    })
    const wanted = Math.min(active.length, Math.round((p.votes * plan.share) / shares))
    const voters = new Set<string>()
    for (let tries = 0; voters.size < wanted && tries < wanted * 4; tries++) voters.add(active[rand.int(active.length)]!)
    const tally = { for: 0n, against: 0n, abstain: 0n }
    for (const voter of voters) {
      const weight = power.get(voter)!
      const r = rand.next()
      const support = r < 0.6 ? 1 : r < 0.9 ? 0 : 2
      tally[support === 1 ? 'for' : support === 0 ? 'against' : 'abstain'] += weight
      pending.push({
        block: freeBlockFrom(plan.voteStart + 1 + rand.int(plan.voteEnd - plan.voteStart)),
        order: order++,
        topics: [GOVERNOR_TOPIC.VoteCast, `0x${'0'.repeat(24)}${voter.slice(2)}`],
        data: `0x${id}${SUPPORT[support]}${weight.toString(16).padStart(64, '0')}${NO_REASON}`,
      })
    }
    proposals.push({ id, createdBlock: plan.createdBlock, voteStart: plan.voteStart, voteEnd: plan.voteEnd, tally, votes: voters.size })
  }
  for (const log of tokenLogs) {
    snapshotReached(log.blockNumber)
    if (log.topics[0] !== TOPIC.DelegateVotesChanged) continue
    const delegate = `0x${log.topics[1]!.slice(26)}`
    const votes = BigInt(`0x${log.data.slice(66, 130)}`)
    power.set(delegate, votes)
    const i = at.get(delegate)
    if (votes > 0n && i === undefined) {
      at.set(delegate, active.length)
      active.push(delegate)
    } else if (votes === 0n && i !== undefined) {
      const moved = active.pop()!
      if (moved !== delegate) {
        active[i] = moved
        at.set(moved, i)
      }
      at.delete(delegate)
    }
  }
  snapshotReached(Infinity)

  // Chain order: by block, then in the order cast; then merge with the token's logs.
  pending.sort((a, b) => a.block - b.block || a.order - b.order)
  const governorLogs: RawLog[] = []
  let block = -1
  let logIndex = 0
  for (const x of pending) {
    if (x.block !== block) {
      block = x.block
      logIndex = rand.int(5)
    }
    const tx = governorLogs.length + 1
    governorLogs.push({
      address: p.governor,
      topics: x.topics,
      data: x.data,
      blockNumber: x.block,
      blockHash: blockHashOf(x.block),
      transactionHash: `0x${'9'.repeat(56)}${tx.toString(16).padStart(8, '0')}`,
      transactionIndex: logIndex,
      logIndex: logIndex++,
    })
  }
  const logs: RawLog[] = []
  let g = 0
  for (const log of tokenLogs) {
    while (g < governorLogs.length && governorLogs[g]!.blockNumber < log.blockNumber) logs.push(governorLogs[g++]!)
    logs.push(log)
  }
  while (g < governorLogs.length) logs.push(governorLogs[g++]!)
  const votes = proposals.reduce((s, x) => s + x.votes, 0)
  return {
    logs,
    proposals,
    counts: { proposals: proposals.length, votes },
    firstBlock: logs[0]!.blockNumber,
    lastBlock: logs[logs.length - 1]!.blockNumber,
  }
}

/** What detection finds for a simulated governor (the loopback node has no eth_call to ask it): OpenZeppelin, simple counting, block clock. */
export function simulatedGovernorInfo(governor: string, token: string): GovernorInfo {
  return {
    address: governor,
    kind: 'oz',
    countingMode: 'support=bravo&quorum=for,abstain',
    clockMode: 'mode=blocknumber&from=default',
    clock: 'blocknumber',
    token,
    name: 'SimGovernor',
  }
}
