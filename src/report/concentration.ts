/**
 * Rendering for `govaudit concentration`: Gini (over which population), HHI (0..10000),
 * Shannon entropy (nats), top-1/5/10/100 shares, the Nakamoto coefficient over the same
 * total, population and total, plus labels.
 */
import type { ConcentrationResult } from '../analysis/concentration.js'
import type { ResolvedWeights } from '../store/weights.js'
import type { Format, Tabular } from './format.js'
import { render } from './render.js'
import { labelsCsvRows, labelsJson, labelsNotes, type LabelsUse } from './labelsNote.js'
import { describeBasis, populationNoun, scaleNote } from './basisText.js'
import { percent } from './percent.js'
import { titleBlock } from './titleBlock.js'

export type ConcentrationReport = {
  dao: string
  measured: Pick<ResolvedWeights, 'basis' | 'denominator' | 'blockNumber' | 'proposal' | 'scale'>
  result: ConcentrationResult
  labels: LabelsUse
}

export function concentrationJson(r: ConcentrationReport) {
  const { result: c, measured } = r
  return {
    dao: r.dao,
    basis: measured.basis,
    block: measured.blockNumber,
    proposal: measured.proposal?.id ?? null,
    source: measured.proposal?.source ?? null,
    population: c.population,
    /** Who every measure is over, in words (after labels). */
    populationDescription: populationNoun(measured),
    total: c.total,
    gini: c.gini,
    giniExact: `${c.giniExact.num}/${c.giniExact.den}`,
    hhi: c.hhi,
    hhiExact: `${c.hhiExact.num}/${c.hhiExact.den}`,
    entropy: c.entropy,
    entropyUnit: 'nats' as const,
    top1: c.top1,
    top5: c.top5,
    top10: c.top10,
    top100: c.top100,
    topWeight: c.topWeight,
    nakamoto: c.nakamoto,
    scale: measured.scale,
    labels: labelsJson(r.labels),
  }
}

function tableView(r: ConcentrationReport, markdown: boolean): Tabular {
  const { result: c, measured } = r
  const who = `${c.population} ${populationNoun(measured)}`
  const top = (n: 1 | 5 | 10 | 100, s: number, w: bigint) => ({
    measure: `top-${n} share`,
    value: percent(s),
    meaning: `the ${n === 1 ? 'largest holds' : `${n} largest hold`} ${w} of ${c.total}${c.population < n ? ` (only ${c.population} exist)` : ''}`,
  })
  return {
    title: titleBlock(
      `Concentration of ${r.dao}`,
      [
        ['basis', describeBasis(measured)],
        ['population', `${who}; total ${c.total}`],
      ],
      markdown,
    ),
    columns: [
      { key: 'measure', header: 'measure' },
      { key: 'value', header: 'value', align: 'right' },
      { key: 'meaning', header: 'meaning' },
    ],
    rows: [
      { measure: 'Gini', value: c.gini.toFixed(4), meaning: `over the ${who}: 0 = all equal, near 1 = one holds all` },
      { measure: 'HHI', value: c.hhi.toFixed(1), meaning: `0..10000 on shares; 10000 = one holder${c.population > 0 ? `, ${(10000 / c.population).toFixed(1)} if all ${c.population} were equal` : ''}` },
      { measure: 'entropy', value: c.entropy.toFixed(4), meaning: `nats (Shannon, natural log)${c.population > 0 ? `; ${Math.log(c.population).toFixed(4)} if all were equal` : ''}` },
      top(1, c.top1, c.topWeight.top1),
      top(5, c.top5, c.topWeight.top5),
      top(10, c.top10, c.topWeight.top10),
      top(100, c.top100, c.topWeight.top100),
      {
        measure: 'Nakamoto',
        value: c.nakamoto === null ? '—' : String(c.nakamoto),
        meaning: c.nakamoto === null ? 'nobody holds anything' : `the fewest ${populationNoun(measured)} holding more than half of ${c.total}`,
      },
    ],
    notes: [scaleNote(measured.scale), ...labelsNotes(r.labels)].filter((n): n is string => n !== undefined),
  }
}

const CSV_COLUMNS = [
  'kind', 'dao', 'basis', 'block', 'proposal', 'source', 'population', 'total', 'gini', 'hhi', 'entropy',
  'top1', 'top5', 'top10', 'top100', 'nakamoto', 'scale', 'address', 'label', 'weight', 'members',
] as const

/** A `summary` row with every measure, then `merged`/`excluded` label rows. */
function csvView(r: ConcentrationReport): Tabular {
  const j = concentrationJson(r)
  const summary = {
    kind: 'summary', dao: j.dao, basis: j.basis, block: j.block, proposal: j.proposal, source: j.source,
    population: j.population, total: j.total.toString(), gini: j.gini, hhi: j.hhi, entropy: j.entropy,
    top1: j.top1, top5: j.top5, top10: j.top10, top100: j.top100, nakamoto: j.nakamoto, scale: j.scale,
  }
  return {
    columns: CSV_COLUMNS.map((key) => ({ key, header: key })),
    rows: [summary, ...labelsCsvRows(r.labels).map((row) => ({ ...row, dao: j.dao }))],
  }
}

export function renderConcentration(r: ConcentrationReport, format: Format): string {
  return render(format, format === 'csv' ? csvView(r) : tableView(r, format === 'markdown'), concentrationJson(r))
}
