/**
 * Rendering for `govaudit report`: one screen per DAO — the Nakamoto coefficient and
 * concentration on each basis, the largest delegates and where the supply's votes go, and
 * the whale-decided summary of the most recent proposals of each source side by side.
 * Every figure says its basis, block and denominator; a basis or source the DAO lacks is
 * shown as unavailable with the reason. JSON reuses the `nakamoto`, `concentration` and
 * `decisive` shapes for its parts (amounts as decimal strings).
 */
import type { LorenzResult } from '../analysis/lorenz.js'
import type { DelegationFlowsResult, FlowPart } from '../analysis/delegationFlows.js'
import { share } from '../analysis/ratio.js'
import type { VoteSource } from '../store/voteSources.js'
import { UsageError } from '../errors.js'
import { cut, toJson, type Tabular } from './format.js'
import { renderTable } from './table.js'
import { renderMarkdown } from './markdown.js'
import { nakamotoJson, type NakamotoReport } from './nakamoto.js'
import { concentrationJson, type ConcentrationReport } from './concentration.js'
import { decisiveJson, type DecisiveReport } from './decisive.js'
import { SNAPSHOT_FLOAT_NOTE, snapshotOutcomeText } from './decisiveSnapshot.js'
import { describeBasis, describeDenominator, populationNoun, scaleNote } from './basisText.js'
import { labelsNotes } from './labelsNote.js'
import { percent } from './percent.js'
import { titleBlock } from './titleBlock.js'

export const REPORT_FORMATS = ['table', 'markdown', 'json'] as const
export type ReportFormat = (typeof REPORT_FORMATS)[number]

export function parseReportFormat(value: string): ReportFormat {
  if ((REPORT_FORMATS as readonly string[]).includes(value)) return value as ReportFormat
  throw new UsageError(`--format of report must be one of ${REPORT_FORMATS.join(', ')}; got "${value}".`)
}

export type ReportBasis = 'voting-power' | 'balance' | 'imported'

export type TopHolder = { address: string; label: string | null; weight: bigint; share: number }

export type BasisSection =
  | { basis: ReportBasis; available: false; reason: string }
  | {
      basis: ReportBasis
      available: true
      nakamoto: NakamotoReport
      concentration: ConcentrationReport
      /** After labels, over the holders with weight > 0. */
      lorenz: LorenzResult
      /** The largest holders after labels; share of the Nakamoto denominator. */
      top: TopHolder[]
    }

export type DelegationSection =
  | { available: false; reason: string }
  | { available: true; block: number; flows: DelegationFlowsResult; names: ReadonlyMap<string, string> }

export type ProposalSourceSection =
  | { source: VoteSource; status: 'none'; stored: 0; reason: string }
  /** `decisive` holds only the most recent proposals (newest first) and their summary. */
  | { source: VoteSource; status: 'computed'; stored: number; decisive: DecisiveReport }

export type ReportModel = {
  dao: string
  /** Token block of the holder bases and delegation flows; null when the DAO has none. */
  block: number | null
  /** Most recent proposals per source. */
  recent: number
  whales: number
  labelsFile: string | null
  bases: BasisSection[]
  delegation: DelegationSection
  proposals: ProposalSourceSection[]
}

const flowJson = (part: FlowPart, total: bigint) => ({ weight: part.weight, share: share(part.weight, total), holders: part.holders })

function sourceJson(s: ProposalSourceSection) {
  const none = { decided: null, whaleDecided: null, whaleDecidedShare: null, whaleDecidedRatio: null, inexact: null, unassessed: null }
  switch (s.status) {
    case 'none':
      return { source: s.source, status: s.status, reason: s.reason, stored: 0, shown: 0, ...none, proposals: [] }
    case 'computed': {
      const j = decisiveJson(s.decisive)
      return {
        source: s.source,
        status: s.status,
        reason: null,
        stored: s.stored,
        shown: j.proposals.length,
        decided: j.decided,
        whaleDecided: j.whaleDecided,
        whaleDecidedShare: j.whaleDecidedShare,
        whaleDecidedRatio: j.whaleDecidedRatio,
        inexact: j.inexact,
        /** Shown proposals with no known counting rule (imported votes): left out of the share. */
        unassessed: j.unassessed,
        proposals: j.proposals,
      }
    }
  }
}

