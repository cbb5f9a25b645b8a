/**
 * Rendering for `govaudit proposals --source snapshot`: a DAO's Snapshot proposals, the
 * hub's scores, and the check of those scores recomputed from the stored votes. Snapshot
 * numbers are floats from the space's strategies (not exact integers) and are labelled so.
 * Every mismatch and every vote whose choice does not fit its type is listed.
 */
import type { HubProposal } from '../sources/snapshot/types.js'
import type { CheckSnapshotProposalResult } from '../analysis/snapshotScoring.js'
import { cut, snapshotNumber, type Format, type Tabular } from './format.js'
import { render } from './render.js'
import { titleBlock } from './titleBlock.js'

export type SnapshotProposalsReport = {
  dao: string
  proposals: readonly { proposal: HubProposal; storedVotes: number; check: CheckSnapshotProposalResult }[]
}

const iso = (ts: number) => new Date(ts * 1000).toISOString().replace('.000Z', 'Z')

function checkWord(c: CheckSnapshotProposalResult): string {
  if (!c.supported) return `unsupported type`
  if (!c.comparison.agrees) return 'MISMATCH'
  return c.recomputed.anomalies.length ? `ok, ${c.recomputed.anomalies.length} anomalies` : 'ok'
}

function snapshotProposalsJson(r: SnapshotProposalsReport) {
  return {
    dao: r.dao,
    source: 'snapshot',
    note: 'Snapshot vp and scores are floats computed off-chain by the space strategies; they are kept as the hub gave them, not exact integers.',
    proposals: r.proposals.map(({ proposal: p, storedVotes, check }) => ({
      id: p.id,
      space: p.space,
      title: p.title,
      author: p.author,
      type: p.type,
      choices: p.choices,
      created: iso(p.created),
      start: iso(p.start),
      end: iso(p.end),
      snapshotBlock: p.snapshotBlock,
      network: p.network,
      state: p.state,
      hubScores: p.scores,
      hubScoresTotal: p.scoresTotal,
      quorum: p.quorum,
      hubVotes: p.votesCount,
      storedVotes,
      check: check.supported
        ? {
            supported: true,
            agrees: check.comparison.agrees,
            relTol: check.comparison.relTol,
            recomputedScores: check.recomputed.scores,
            recomputedScoresTotal: check.recomputed.scoresTotal,
            mismatches: check.comparison.mismatches,
            anomalies: check.recomputed.anomalies,
          }
        : { supported: false },
    })),
  }
}

function tableView(r: SnapshotProposalsReport, markdown: boolean): Tabular {
  const spaces = [...new Set(r.proposals.map((x) => x.proposal.space))]
  const notes = ['Snapshot numbers: vp and scores are floats from the space strategies, shown as given (not exact integers). "check" compares the hub scores with those recomputed from the stored votes (relative tolerance 1e-6).']
  for (const { proposal: p, check } of r.proposals) {
    if (!check.supported) notes.push(`UNSUPPORTED proposal ${p.id}: type "${p.type}" is not scored by this version.`)
    else {
      for (const m of check.comparison.mismatches)
        notes.push(`MISMATCH proposal ${p.id} ${m.choice === 'total' ? 'scores_total' : m.choice === 'count' ? 'number of scores' : `choice ${m.choice}`}: hub ${snapshotNumber(m.hub)}, recomputed ${snapshotNumber(m.recomputed)}`)
      for (const a of check.recomputed.anomalies.slice(0, 5))
        notes.push(`ANOMALY proposal ${p.id} vote of ${a.voter}: ${a.problem}; got ${JSON.stringify(a.choice)}`)
      if (check.recomputed.anomalies.length > 5) notes.push(`… and ${check.recomputed.anomalies.length - 5} more anomalies in proposal ${p.id}`)
    }
  }
  if (r.proposals.length === 0) notes.push('No Snapshot proposals indexed yet.')
  const mismatched = r.proposals.filter((x) => x.check.supported && !x.check.comparison.agrees).length
  return {
    title: titleBlock(
      `Snapshot proposals of ${r.dao}: ${r.proposals.length}${mismatched ? `, ${mismatched} with a score mismatch` : ''}`,
      [['spaces', spaces.length ? spaces.join(', ') : 'none']],
      markdown,
    ),
    columns: [
      { key: 'id', header: 'proposal' },
      { key: 'title', header: 'title' },
      { key: 'type', header: 'type' },
      { key: 'state', header: 'state' },
      { key: 'end', header: 'end' },
      { key: 'leader', header: 'leading choice' },
      { key: 'total', header: 'total vp', align: 'right' },
      { key: 'quorum', header: 'quorum', align: 'right' },
      { key: 'votes', header: 'votes', align: 'right' },
      { key: 'check', header: 'check' },
    ],
    rows: r.proposals.map(({ proposal: p, storedVotes, check }) => {
      let lead = -1
      for (const [i, s] of p.scores.entries()) if (lead < 0 || s > p.scores[lead]!) lead = i
      return {
        id: cut(p.id, 14),
        title: cut(p.title, 40),
        type: p.type,
        state: p.state,
        end: iso(p.end).slice(0, 10),
        leader: lead < 0 ? null : cut(p.choices[lead] ?? `#${lead + 1}`, 20),
        total: snapshotNumber(p.scoresTotal),
        quorum: snapshotNumber(p.quorum),
        votes: storedVotes,
        check: checkWord(check),
      }
    }),
    notes,
  }
}

const CSV_COLUMNS = ['id', 'space', 'title', 'author', 'type', 'state', 'start', 'end', 'snapshotBlock', 'network', 'hubScoresTotal', 'quorum', 'hubVotes', 'storedVotes', 'agrees', 'mismatches', 'anomalies'] as const

function csvView(r: SnapshotProposalsReport): Tabular {
  const j = snapshotProposalsJson(r)
  return {
    columns: CSV_COLUMNS.map((key) => ({ key, header: key })),
    rows: j.proposals.map((p, i) => ({
      id: p.id,
      space: p.space,
      title: p.title,
      author: p.author,
      type: p.type,
      state: p.state,
      start: p.start,
      end: p.end,
      snapshotBlock: p.snapshotBlock,
      network: p.network,
      hubScoresTotal: p.hubScoresTotal,
      quorum: p.quorum,
      hubVotes: p.hubVotes,
      storedVotes: p.storedVotes,
      ...checkCells(r.proposals[i]!.check),
    })),
  }
}

function checkCells(c: CheckSnapshotProposalResult): { agrees: string | null; mismatches: number | null; anomalies: number | null } {
  return c.supported
    ? { agrees: String(c.comparison.agrees), mismatches: c.comparison.mismatches.length, anomalies: c.recomputed.anomalies.length }
    : { agrees: null, mismatches: null, anomalies: null }
}

export function renderSnapshotProposals(r: SnapshotProposalsReport, format: Format): string {
  return render(format, format === 'csv' ? csvView(r) : tableView(r, format === 'markdown'), snapshotProposalsJson(r))
}
