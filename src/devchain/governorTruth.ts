import { Interface, toQuantity } from 'ethers'
import { GOVERNOR_STATES, type GovernorStateName } from '../analysis/governorState.js'
import { loadArtifact } from './artifacts.js'
import { DevchainError } from './devchainError.js'
import { createDevRpc, type DevRpcTarget } from './devRpc.js'
import { GOVERNOR_FIXTURE_SPECS, type GovernorFixture } from './governorFixtures.js'

export type ReadGovernorTruthParameters = DevRpcTarget & {
  fixture: GovernorFixture
  governor: string
  token: string
  proposals: readonly bigint[]
  /** (proposal, voter) pairs whose voting power at the proposal's snapshot to read. */
  voters: readonly { proposalId: bigint; voter: string }[]
  /** Block to read states and tallies at (below the head). */
  atBlock: number
}

export type ProposalTruth = {
  id: bigint
  /** `state(id)` at atBlock. */
  state: GovernorStateName
  /** OZ `proposalVotes(id)`, Bravo / Alpha `proposals(id)` at atBlock. */
  tally: { for: bigint; against: bigint; abstain: bigint }
  /** OZ `proposalSnapshot(id)`, Bravo / Alpha `startBlock`: a timepoint in the governor's clock. */
  snapshot: number
  /** OZ `proposalDeadline(id)` (extensions included), Bravo / Alpha `endBlock`. */
  deadline: number
  /** OZ `quorum(snapshot)`; Bravo / Alpha `quorumVotes()` read at the snapshot block. Null while the snapshot is in the future. */
  quorum: bigint | null
}

export type GovernorTruth = {
  atBlock: number
  headBlock: number
  proposals: Map<bigint, ProposalTruth>
  /** `${proposalId}:${voter}` -> OZ `getPastVotes(voter, snapshot)` / Comp `getPriorVotes(voter, startBlock)`. */
  votingPower: Map<string, bigint>
}

/**
 * Ground truth from the governor's and the token's own views, for every proposal and
 * every (proposal, voter): state, tally, snapshot, deadline, quorum at the snapshot, and
 * the voter's past votes at the snapshot (read at the head, which must be past it).
 */
export async function readGovernorTruth(p: ReadGovernorTruthParameters): Promise<GovernorTruth> {
  const rpc = createDevRpc(p.url !== undefined ? p.url : { provider: p.provider })
  const spec = GOVERNOR_FIXTURE_SPECS[p.fixture]
  const gov = new Interface(loadArtifact(spec.contract).abi)
  const tok = new Interface(loadArtifact(spec.token).abi)
  const headBlock = Number(await rpc.request<string>('eth_blockNumber'))
  if (p.atBlock >= headBlock) throw new DevchainError(`atBlock ${p.atBlock} must be below the head ${headBlock}.`)
  const headClock = spec.clock === 'blocknumber' ? headBlock : Number((await rpc.request<{ timestamp: string }>('eth_getBlockByNumber', ['latest', false])).timestamp)

  const read = async (to: string, iface: Interface, fn: string, args: unknown[], block: number) => {
    const data = await rpc.request<string>('eth_call', [{ to, data: iface.encodeFunctionData(fn, args) }, toQuantity(block)])
    return iface.decodeFunctionResult(fn, data)
  }
  const proposals = new Map<bigint, ProposalTruth>()
  for (const id of p.proposals) {
    const state = GOVERNOR_STATES[Number((await read(p.governor, gov, 'state', [id], p.atBlock))[0])]!
    let tally: ProposalTruth['tally']
    let snapshot: number
    let deadline: number
    let quorum: bigint | null
    if (spec.kind === 'oz') {
      const [against, forVotes, abstain] = (await read(p.governor, gov, 'proposalVotes', [id], p.atBlock)) as unknown as bigint[]
      tally = { for: forVotes!, against: against!, abstain: abstain! }
      snapshot = Number((await read(p.governor, gov, 'proposalSnapshot', [id], p.atBlock))[0])
      deadline = Number((await read(p.governor, gov, 'proposalDeadline', [id], p.atBlock))[0])
      quorum = snapshot < headClock ? ((await read(p.governor, gov, 'quorum', [snapshot], headBlock))[0] as bigint) : null
    } else {
      const r = await read(p.governor, gov, 'proposals', [id], p.atBlock)
      tally = { for: r.forVotes as bigint, against: r.againstVotes as bigint, abstain: spec.kind === 'bravo' ? (r.abstainVotes as bigint) : 0n }
      snapshot = Number(r.startBlock)
      deadline = Number(r.endBlock)
      quorum = snapshot <= p.atBlock ? ((await read(p.governor, gov, 'quorumVotes', [], snapshot))[0] as bigint) : null
    }
    proposals.set(id, { id, state, tally, snapshot, deadline, quorum })
  }
  const votingPower = new Map<string, bigint>()
  for (const { proposalId, voter } of p.voters) {
    const truth = proposals.get(proposalId)
    if (!truth) throw new DevchainError(`readGovernorTruth: voter ${voter} of unknown proposal ${proposalId}`)
    const fn = spec.kind === 'oz' ? 'getPastVotes' : 'getPriorVotes'
    votingPower.set(`${proposalId}:${voter.toLowerCase()}`, (await read(p.token, tok, fn, [voter, truth.snapshot], headBlock))[0] as bigint)
  }
  return { atBlock: p.atBlock, headBlock, proposals, votingPower }
}
