/**
 * Rendering for `govaudit decisive`: one row per proposal and the whale-decided share.
 * JSON keeps DESIGN §8's keys; amounts are decimal strings in the proposal's own units
 * (× 10^scale for decimal imports). A proposal whose counting rule and quorum are unknown
 * (imported votes without --rule) is "unassessed": its outcome is for > against with
 * quorum 0, `decisive` is null, and it is left out of the share — all said in the output.
 */
import type { DecisiveResult } from '../analysis/decisive.js'
import type { SummarizeDecisiveResult } from '../analysis/summarizeDecisive.js'
import type { ApplyLabelsResult } from '../analysis/labels.js'
import type { ProposalRef } from '../store/proposalVotes.js'
import { snapshotNumber, type Cell, type Format, type Tabular } from './format.js'
import { render } from './render.js'
import { labelsJson } from './labelsNote.js'
import { percent } from './percent.js'
import { isSnapshotRow, SNAPSHOT_FLOAT_NOTE, snapshotOutcomeText, snapshotProposalJson, snapshotRowNote, type SnapshotDecisiveRow } from './decisiveSnapshot.js'

export type RuleFrom = 'flag' | 'source' | null
export type QuorumFrom = 'flag' | 'source' | 'default-zero'

export type DecisiveRow = {
  ref: ProposalRef
  result: DecisiveResult
  /** A counting rule is known (from --rule or the source): decisive was computed. */
  assessed: boolean
  /** The source says the proposal was canceled or is still open: no outcome to flip. */
  unsettled: 'canceled' | 'pending' | null
  ruleFrom: RuleFrom
  quorumFrom: QuorumFrom
  /** Nakamoto coefficient of the votes cast after labels (merged entities, excluded addresses left out). */
  nakamoto: number | null
  labels: Pick<ApplyLabelsResult, 'merged' | 'excluded' | 'excludedWeight'>
}

export type DecisiveReport = {
  dao: string
  whales: number
  summary: SummarizeDecisiveResult
  /** Governor and imported proposals, and Snapshot ones (report/decisiveSnapshot.ts). */
  proposals: (DecisiveRow | SnapshotDecisiveRow)[]
  labelsFile: string | null
}

const ASSUMPTION = 'counting rule and quorum unknown: outcome taken as for > against with quorum 0; decisive voters not computed'

/** Decided proposals only: canceled and still-open ones report their state and no decisive set. */
const decided = (p: DecisiveRow) => p.assessed && p.unsettled === null

function proposalJson(p: DecisiveRow | SnapshotDecisiveRow) {
  if (isSnapshotRow(p)) return snapshotProposalJson(p)
  const r = p.result
  return {
    source: p.ref.source,
    id: p.ref.id,
    title: p.ref.title,
    outcome: p.unsettled ?? r.outcome,
    for: r.tally.for,
    against: r.tally.against,
    abstain: r.tally.abstain,
    quorum: r.quorum,
    voters: r.voters,
    nakamoto: p.nakamoto,
    decisive: decided(p) ? r.decisive : null,
    decisiveVoters: decided(p) ? r.decisiveVoters : [],
    whaleDecided: decided(p) ? r.whaleDecided : false,
    exact: decided(p) ? r.exact : false,
    assessed: p.assessed,
    rule: p.assessed ? r.rule.id : null,
    countingMode: p.assessed ? r.rule.countingMode : null,
    ruleFrom: p.ruleFrom,
    quorumFrom: p.quorumFrom,
    strategy: p.assessed ? r.strategy : null,
    assumption: p.assessed ? null : ASSUMPTION,
    scale: p.ref.scale,
    labels: perProposalLabels(p),
  }
}

function perProposalLabels(p: DecisiveRow) {
  const { merged, excluded } = labelsJson({ file: null, applied: p.labels })
  return { merged, excluded }
}