export function reportJson(r: ReportModel) {
  const d = r.delegation
  return {
    dao: r.dao,
    block: r.block,
    labelsFile: r.labelsFile,
    bases: r.bases.map((b) =>
      b.available
        ? {
            basis: b.basis,
            available: true as const,
            reason: null,
            nakamoto: nakamotoJson(b.nakamoto),
            concentration: concentrationJson(b.concentration),
            topHolders: b.top,
            lorenz: { population: b.lorenz.population, total: b.lorenz.total, points: b.lorenz.curve },
          }
        : { basis: b.basis, available: false as const, reason: b.reason },
    ),
    delegation: d.available
      ? {
          available: true as const,
          reason: null,
          block: d.block,
          denominator: 'total-supply',
          totalSupply: d.flows.totalSupply,
          totalVotingPower: d.flows.totalVotingPower,
          selfDelegated: flowJson(d.flows.selfDelegated, d.flows.totalSupply),
          delegatedToOthers: flowJson(d.flows.delegatedToOthers, d.flows.totalSupply),
          undelegated: flowJson(d.flows.undelegated, d.flows.totalSupply),
          delegates: d.flows.delegates,
          topDelegates: d.flows.topDelegates.map((t) => ({
            address: t.address,
            label: d.names.get(t.address) ?? null,
            votingPower: t.votingPower,
            share: share(t.votingPower, d.flows.totalVotingPower),
            delegators: t.delegators,
            selfDelegated: t.selfDelegated,
            delegatedBalance: t.delegatedBalance,
          })),
        }
      : { available: false as const, reason: d.reason },
    proposals: { recent: r.recent, whales: r.whales, sources: r.proposals.map(sourceJson) },
  }
}

type ReportJson = ReturnType<typeof reportJson>

/** Long ids (256-bit Governor hashes, Snapshot's 0x…) cut to their ends in human formats; JSON keeps them whole. */
function shortId(id: string): string {
  return id.length <= 14 ? id : `${id.slice(0, 6)}…${id.slice(-4)}`
}


const SOURCE_NAME: Record<VoteSource, string> = { governor: 'Governor', snapshot: 'Snapshot', import: 'imported votes' }

function bases(r: ReportModel, j: ReportJson, markdown: boolean): Tabular {
  const lines: [string, string][] = [
    ['holders', r.block === null ? 'no token blocks' : `at block ${r.block}`],
    ['threshold', 'Nakamoto: the fewest holders with more than 1/2 (50%) of the denominator'],
    ['proposals', `the ${r.recent} most recent of each source; whale-decided = decided by at most ${r.whales} voter(s)`],
  ]
  if (r.labelsFile !== null) lines.push(['labels', `${r.labelsFile} (merged entities count as one holder; excluded addresses leave the population and the denominator)`])
  return {
    title: titleBlock(`Governance report for ${r.dao}`, lines, markdown),
    columns: [
      { key: 'basis', header: 'basis' },
      { key: 'nakamoto', header: 'nakamoto', align: 'right' },
      { key: 'denominator', header: 'denominator' },
      { key: 'population', header: 'population' },
      { key: 'gini', header: 'Gini', align: 'right' },
      { key: 'hhi', header: 'HHI', align: 'right' },
      { key: 'top10', header: 'top-10', align: 'right' },
    ],
    rows: r.bases.map((b, i) => {
      const x = j.bases[i]!
      if (!b.available || !x.available)
        return { basis: b.basis, nakamoto: null, denominator: `unavailable: ${x.reason}`, population: null, gini: null, hhi: null, top10: null }
      const m = b.nakamoto.measured
      return {
        basis: describeBasis(m),
        nakamoto: x.nakamoto.nakamoto === null ? 'none' : x.nakamoto.nakamoto,
        denominator: `${describeDenominator(m)} = ${x.nakamoto.total}`,
        population: `${x.concentration.population} ${populationNoun(m)}`,
        gini: x.concentration.gini.toFixed(4),
        hhi: x.concentration.hhi.toFixed(1),
        top10: percent(x.concentration.top10),
      }
    }),
    // Labels change each basis's population differently: stated per basis (DESIGN §7).
    notes: r.bases.flatMap((b) =>
      b.available
        ? [scaleNote(b.nakamoto.measured.scale), ...labelsNotes(b.nakamoto.labels)].flatMap((n) => (n === undefined ? [] : [`${describeBasis(b.nakamoto.measured)}: ${n}`]))
        : [],
    ),
  }
}

function delegates(j: ReportJson): Tabular | undefined {
  const d = j.delegation
  if (!d.available) return undefined
  return {
    title: `Largest delegates: voting power at block ${d.block}; share of the total voting power ${d.totalVotingPower} (${d.delegates} delegates)`,
    columns: [
      { key: 'rank', header: '#', align: 'right' },
      { key: 'address', header: 'delegate' },
      { key: 'label', header: 'label' },
      { key: 'votingPower', header: 'voting power', align: 'right' },
      { key: 'share', header: 'share', align: 'right' },
      { key: 'delegators', header: 'delegators', align: 'right' },
      { key: 'self', header: 'self' },
    ],
    rows: d.topDelegates.map((t, i) => ({
      rank: i + 1,
      address: t.address,
      label: t.label,
      votingPower: t.votingPower.toString(),
      share: percent(t.share),
      delegators: t.delegators,
      self: t.selfDelegated ? 'yes' : 'no',
    })),
    notes: ['delegators: other holders with a balance who delegate to it; self: it delegates its own balance to itself.'],
  }
}

