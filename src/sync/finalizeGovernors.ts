/**
 * The per-proposal step after a commit: for each proposal the ledger touched (or that is
 * not settled yet), read from the chain what the events do not carry — the quorum that
 * applied, the governor's own `state()`, its tally and deadline, and for timestamp clocks
 * the block the snapshot timestamp falls in — then derive the state and outcome from the
 * indexed facts under the governor's counting rule and record every disagreement.
 *
 * Call it after the transaction that advanced the governors' cursors to `atBlock`; it
 * reads views at `atBlock` and writes `proposal_status` (plus the headers of the blocks
 * it refers to) in its own transaction. It is idempotent: run it again any time.
 */
import pLimit from 'p-limit'
import type { Db } from '../store/db.js'
import type { Dao } from '../store/daos.js'
import { getBlock, upsertBlock } from '../store/blocks.js'
import { listGovernors, type StoredGovernor } from '../store/governors.js'
import { proposalsToCheck, writeProposalStatus, type ProposalStatusUpdate, type ProposalToCheck } from '../store/proposalStatus.js'
import { governorState, statesAgree, type GovernorStateName } from '../analysis/governorState.js'
import { ruleFor, type CountingRule, type Tally } from '../analysis/rules/index.js'
import { createBlockTimes, findSnapshotBlock, type BlockTimes } from '../sources/governor/blockTimes.js'
import { readProposalChain } from '../sources/governor/readProposalChain.js'
import type { RpcClient } from '../sources/evm/types.js'

export type FinalizeGovernorsParameters = {
  db: Db
  rpc: RpcClient
  dao: Dao
  /** The block every governor is indexed to (the committed cursor). */
  atBlock: number
  /** Default: every governor of the DAO. */
  governors?: readonly StoredGovernor[]
  /** Proposals read in parallel. Default 8. */
  concurrency?: number
}

export type ProposalDisagreement = { governor: string; proposalId: bigint; disagreement: string }

export type FinalizeGovernorsResult = {
  /** Proposals checked in this run. */
  checked: number
  /** Disagreements found in this run (also stored in proposal_status). */
  disagreements: ProposalDisagreement[]
}

/**
 * States that only an event can change: once read with the quorum and snapshot block
 * known, the proposal is not read again until the ledger touches it. `queued` is not one
 * (Bravo / Alpha turn `expired` by time alone), nor are `pending` and `active`.
 */
const SETTLED: ReadonlySet<GovernorStateName> = new Set(['canceled', 'defeated', 'succeeded', 'executed', 'expired'])

export async function finalizeGovernors(p: FinalizeGovernorsParameters): Promise<FinalizeGovernorsResult> {
  const { db, rpc, dao, atBlock } = p
  const governors = p.governors ?? listGovernors(db, dao)
  const limit = pLimit(p.concurrency ?? 8)
  const times = createBlockTimes(rpc)
  const result: FinalizeGovernorsResult = { checked: 0, disagreements: [] }
  const referenced = new Set<number>([atBlock])

  for (const governor of governors) {
    const todo = proposalsToCheck(db, dao.id, governor.address, atBlock)
    if (todo.length === 0) continue
    const rule = ruleFor(governor.kind === 'oz' ? governor.countingMode : governor.kind)
    const now = governor.clock === 'blocknumber' ? atBlock : await times.timestamp(atBlock)
    const updates = await Promise.all(todo.map((proposal) => limit(() => check({ rpc, governor, rule, proposal, atBlock, now, times }))))
    writeProposalStatus(db, dao.id, updates)
    for (const [i, u] of updates.entries()) {
      referenced.add(todo[i]!.createdBlock)
      if (u.snapshotBlock !== null && u.snapshotBlock <= atBlock) referenced.add(u.snapshotBlock)
      if (u.disagreement !== null) result.disagreements.push({ governor: u.governor, proposalId: u.proposalId, disagreement: u.disagreement })
    }
    result.checked += updates.length
  }
  if (result.checked > 0) {
    const headers = await times.headers([...referenced].filter((n) => getBlock(db, dao.chainId, n) === undefined))
    db.transaction(() => {
      for (const h of headers) upsertBlock(db, dao.chainId, { number: h.number, hash: h.hash, timestamp: h.timestamp })
    })()
  }
  return result
}

type CheckParameters = {
  rpc: RpcClient
  governor: StoredGovernor
  rule: CountingRule
  proposal: ProposalToCheck
  atBlock: number
  now: number
  times: BlockTimes
}

async function check({ rpc, governor, rule, proposal: pr, atBlock, now, times }: CheckParameters): Promise<ProposalStatusUpdate> {
  let snapshotBlock = pr.snapshotBlock
  if (snapshotBlock === null) {
    if (governor.clock === 'blocknumber') snapshotBlock = pr.voteStart
    else if (pr.voteStart < now) snapshotBlock = await findSnapshotBlock({ times, timestamp: pr.voteStart, low: pr.createdBlock, high: atBlock })
  }
  const chain = await readProposalChain({
    rpc,
    governor,
    proposalId: pr.proposalId,
    voteStart: pr.voteStart,
    atBlock,
    now,
    quorumKnown: pr.quorum !== null,
  })
  const quorum = pr.quorum ?? chain.quorum
  const quorumBlock = pr.quorum !== null ? pr.quorumBlock : chain.quorumBlock
  const derived = governorState({
    rule,
    tally: pr.tally,
    quorum,
    now,
    voteStart: pr.voteStart,
    deadline: pr.deadline,
    canceled: pr.canceled,
    queued: pr.queued,
    executed: pr.executed,
  })
  const agrees = derived.state !== null && chain.state !== null ? statesAgree(derived.state, chain.state) : null

  const problems: string[] = []
  if (agrees === false) problems.push(`state() says ${chain.state} but the indexed events and votes say ${derived.state}`)
  if (derived.contradiction) problems.push(derived.contradiction)
  if (chain.tally && !sameTally(chain.tally, pr.tally))
    problems.push(
      `the governor's tally is for ${chain.tally.for} / against ${chain.tally.against} / abstain ${chain.tally.abstain} but the indexed votes sum to ${pr.tally.for} / ${pr.tally.against} / ${pr.tally.abstain}`,
    )
  if (chain.deadline !== null && chain.deadline !== pr.deadline)
    problems.push(`proposalDeadline() is ${chain.deadline} but the indexed ProposalCreated / ProposalExtended events give ${pr.deadline}`)

  const settled = chain.state ?? derived.state
  return {
    governor: governor.address,
    proposalId: pr.proposalId,
    checkedBlock: atBlock,
    snapshotBlock,
    quorum,
    quorumBlock,
    chainState: chain.state,
    derivedState: derived.state,
    outcome: derived.outcome,
    agrees,
    disagreement: problems.length ? `${problems.join('; ')}.` : null,
    final: settled !== null && SETTLED.has(settled) && quorum !== null && snapshotBlock !== null && problems.length === 0,
  }
}

function sameTally(a: Tally, b: Tally): boolean {
  return a.for === b.for && a.against === b.against && a.abstain === b.abstain
}
