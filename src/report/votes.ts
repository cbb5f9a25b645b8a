/**
 * Rendering for `govaudit votes`: one proposal's voters, largest weight first, with their
 * share of the votes cast, where their weight went, their reasons, and whether the weight
 * equals their indexed voting power at the proposal's snapshot block.
 */
import type { ProposalVotersResult } from '../store/governorQueries.js'
import { share } from '../analysis/ratio.js'
import { cut, type Format, type Tabular } from './format.js'
import { render } from './render.js'
import { percent } from './percent.js'
import { titleBlock } from './titleBlock.js'

export type VotesReport = { dao: string } & ProposalVotersResult

function votesJson(r: VotesReport) {
  const p = r.proposal
  return {
    dao: r.dao,
    governor: p.governor,
    kind: p.governorKind,
    proposal: {
      id: p.id.toString(),
      title: p.title,
      state: p.state,
      outcome: p.outcome,
      snapshotBlock: p.snapshotBlock,
      voteStart: p.voteStart,
      deadline: p.deadline,
      clock: p.clock,
      for: p.tally.for,
      against: p.tally.against,
      abstain: p.tally.abstain,
      quorum: p.quorum,
      disagreement: p.disagreement,
    },
    total: r.total,
    votingPowerCheck: {
      unchecked: r.unchecked,
      mismatches: r.voters.filter((v) => v.verdict === 'mismatch').length,
      partial: r.voters.filter((v) => v.verdict === 'partial').length,
    },
    voters: r.voters.map((v) => ({
      voter: v.voter,
      weight: v.weight,
      share: v.share,
      support: v.support,
      for: v.for,
      against: v.against,
      abstain: v.abstain,
      votes: v.votes,
      reasons: v.reasons,
      votingPower: v.votingPower,
      check: v.verdict,
    })),
  }
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim()

function tableView(r: VotesReport, markdown: boolean): Tabular {
  const p = r.proposal
  const mismatches = r.voters.filter((v) => v.verdict === 'mismatch')
  const partial = r.voters.filter((v) => v.verdict === 'partial')
  const notes = ["Amounts are in the token's base units; share is of the total cast on this proposal."]
  if (r.unchecked) notes.push(`Voting power not checked: ${r.unchecked}.`)
  else {
    notes.push(
      mismatches.length
        ? `MISMATCH: ${mismatches.length} voter(s) cast a weight other than their indexed voting power at block ${p.snapshotBlock}: ${mismatches.map((v) => `${v.voter} cast ${v.weight}, had ${v.votingPower}`).join('; ')}. Token events may be missing, or the snapshot clock is wrong.`
        : partial.length
          ? `No mismatch: every weight equals the voter's indexed voting power at the snapshot block ${p.snapshotBlock}, except fractional votes that left part of it unspent (below).`
          : `Every weight equals the voter's indexed voting power at the snapshot block ${p.snapshotBlock}.`,
    )
    if (partial.length) notes.push(`Partial (fractional, some power unspent): ${partial.map((v) => `${v.voter} cast ${v.weight} of ${v.votingPower}`).join('; ')}.`)
  }
  if (p.disagreement) notes.push(`MISMATCH with the governor: ${p.disagreement}`)
  let cumulative = 0n
  return {
    title: titleBlock(
      `Votes on proposal ${p.id} of ${r.dao}: ${r.voters.length} voter(s), ${r.total} cast`,
      [
        ['title', p.title],
        ['governor', `${p.governor} (${p.governorKind})`],
        ['state', `${p.state ?? 'unknown'}; outcome by the votes: ${p.outcome ?? 'unknown'}`],
        ['tally', `for ${p.tally.for}, against ${p.tally.against}, abstain ${p.tally.abstain}; quorum ${p.quorum ?? 'unknown'}`],
        ['snapshot', `${p.clock === 'timestamp' ? `timestamp ${p.voteStart}, ` : ''}block ${p.snapshotBlock ?? 'unknown'}`],
      ],
      markdown,
    ),
    columns: [
      { key: 'rank', header: '#', align: 'right' },
      { key: 'voter', header: 'voter' },
      { key: 'support', header: 'support' },
      { key: 'weight', header: 'weight', align: 'right' },
      { key: 'share', header: 'share', align: 'right' },
      { key: 'cumulative', header: 'cumulative', align: 'right' },
      { key: 'check', header: 'voting power' },
      { key: 'reason', header: 'reason' },
    ],
    rows: r.voters.map((v, i) => {
      cumulative += v.weight
      return {
        rank: i + 1,
        voter: v.voter,
        support: v.support === 'split' ? `split: for ${v.for} / against ${v.against} / abstain ${v.abstain}` : v.support,
        weight: v.weight.toString(),
        share: percent(v.share),
        cumulative: percent(share(cumulative, r.total)),
        check: v.verdict,
        reason: v.reasons.length ? cut(oneLine(v.reasons.join(' / ')), 60) : null,
      }
    }),
    notes,
  }
}

const CSV_COLUMNS = ['rank', 'voter', 'support', 'weight', 'share', 'for', 'against', 'abstain', 'votes', 'votingPower', 'check', 'reasons', 'dao', 'governor', 'proposal', 'snapshotBlock'] as const

function csvView(r: VotesReport): Tabular {
  const context = { dao: r.dao, governor: r.proposal.governor, proposal: r.proposal.id.toString(), snapshotBlock: r.proposal.snapshotBlock }
  return {
    columns: CSV_COLUMNS.map((key) => ({ key, header: key })),
    rows: r.voters.map((v, i) => ({
      rank: i + 1,
      voter: v.voter,
      support: v.support,
      weight: v.weight.toString(),
      share: v.share,
      for: v.for.toString(),
      against: v.against.toString(),
      abstain: v.abstain.toString(),
      votes: v.votes,
      votingPower: v.votingPower === null ? null : v.votingPower.toString(),
      check: v.verdict,
      reasons: v.reasons.join(' / '),
      ...context,
    })),
  }
}

export function renderVotes(r: VotesReport, format: Format): string {
  return render(format, format === 'csv' ? csvView(r) : tableView(r, format === 'markdown'), votesJson(r))
}