/** Entities and exclusions met in any listed proposal (addresses only; weights are per proposal). */
function labelsUnion(r: DecisiveReport) {
  const merged = new Map<string, { entity: string; address: string; addresses: Set<string> }>()
  const excluded = new Map<string, { address: string; label: string }>()
  for (const p of r.proposals) {
    if (isSnapshotRow(p)) continue // labels are not applied to Snapshot votes
    for (const m of p.labels.merged) {
      const e = merged.get(m.entity) ?? { entity: m.entity, address: m.address, addresses: new Set<string>() }
      for (const a of m.addresses) e.addresses.add(a)
      merged.set(m.entity, e)
    }
    for (const x of p.labels.excluded) excluded.set(x.address, { address: x.address, label: x.label })
  }
  return {
    file: r.labelsFile,
    merged: [...merged.values()].sort((a, b) => (a.entity < b.entity ? -1 : 1)).map((e) => ({ ...e, addresses: [...e.addresses].sort() })),
    excluded: [...excluded.values()].sort((a, b) => (a.address < b.address ? -1 : 1)),
  }
}

export function decisiveJson(r: DecisiveReport) {
  const s = r.summary
  const assessed = r.proposals.filter((p) => p.assessed).length
  return {
    dao: r.dao,
    whales: r.whales,
    whaleDecidedShare: s.whaleDecidedShare,
    whaleDecidedRatio: `${s.whaleDecidedRatio.num}/${s.whaleDecidedRatio.den}`,
    decided: s.decided,
    whaleDecided: s.whaleDecided,
    inexact: s.inexact,
    assessed,
    unassessed: r.proposals.length - assessed,
    proposals: r.proposals.map(proposalJson),
    labels: labelsUnion(r),
  }
}

/** Exact amounts as integers; Snapshot's floats (a number) as such; none as empty. */
const amountText = (x: bigint | number | null) => (x === null ? null : typeof x === 'number' ? snapshotNumber(x) : x.toString())

const shortList = (xs: readonly string[], n = 3) => (xs.length <= n ? xs.join(', ') : `${xs.slice(0, n).join(', ')} +${xs.length - n} more`)

function tableView(r: DecisiveReport): Tabular {
  const j = decisiveJson(r)
  const notes: string[] = []
  if (j.unassessed > 0)
    notes.push(
      `${j.unassessed} proposal(s) have no known counting rule or quorum (imported votes): the outcome shown is for > against with quorum 0, decisive is not computed (-), and they are left out of the share. Pass --rule bravo|oz-simple|oz-bravo-quorum (and --quorum N) to assess them.`,
    )
  const governorRows = r.proposals.filter((p): p is DecisiveRow => !isSnapshotRow(p))
  const flagged = governorRows.filter((p) => p.assessed && p.ruleFrom === 'flag')
  if (flagged.length) {
    const rule = flagged[0]!.result.rule
    const quorum = flagged.some((p) => p.quorumFrom === 'flag') ? 'quorum from --quorum' : 'quorum 0 (no --quorum given)'
    notes.push(`Rule ${rule.id} (${rule.countingMode}) from --rule; ${quorum}.`)
  }
  if (j.inexact > 0) notes.push(`${j.inexact} whale-decided count(s) rest on a search cut short: an upper bound, not proven minimal.`)
  for (const p of governorRows)
    if (p.ref.scale > 0)
      notes.push(`Proposal ${p.ref.id}: amounts are the imported values × 10^${p.ref.scale} (exact integers; ${(10n ** BigInt(p.ref.scale)).toString()} means 1).`)
  const snapshotRows = j.proposals.filter((p) => p.source === 'snapshot')
  if (snapshotRows.length > 0) {
    notes.push(`${SNAPSHOT_FLOAT_NOTE} Decisive voters of Snapshot proposals are exact for single-choice and basic, a greedy upper bound (≤) for other types; labels and --rule/--quorum do not apply to them.`)
    for (const p of snapshotRows) if ('scores' in p) notes.push(snapshotRowNote(p))
  }
  if (j.labels.file !== null) {
    const merged = j.labels.merged.length ? j.labels.merged.map((m) => `${m.entity} = ${m.addresses.join(' + ')}`).join('; ') : 'none'
    const excluded = j.labels.excluded.length ? j.labels.excluded.map((e) => `${e.address} (${e.label})`).join('; ') : 'none'
    notes.push(
      `Labels from ${j.labels.file}: merged entities (one voter each): ${merged}.`,
      `Excluded from the votes-cast Nakamoto coefficient (their votes still count in the tally): ${excluded}.`,
    )
  }
  return {
    title: `Whale-decided proposals of ${r.dao}: ${j.whaleDecided} of ${j.decided} decided (${percent(j.whaleDecidedShare, 1)}), decided by at most ${r.whales} voter(s)`,
    columns: [
      { key: 'source', header: 'source' },
      { key: 'id', header: 'proposal' },
      { key: 'outcome', header: 'outcome' },
      { key: 'for', header: 'for', align: 'right' },
      { key: 'against', header: 'against', align: 'right' },
      { key: 'abstain', header: 'abstain', align: 'right' },
      { key: 'quorum', header: 'quorum', align: 'right' },
      { key: 'voters', header: 'voters', align: 'right' },
      { key: 'nakamoto', header: 'nakamoto', align: 'right' },
      { key: 'decisive', header: 'decisive', align: 'right' },
      { key: 'whale', header: 'whale' },
      { key: 'decisiveVoters', header: 'decisive voters' },
    ],
    rows: j.proposals.map((p) => ({
      source: p.source,
      id: p.id,
      outcome: 'scores' in p ? snapshotOutcomeText(p) : p.assessed ? p.outcome : `${p.outcome} (assumed)`,
      for: amountText(p.for),
      against: amountText(p.against),
      abstain: amountText(p.abstain),
      quorum: p.assessed ? amountText(p.quorum) : null,
      voters: p.voters,
      nakamoto: p.nakamoto,
      decisive: p.decisive === null ? null : `${p.decisive}${p.exact ? '' : ' (≤)'}`,
      whale: p.assessed && p.outcome !== 'canceled' && p.outcome !== 'pending' ? (p.whaleDecided ? 'yes' : 'no') : null,
      decisiveVoters: shortList(p.decisiveVoters),
    })),
    notes,
  }
}

