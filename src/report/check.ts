/**
 * `govaudit check`: which thresholds hold, which are breached and by how much, from the
 * numbers the analysis measured. A breach is a result (exit 1), not an error; a
 * threshold that cannot be assessed (no decided proposal with a known counting rule) is
 * reported as `not-assessed` and does not count as a breach.
 *
 * JSON (README "CI check"): { dao, ok, breached: [names], checks: [ { name, status,
 * message, ... } ], labelsFile }. Amounts are decimal strings; shares are floats with the
 * exact ratio beside them as "num/den".
 */
import { ratioToNumber, reduceRatio, type Ratio } from '../analysis/ratio.js'
import type { SummarizeDecisiveResult } from '../analysis/summarizeDecisive.js'
import type { Cell, Format, Tabular } from './format.js'
import { render } from './render.js'
import { nakamotoJson, type NakamotoReport } from './nakamoto.js'
import { describeBasis, describeDenominator } from './basisText.js'
import { labelsJson, labelsNotes } from './labelsNote.js'
import { percent } from './percent.js'
import { SNAPSHOT_FLOAT_NOTE } from './decisiveSnapshot.js'

export type CheckStatus = 'ok' | 'breached' | 'not-assessed'

/** What `--min-nakamoto` measured. */
export type NakamotoCheckInput = { required: number; report: NakamotoReport }

/** Why no proposal could be assessed for `--max-whale-decided`. */
export type WhaleScopeReason = 'no-proposals' | 'none-in-range' | 'no-rule' | 'none-decided'

/** What `--max-whale-decided` measured over the proposals in scope. */
export type WhaleCheckInput = {
  max: Ratio
  whales: number
  summary: SummarizeDecisiveResult
  /** Proposals stored for the DAO (in the chosen source), before --since / --proposal. */
  stored: number
  /** In scope: all, the one --proposal, or those dated on or after --since. */
  inScope: number
  /** Left out by --since because their date is unknown (imported votes carry none). */
  undated: number
  /** In scope with a known counting rule (from the source or --rule). */
  assessed: number
  since: string | null
  proposal: string | null
  /** Ids of the whale-decided proposals in scope. */
  whaleDecidedIds: string[]
  /** Of the assessed, Snapshot proposals (their numbers are off-chain floats, said so). */
  snapshotAssessed?: number
}

export type CheckReport = {
  dao: string
  nakamoto?: NakamotoCheckInput
  whale?: WhaleCheckInput
  labelsFile: string | null
}

const SNAPSHOT_CHECK_NOTE = `${SNAPSHOT_FLOAT_NOTE} Their decisive voters are exact for single-choice and basic, a greedy upper bound for other types.`

const ratioText = (r: Ratio) => `${r.num}/${r.den}`

/** `a - b` exactly, reduced. */
function difference(a: Ratio, b: Ratio): Ratio {
  return reduceRatio({ num: a.num * b.den - b.num * a.den, den: a.den * b.den })
}

function nakamotoCheckJson({ required, report }: NakamotoCheckInput) {
  const j = nakamotoJson(report)
  const actual = j.nakamoto
  // k = null: no set of holders exceeds the threshold (e.g. nothing delegated) — not a breach.
  const breached = actual !== null && actual < required
  const where = `${describeBasis(report.measured)}, more than ${percent(j.threshold)} of ${describeDenominator(report.measured)}`
  return {
    name: 'min-nakamoto' as const,
    status: (breached ? 'breached' : 'ok') as CheckStatus,
    required,
    actual,
    shortBy: breached ? required - actual : 0,
    basis: j.basis,
    block: j.block,
    denominator: j.denominator,
    threshold: j.threshold,
    thresholdRatio: j.thresholdRatio,
    total: j.total,
    population: j.population,
    top: j.top.map((t) => t.address),
    labels: labelsJson(report.labels),
    message:
      actual === null
        ? `no set of holders exceeds the threshold (${where}); at least ${required} required: holds`
        : breached
          ? `Nakamoto coefficient ${actual} is below the required ${required} (short by ${required - actual}): ${where}`
          : `Nakamoto coefficient ${actual} meets the required ${required}: ${where}`,
  }
}

function scopeReason(w: WhaleCheckInput): WhaleScopeReason {
  if (w.stored === 0) return 'no-proposals'
  if (w.inScope === 0) return 'none-in-range'
  if (w.assessed === 0) return 'no-rule'
  return 'none-decided'
}

const REASON_TEXT: Record<WhaleScopeReason, (w: WhaleCheckInput) => string> = {
  'no-proposals': () => 'the DAO has no stored proposals',
  'none-in-range': (w) =>
    `no proposal is dated on or after ${w.since}${w.undated ? ` (${w.undated} undated proposal(s) left out: imported votes carry no date)` : ''}`,
  'no-rule': (w) =>
    `none of the ${w.inScope} proposal(s) in scope has a known counting rule (imported votes: pass --rule bravo|oz-simple|oz-bravo-quorum and --quorum N)`,
  'none-decided': (w) => `none of the ${w.assessed} assessed proposal(s) was decided (passed or defeated)`,
}

