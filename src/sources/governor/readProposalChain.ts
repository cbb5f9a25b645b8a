/**
 * What a governor's own views say about one proposal at a block: `state(id)`, its tally
 * (`proposalVotes(id)` for OZ, `proposals(id)` for Bravo / Alpha), OZ's
 * `proposalDeadline(id)`, and the quorum that applied:
 *
 * - OZ: `quorum(voteStart)`, read at `atBlock`, once the snapshot has passed (before, the
 *   token cannot answer a future lookup).
 * - Bravo / Alpha: `quorumVotes()` read AT the proposal's startBlock (its snapshot block):
 *   their quorum is a contract value, changed only by upgrades, so the value in force at
 *   the snapshot is the one that applied. A node without that historical state answers
 *   an error; then it is read at `atBlock` and `quorumBlock` says so.
 *
 * A view that reverts or does not exist gives null: the facts are recorded as unknown,
 * never guessed. Transport failures throw (SourceError after retries).
 */
import { GOVERNOR_STATES, type GovernorStateName } from '../../analysis/governorState.js'
import type { Tally } from '../../analysis/rules/countingRule.js'
import { tryCall } from '../evm/call.js'
import type { RpcClient } from '../evm/types.js'
import type { GovernorKind } from './topics.js'

export type ReadProposalChainParameters = {
  rpc: RpcClient
  governor: { address: string; kind: GovernorKind }
  proposalId: bigint
  voteStart: number
  /** The block the views are read at (the indexed cursor). */
  atBlock: number
  /** The governor's clock at `atBlock`. */
  now: number
  /** Skip reading the quorum (already known). */
  quorumKnown: boolean
}

export type ProposalChainFacts = {
  state: GovernorStateName | null
  tally: Tally | null
  /** OZ `proposalDeadline(id)`; null for Bravo / Alpha or when it cannot be read. */
  deadline: number | null
  quorum: bigint | null
  quorumBlock: number | null
}

export async function readProposalChain(p: ReadProposalChainParameters): Promise<ProposalChainFacts> {
  const { rpc, governor, proposalId, atBlock } = p
  const call = <T>(signature: string, args: readonly unknown[], block = atBlock) => tryCall<T>(rpc, governor.address, signature, args, block)

  const stateCode = await call<bigint>('function state(uint256) view returns (uint8)', [proposalId])
  const state = stateCode === undefined ? null : (GOVERNOR_STATES[Number(stateCode)] ?? null)

  let tally: Tally | null = null
  let deadline: number | null = null
  if (governor.kind === 'oz') {
    const votes = await call<bigint[]>('function proposalVotes(uint256) view returns (uint256, uint256, uint256)', [proposalId])
    if (votes) tally = { against: votes[0]!, for: votes[1]!, abstain: votes[2]! }
    const d = await call<bigint>('function proposalDeadline(uint256) view returns (uint256)', [proposalId])
    if (d !== undefined && d <= BigInt(Number.MAX_SAFE_INTEGER)) deadline = Number(d)
  } else if (governor.kind === 'bravo') {
    const r = await call<bigint[]>(
      'function proposals(uint256) view returns (uint256, address, uint256, uint256, uint256, uint256, uint256, uint256, bool, bool)',
      [proposalId],
    )
    if (r) tally = { for: r[5]!, against: r[6]!, abstain: r[7]! }
  } else {
    const r = await call<bigint[]>(
      'function proposals(uint256) view returns (uint256, address, uint256, uint256, uint256, uint256, uint256, bool, bool)',
      [proposalId],
    )
    if (r) tally = { for: r[5]!, against: r[6]!, abstain: 0n }
  }

  let quorum: bigint | null = null
  let quorumBlock: number | null = null
  if (!p.quorumKnown) {
    if (governor.kind === 'oz') {
      if (p.voteStart < p.now) {
        const q = await call<bigint>('function quorum(uint256) view returns (uint256)', [BigInt(p.voteStart)])
        if (q !== undefined) [quorum, quorumBlock] = [q, atBlock]
      }
    } else if (p.voteStart <= atBlock) {
      const signature = 'function quorumVotes() view returns (uint256)'
      const atSnapshot = await call<bigint>(signature, [], p.voteStart)
      if (atSnapshot !== undefined) [quorum, quorumBlock] = [atSnapshot, p.voteStart]
      else {
        const now = await call<bigint>(signature, [])
        if (now !== undefined) [quorum, quorumBlock] = [now, atBlock]
      }
    }
  }
  return { state, tally, deadline, quorum, quorumBlock }
}