const CSV_COLUMNS = [
  'kind', 'source', 'id', 'title', 'outcome', 'for', 'against', 'abstain', 'quorum', 'voters', 'nakamoto', 'decisive',
  'decisiveVoters', 'whaleDecided', 'exact', 'assessed', 'rule', 'ruleFrom', 'quorumFrom', 'scale',
  'dao', 'whales', 'decided', 'whaleDecidedShare', 'address', 'label', 'members',
] as const

/** One `proposal` row each, a `summary` row, then `merged`/`excluded` label rows. */
function csvView(r: DecisiveReport): Tabular {
  const j = decisiveJson(r)
  const ctx = { dao: j.dao, whales: j.whales, whaleDecidedShare: j.whaleDecidedShare }
  const rows: Record<string, Cell>[] = [
    ...j.proposals.map((p) => ({
      kind: 'proposal', source: p.source, id: p.id, title: p.title, outcome: p.outcome,
      for: amountText(p.for), against: amountText(p.against), abstain: amountText(p.abstain), quorum: amountText(p.quorum),
      voters: p.voters, nakamoto: p.nakamoto, decisive: p.decisive, decisiveVoters: p.decisiveVoters.join(';'),
      whaleDecided: String(p.whaleDecided), exact: String(p.exact), assessed: String(p.assessed), rule: p.rule,
      ruleFrom: p.ruleFrom, quorumFrom: p.quorumFrom, scale: p.scale, ...ctx,
    })),
    { kind: 'summary', decided: j.decided, ...ctx },
    ...j.labels.merged.map((m) => ({ kind: 'merged', address: m.address, label: m.entity, members: m.addresses.join(';'), ...ctx })),
    ...j.labels.excluded.map((e) => ({ kind: 'excluded', address: e.address, label: e.label, ...ctx })),
  ]
  return { columns: CSV_COLUMNS.map((key) => ({ key, header: key })), rows }
}

export function renderDecisive(r: DecisiveReport, format: Format): string {
  return render(format, format === 'csv' ? csvView(r) : tableView(r), decisiveJson(r))
}