function whaleCheckJson(w: WhaleCheckInput) {
  const s = w.summary
  const limit = `at most ${percent(ratioToNumber(w.max))} (${ratioText(w.max)}) allowed`
  const common = {
    name: 'max-whale-decided' as const,
    max: ratioToNumber(w.max),
    maxRatio: ratioText(w.max),
    whales: w.whales,
    decided: s.decided,
    whaleDecided: s.whaleDecided,
    inexact: s.inexact,
    proposals: w.stored,
    inScope: w.inScope,
    assessed: w.assessed,
    unassessed: w.inScope - w.assessed,
    undated: w.undated,
    since: w.since,
    proposal: w.proposal,
    whaleDecidedProposals: w.whaleDecidedIds,
    ...(w.snapshotAssessed ? { snapshot: { assessed: w.snapshotAssessed, note: SNAPSHOT_CHECK_NOTE } } : {}),
  }
  if (s.decided === 0) {
    const reason = scopeReason(w)
    return {
      ...common,
      status: 'not-assessed' as CheckStatus,
      actual: null,
      actualRatio: null,
      excess: 0,
      excessRatio: '0/1',
      reason,
      message: `no assessable proposal: ${REASON_TEXT[reason](w)}; not counted as a breach`,
    }
  }
  const actual = s.whaleDecidedRatio
  const breached = actual.num * w.max.den > w.max.num * actual.den
  const excess = breached ? difference(actual, w.max) : { num: 0n, den: 1n }
  const measured = `${s.whaleDecided} of ${s.decided} decided proposal(s) (${percent(s.whaleDecidedShare)}) decided by at most ${w.whales} voter(s)`
  return {
    ...common,
    status: (breached ? 'breached' : 'ok') as CheckStatus,
    actual: s.whaleDecidedShare,
    actualRatio: ratioText(actual),
    excess: ratioToNumber(excess),
    excessRatio: ratioText(excess),
    reason: null,
    message: breached
      ? `${measured}, ${limit}: over by ${percent(ratioToNumber(excess))} (${ratioText(excess)})`
      : `${measured}; ${limit}`,
  }
}

function checkJson(r: CheckReport) {
  const checks = [
    ...(r.nakamoto ? [nakamotoCheckJson(r.nakamoto)] : []),
    ...(r.whale ? [whaleCheckJson(r.whale)] : []),
  ]
  const breached = checks.filter((c) => c.status === 'breached').map((c) => c.name)
  return {
    dao: r.dao,
    ok: breached.length === 0,
    breached,
    checks,
    labelsFile: r.labelsFile,
  }
}

/** Whether any threshold is breached: the command's exit code is 1 when true. */
export const isBreached = (r: CheckReport) => !checkJson(r).ok

const STATUS_TEXT: Record<CheckStatus, string> = { ok: 'ok', breached: 'BREACHED', 'not-assessed': 'not assessed' }

function tabular(r: CheckReport, format: Format): Tabular {
  const j = checkJson(r)
  const rows: Record<string, Cell>[] = j.checks.map((c) =>
    c.name === 'min-nakamoto'
      ? { check: c.name, status: STATUS_TEXT[c.status], actual: c.actual ?? 'none', limit: `>= ${c.required}`, by: c.shortBy || null, detail: c.message }
      : {
          check: c.name,
          status: STATUS_TEXT[c.status],
          actual: c.actual === null ? null : `${percent(c.actual)} (${c.actualRatio})`,
          limit: `<= ${percent(c.max)} (${c.maxRatio})`,
          by: c.status === 'breached' ? `${percent(c.excess)} (${c.excessRatio})` : null,
          detail: c.message,
        },
  )
  // A terminal table stays narrow: the sentences go under it.
  const wide = format !== 'table'
  const count = (status: CheckStatus) => j.checks.filter((c) => c.status === status).length
  const tally = [`${count('ok')} hold${count('ok') === 1 ? 's' : ''}`, `${count('breached')} breached`, `${count('not-assessed')} not assessed`]
    .filter((t) => !t.startsWith('0 '))
    .join(', ')
  const headline = j.ok
    ? `Check of ${j.dao}: ok — ${tally}`
    : `Check of ${j.dao}: BREACHED (${j.breached.join(', ')}) — ${tally}`
  return {
    title: format === 'csv' ? undefined : headline,
    columns: [
      { key: 'check', header: 'check' },
      { key: 'status', header: 'status' },
      { key: 'actual', header: 'actual', align: 'right' },
      { key: 'limit', header: 'limit', align: 'right' },
      { key: 'by', header: 'by', align: 'right' },
      ...(wide ? [{ key: 'detail', header: 'detail' }] : []),
    ],
    rows,
    notes:
      format === 'csv'
        ? undefined
        : [
            ...(wide ? [] : j.checks.map((c) => `${c.name}: ${c.message}.`)),
            ...(r.nakamoto ? labelsNotes(r.nakamoto.report.labels) : []),
            ...(r.whale?.snapshotAssessed ? [`${r.whale.snapshotAssessed} of the assessed proposal(s) are Snapshot's: ${SNAPSHOT_CHECK_NOTE}`] : []),
          ],
  }
}

export function renderCheck(r: CheckReport, format: Format): string {
  return render(format, tabular(r, format), checkJson(r))
}
