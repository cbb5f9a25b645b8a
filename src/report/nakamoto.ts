/**
 * Rendering for `govaudit nakamoto`. Every format states the basis, denominator, block,
 * proposal, threshold, population and the top-k with weights and shares, plus what the
 * labels merged and excluded. JSON keeps DESIGN §8's keys (amounts as decimal strings).
 */
import type { NakamotoResult } from '../analysis/nakamoto.js'
import { share } from '../analysis/ratio.js'
import type { ResolvedWeights } from '../store/weights.js'
import type { Format, Tabular } from './format.js'
import { render } from './render.js'
import { labelsCsvRows, labelsJson, labelsNotes, type LabelsUse } from './labelsNote.js'
import { describeBasis, describeDenominator, populationNoun, scaleNote, snapshotVotesNote } from './basisText.js'
import { percent } from './percent.js'
import { titleBlock } from './titleBlock.js'

export type NakamotoReport = {
  dao: string
  measured: Pick<ResolvedWeights, 'basis' | 'denominator' | 'blockNumber' | 'proposal' | 'scale'>
  result: NakamotoResult
  labels: LabelsUse
  /** Display names of labelled addresses and entities (applyLabels' `names`). */
  names: ReadonlyMap<string, string>
}

export function nakamotoJson(r: NakamotoReport) {
  const { result, measured } = r
  return {
    dao: r.dao,
    basis: measured.basis,
    block: measured.blockNumber,
    proposal: measured.proposal?.id ?? null,
    source: measured.proposal?.source ?? null,
    threshold: share(result.threshold.num, result.threshold.den),
    thresholdRatio: `${result.threshold.num}/${result.threshold.den}`,
    denominator: measured.denominator,
    total: result.total,
    population: result.population,
    nakamoto: result.k,
    topWeight: result.topWeight,
    topShare: share(result.topWeight, result.total),
    top: result.top.map((t) => ({ address: t.address, label: r.names.get(t.address) ?? null, weight: t.weight, share: t.share })),
    scale: measured.scale,
    ...(measured.proposal?.source === 'snapshot' ? { note: snapshotVotesNote(measured) } : {}),
    labels: labelsJson(r.labels),
  }
}

function tableView(r: NakamotoReport, markdown: boolean): Tabular {
  const { result, measured } = r
  const t = result.threshold
  let cumulative = 0n
  const headline =
    result.k === null
      ? `Nakamoto coefficient of ${r.dao}: none — all ${result.population} together hold ${percent(share(result.weightSum, result.total))}, not more than ${percent(share(t.num, t.den))} of the denominator`
      : `Nakamoto coefficient of ${r.dao}: ${result.k} — the top ${result.k} hold ${percent(share(result.topWeight, result.total))}, more than ${percent(share(t.num, t.den))} of the denominator`
  return {
    title: titleBlock(
      headline,
      [
        ['basis', describeBasis(measured)],
        ['denominator', `${describeDenominator(measured)} = ${result.total}`],
        ['threshold', `more than ${t.num}/${t.den} (${percent(share(t.num, t.den))}) of the denominator`],
        ['population', `${result.population} ${populationNoun(measured)}`],
      ],
      markdown,
    ),
    columns: [
      { key: 'rank', header: '#', align: 'right' },
      { key: 'address', header: 'address' },
      { key: 'label', header: 'label' },
      { key: 'weight', header: 'weight', align: 'right' },
      { key: 'share', header: 'share', align: 'right' },
      { key: 'cumulative', header: 'cumulative', align: 'right' },
    ],
    rows: result.top.map((h, i) => {
      cumulative += h.weight
      return {
        rank: i + 1,
        address: h.address,
        label: r.names.get(h.address) ?? null,
        weight: h.weight.toString(),
        share: percent(h.share),
        cumulative: percent(share(cumulative, result.total)),
      }
    }),
    notes: [snapshotVotesNote(measured) ?? scaleNote(measured.scale), ...labelsNotes(r.labels)].filter((n): n is string => n !== undefined),
  }
}

const CSV_COLUMNS = [
  'kind', 'rank', 'address', 'label', 'weight', 'share', 'members',
  'dao', 'basis', 'block', 'proposal', 'source', 'threshold', 'thresholdRatio', 'denominator', 'total', 'population', 'nakamoto', 'scale',
] as const

/** Long format: a `summary` row, one `top` row per holder, then `merged`/`excluded` rows; context repeated on each. */
function csvView(r: NakamotoReport): Tabular {
  const j = nakamotoJson(r)
  const context = {
    dao: j.dao, basis: j.basis, block: j.block, proposal: j.proposal, source: j.source, threshold: j.threshold, thresholdRatio: j.thresholdRatio,
    denominator: j.denominator, total: j.total.toString(), population: j.population, nakamoto: j.nakamoto, scale: j.scale,
  }
  const rows = [
    { kind: 'summary', weight: j.topWeight.toString(), share: j.topShare },
    ...j.top.map((t, i) => ({ kind: 'top', rank: i + 1, address: t.address, label: t.label, weight: t.weight.toString(), share: t.share })),
    ...labelsCsvRows(r.labels),
  ].map((row) => ({ ...row, ...context }))
  return { columns: CSV_COLUMNS.map((key) => ({ key, header: key })), rows }
}

export function renderNakamoto(r: NakamotoReport, format: Format): string {
  return render(format, format === 'csv' ? csvView(r) : tableView(r, format === 'markdown'), nakamotoJson(r))
}
