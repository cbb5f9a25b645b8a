/**
 * Rendering for `govaudit proposals`: a DAO's governor proposals with tallies, the quorum
 * that applied, the governor's own state and the state derived from the indexed votes,
 * and every disagreement between them. JSON keeps everything (amounts as decimal strings,
 * ids as decimal strings, addresses lowercase).
 */
import type { GovernorProposal } from '../store/governorQueries.js'
import type { StoredGovernor } from '../store/governors.js'
import type { GovernorStateName } from '../analysis/governorState.js'
import { cut, type Format, type Tabular } from './format.js'
import { render } from './render.js'
import { titleBlock } from './titleBlock.js'

export type ProposalsReport = {
  dao: string
  governors: readonly StoredGovernor[]
  /** The --state filter, if any. */
  state: GovernorStateName | null
  proposals: readonly GovernorProposal[]
}

const iso = (ts: number | null) => (ts === null ? null : new Date(ts * 1000).toISOString().replace('.000Z', 'Z'))

function proposalJson(p: GovernorProposal) {
  return {
    governor: p.governor,
    kind: p.governorKind,
    id: p.id.toString(),
    title: p.title,
    proposer: p.proposer,
    createdBlock: p.createdBlock,
    createdAt: iso(p.createdTimestamp),
    txHash: p.txHash,
    clock: p.clock,
    voteStart: p.voteStart,
    voteEnd: p.voteEnd,
    deadline: p.deadline,
    extended: p.extended,
    snapshotBlock: p.snapshotBlock,
    state: p.state,
    chainState: p.chainState,
    derivedState: p.derivedState,
    agrees: p.agrees,
    disagreement: p.disagreement,
    outcome: p.outcome,
    for: p.tally.for,
    against: p.tally.against,
    abstain: p.tally.abstain,
    quorum: p.quorum,
    quorumBlock: p.quorumBlock,
    votes: p.votes,
    voters: p.voters,
    canceledBlock: p.canceledBlock,
    queuedBlock: p.queuedBlock,
    eta: p.eta,
    executedBlock: p.executedBlock,
    checkedBlock: p.checkedBlock,
    targets: p.targets,
    values: p.values,
    signatures: p.signatures,
    calldatas: p.calldatas,
    description: p.description,
  }
}

function proposalsJson(r: ProposalsReport) {
  return {
    dao: r.dao,
    state: r.state,
    governors: r.governors.map((g) => ({
      address: g.address,
      kind: g.kind,
      countingMode: g.countingMode,
      clockMode: g.clockMode,
      clock: g.clock,
      token: g.token,
      name: g.name,
      startBlock: g.startBlock,
    })),
    proposals: r.proposals.map(proposalJson),
  }
}


function check(p: GovernorProposal): string {
  if (p.disagreement !== null) return 'MISMATCH'
  if (p.checkedBlock === null) return 'unchecked'
  return p.agrees === null ? '-' : 'ok'
}

function tableView(r: ProposalsReport, markdown: boolean): Tabular {
  const several = r.governors.length > 1
  const checked = r.proposals.map((p) => p.checkedBlock).filter((b): b is number => b !== null)
  const lines: [string, string][] = r.governors.map((g) => [
    `governor ${g.address}`,
    `${g.kind}, ${g.countingMode}, ${g.clock === 'timestamp' ? 'timestamp clock (unix seconds)' : 'block-number clock'}`,
  ])
  if (r.state) lines.push(['filter', `state ${r.state}`])
  if (checked.length) lines.push(['states as of', `block ${Math.max(...checked)}`])
  const notes: string[] = ['Amounts are in the token\'s base units. "state" is the governor\'s own state(); "outcome" is what the indexed votes decide under its counting rule and quorum.']
  const mismatched = r.proposals.filter((p) => p.disagreement !== null)
  for (const p of mismatched) notes.push(`MISMATCH proposal ${p.id}${several ? ` (${p.governor})` : ''}: ${p.disagreement}`)
  if (r.proposals.length === 0) notes.push(r.state ? `No proposal is ${r.state}.` : 'No governor proposals indexed yet.')
  return {
    title: titleBlock(`Governor proposals of ${r.dao}: ${r.proposals.length}${mismatched.length ? `, ${mismatched.length} with a disagreement` : ''}`, lines, markdown),
    columns: [
      ...(several ? [{ key: 'governor', header: 'governor' }] : []),
      { key: 'id', header: 'proposal' },
      { key: 'title', header: 'title' },
      { key: 'state', header: 'state' },
      { key: 'outcome', header: 'outcome' },
      { key: 'for', header: 'for', align: 'right' as const },
      { key: 'against', header: 'against', align: 'right' as const },
      { key: 'abstain', header: 'abstain', align: 'right' as const },
      { key: 'quorum', header: 'quorum', align: 'right' as const },
      { key: 'voters', header: 'voters', align: 'right' as const },
      { key: 'check', header: 'check' },
    ],
    rows: r.proposals.map((p) => ({
      governor: p.governor,
      id: p.id.toString(),
      title: cut(p.title, 48) + (p.extended ? ' (extended)' : ''),
      state: p.state,
      outcome: p.outcome,
      for: p.tally.for.toString(),
      against: p.tally.against.toString(),
      abstain: p.tally.abstain.toString(),
      quorum: p.quorum === null ? null : p.quorum.toString(),
      voters: p.voters,
      check: check(p),
    })),
    notes,
  }
}

const CSV_COLUMNS = [
  'governor', 'kind', 'id', 'title', 'proposer', 'createdBlock', 'createdAt', 'clock', 'voteStart', 'voteEnd', 'deadline', 'extended',
  'snapshotBlock', 'state', 'chainState', 'derivedState', 'agrees', 'outcome', 'for', 'against', 'abstain', 'quorum', 'quorumBlock',
  'votes', 'voters', 'canceledBlock', 'queuedBlock', 'executedBlock', 'checkedBlock', 'disagreement',
] as const

function csvView(r: ProposalsReport): Tabular {
  return {
    columns: CSV_COLUMNS.map((key) => ({ key, header: key })),
    rows: r.proposals.map((p) => {
      const j = proposalJson(p)
      return Object.fromEntries(
        CSV_COLUMNS.map((k) => {
          const v = j[k]
          return [k, v === null ? null : typeof v === 'bigint' || typeof v === 'boolean' ? String(v) : (v as string | number)]
        }),
      )
    }),
  }
}

export function renderProposals(r: ProposalsReport, format: Format): string {
  return render(format, format === 'csv' ? csvView(r) : tableView(r, format === 'markdown'), proposalsJson(r))
}