function flows(j: ReportJson): Tabular {
  const d = j.delegation
  if (!d.available)
    return { title: 'Delegation flows', columns: [{ key: 'note', header: 'note' }], rows: [{ note: `unavailable: ${d.reason}` }] }
  const row = (flow: string, p: { weight: bigint; share: number; holders: number }) => ({ flow, balance: p.weight.toString(), share: percent(p.share), holders: p.holders })
  return {
    title: `Delegation flows: token balance at block ${d.block}; share of the total supply ${d.totalSupply} (sum of balances)`,
    columns: [
      { key: 'flow', header: 'balance that is' },
      { key: 'balance', header: 'balance', align: 'right' },
      { key: 'share', header: 'share', align: 'right' },
      { key: 'holders', header: 'holders', align: 'right' },
    ],
    rows: [row('self-delegated', d.selfDelegated), row('delegated to others', d.delegatedToOthers), row('undelegated (votes for no one)', d.undelegated)],
    notes: j.labelsFile === null ? [] : ['The whole supply: labels name delegates here but exclude no one.'],
  }
}

function whaleSummary(r: ReportModel, j: ReportJson): Tabular {
  return {
    title: `Whale-decided proposals: the ${r.recent} most recent of each source; basis: votes cast on each proposal; share of the decided ones (passed or defeated)`,
    columns: [
      { key: 'source', header: 'source' },
      { key: 'stored', header: 'stored', align: 'right' },
      { key: 'shown', header: 'shown', align: 'right' },
      { key: 'decided', header: 'decided', align: 'right' },
      { key: 'whaleDecided', header: `decided by ≤ ${r.whales}`, align: 'right' },
      { key: 'share', header: 'share', align: 'right' },
      { key: 'note', header: 'note' },
    ],
    rows: j.proposals.sources.map((s) => ({
      source: SOURCE_NAME[s.source],
      stored: s.stored,
      shown: s.shown,
      decided: s.decided,
      whaleDecided: s.whaleDecided,
      share: s.whaleDecidedShare === null || s.decided === 0 ? null : percent(s.whaleDecidedShare, 1),
      note:
        s.reason ??
        ([s.unassessed ? `${s.unassessed} without a counting rule, left out (see govaudit decisive --rule)` : '', s.inexact ? `${s.inexact} count(s) an upper bound` : '']
          .filter(Boolean)
          .join('; ') || null),
    })),
  }
}

/**
 * Titles are written by whoever made the proposal; forum Markdown (Discourse, …) renders
 * inline HTML, so in Markdown their markup is written as entities, which display as typed.
 */
const markdownText = (text: string | null) => (text === null ? null : text.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;')))

function proposalRows(j: ReportJson, { markdown, titleWidth }: ReportTablesOptions): Tabular | undefined {
  const shown = j.proposals.sources.flatMap((s) => s.proposals)
  if (shown.length === 0) return undefined
  const notes: string[] = []
  if (shown.some((p) => p.source === 'snapshot'))
    notes.push(`${SNAPSHOT_FLOAT_NOTE} Their decisive counts are exact for single-choice and basic, a greedy upper bound (≤) for other types; labels do not apply to them.`)
  if (shown.some((p) => !p.assessed))
    notes.push('not computed: no counting rule is known (imported votes without `decisive --rule`, or a Snapshot type this version does not score); left out of the share.')
  return {
    title: 'Recent proposals, newest first (full ids in --format json)',
    columns: [
      { key: 'source', header: 'source' },
      { key: 'id', header: 'id' },
      { key: 'title', header: 'title' },
      { key: 'outcome', header: 'outcome' },
      { key: 'voters', header: 'voters', align: 'right' },
      { key: 'decisive', header: 'decisive', align: 'right' },
      { key: 'whale', header: 'whale' },
    ],
    rows: shown.map((p) => ({
      source: SOURCE_NAME[p.source],
      id: shortId(p.id),
      title: markdown ? markdownText(cut(p.title, titleWidth)) : cut(p.title, titleWidth),
      outcome: 'scores' in p ? snapshotOutcomeText(p) : p.assessed ? p.outcome : `${p.outcome} (assumed)`,
      voters: p.voters,
      decisive: !p.assessed ? 'not computed' : p.decisive === null ? null : `${p.decisive}${p.exact ? '' : ' (≤)'}`,
      whale: !p.assessed ? 'not computed' : p.decisive === null ? null : p.whaleDecided ? 'yes' : 'no',
    })),
    notes,
  }
}

export type ReportTablesOptions = {
  /** Context lines as a Markdown list rather than indented text. */
  markdown: boolean
  /** Proposal titles longer than this are cut (a terminal); Infinity keeps them whole (HTML). */
  titleWidth: number
}

/** The report's sections as tables, in screen order. */
export function reportTables(r: ReportModel, { markdown, titleWidth }: ReportTablesOptions): Tabular[] {
  const j = reportJson(r)
  return [bases(r, j, markdown), delegates(j), flows(j), whaleSummary(r, j), proposalRows(j, { markdown, titleWidth })].filter((t): t is Tabular => t !== undefined)
}

export function renderReport(r: ReportModel, format: ReportFormat): string {
  if (format === 'json') return toJson(reportJson(r))
  const render = format === 'markdown' ? renderMarkdown : renderTable
  return reportTables(r, { markdown: format === 'markdown', titleWidth: 40 }).map(render).join('\n\n')
}
