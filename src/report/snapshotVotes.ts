/**
 * Rendering for `govaudit votes --source snapshot`: one Snapshot proposal's votes, largest
 * vp first, with each vote's share of the total vp, its choice in words, and whether the
 * choice fits the proposal's type. vp is a float from the space strategies (a Snapshot
 * number, not an exact integer), labelled so.
 */
import type { HubProposal, HubVote } from '../sources/snapshot/types.js'
import type { SnapshotAnomaly } from '../analysis/snapshotScoring.js'
import { cut, snapshotNumber, type Format, type Tabular } from './format.js'
import { render } from './render.js'
import { titleBlock } from './titleBlock.js'

export type SnapshotVotesReport = {
  dao: string
  proposal: HubProposal
  /** Largest vp first. */
  votes: readonly HubVote[]
  anomalies: readonly SnapshotAnomaly[]
}

const iso = (ts: number) => new Date(ts * 1000).toISOString().replace('.000Z', 'Z')

/** A choice in words: `For`, `A, C`, `1. B 2. A`, `A 25%, B 75%`. */
function describeChoice(choice: HubVote['choice'], type: string, labels: readonly string[]): string {
  const label = (c: number) => labels[c - 1] ?? `#${c}`
  if (typeof choice === 'number') return label(choice)
  if (Array.isArray(choice)) return type === 'ranked-choice' ? choice.map((c, i) => `${i + 1}. ${label(c)}`).join(' ') : choice.map(label).join(', ')
  const entries = Object.entries(choice as Record<string, number>)
  const sum = entries.reduce((a, [, w]) => a + w, 0)
  return entries.map(([k, w]) => `${label(Number(k))} ${sum > 0 ? `${snapshotNumber((100 * w) / sum)}%` : w}`).join(', ')
}

function snapshotVotesJson(r: SnapshotVotesReport) {
  let totalVp = 0
  for (const v of r.votes) totalVp += v.vp
  const bad = new Set(r.anomalies.map((a) => a.id))
  return {
    dao: r.dao,
    source: 'snapshot',
    note: 'Snapshot vp is a float computed off-chain by the space strategies; kept as the hub gave it, not an exact integer.',
    proposal: { id: r.proposal.id, space: r.proposal.space, title: r.proposal.title, type: r.proposal.type, choices: r.proposal.choices, state: r.proposal.state },
    totalVp,
    votes: r.votes.map((v) => ({
      id: v.id,
      voter: v.voter,
      choice: v.choice,
      choiceText: describeChoice(v.choice, r.proposal.type, r.proposal.choices),
      vp: v.vp,
      share: totalVp > 0 ? v.vp / totalVp : null,
      vpByStrategy: v.vpByStrategy,
      created: iso(v.created),
      reason: v.reason,
      fitsType: !bad.has(v.id),
    })),
    anomalies: r.anomalies,
  }
}

function tableView(r: SnapshotVotesReport, markdown: boolean): Tabular {
  const j = snapshotVotesJson(r)
  const notes = ['Snapshot numbers: vp is a float from the space strategies, shown as given (not an exact integer); share is of the total vp of all votes.']
  for (const a of r.anomalies) notes.push(`ANOMALY vote ${a.id ?? ''} of ${a.voter}: ${a.problem}; got ${JSON.stringify(a.choice)} (left out of the scores, as the hub does)`)
  return {
    title: titleBlock(
      `Snapshot votes on ${cut(r.proposal.title, 60)}: ${r.votes.length}`,
      [
        ['proposal', `${r.proposal.id} (${r.proposal.space})`],
        ['type', `${r.proposal.type}, ${r.proposal.state}`],
        ['total vp', snapshotNumber(j.totalVp)],
      ],
      markdown,
    ),
    columns: [
      { key: 'voter', header: 'voter' },
      { key: 'choice', header: 'choice' },
      { key: 'vp', header: 'vp', align: 'right' },
      { key: 'share', header: 'share', align: 'right' },
      { key: 'created', header: 'created' },
      { key: 'reason', header: 'reason' },
    ],
    rows: j.votes.map((v) => ({
      voter: v.voter,
      choice: cut(v.choiceText, 40) + (v.fitsType ? '' : ' (ANOMALY)'),
      vp: snapshotNumber(v.vp),
      share: v.share === null ? null : `${(100 * v.share).toFixed(2)}%`,
      created: v.created,
      reason: cut(v.reason, 40),
    })),
    notes,
  }
}

function csvView(r: SnapshotVotesReport): Tabular {
  const j = snapshotVotesJson(r)
  const cols = ['id', 'voter', 'choice', 'choiceText', 'vp', 'share', 'created', 'reason', 'fitsType'] as const
  return {
    columns: cols.map((key) => ({ key, header: key })),
    rows: j.votes.map((v) => ({
      id: v.id,
      voter: v.voter,
      choice: JSON.stringify(v.choice),
      choiceText: v.choiceText,
      vp: v.vp,
      share: v.share,
      created: v.created,
      reason: v.reason,
      fitsType: String(v.fitsType),
    })),
  }
}

export function renderSnapshotVotes(r: SnapshotVotesReport, format: Format): string {
  return render(format, format === 'csv' ? csvView(r) : tableView(r, format === 'markdown'), snapshotVotesJson(r))
}
