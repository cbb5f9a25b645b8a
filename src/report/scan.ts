/**
 * Rendering for `govaudit scan`: one row per DAO (Nakamoto coefficient on voting power and
 * on balances, Gini and HHI of voting power, the whale-decided share of its governor
 * proposals, proposals, voters, block) or the reason it failed. Each figure comes from
 * the same JSON the single-DAO command prints (nakamotoJson, concentrationJson,
 * decisiveJson), so the two cannot disagree; the header / JSON state basis and threshold.
 */
import type { ScanConfigEcho } from '../config/scanConfig.js'
import type { Cell, Format, Tabular } from './format.js'
import { render } from './render.js'
import { nakamotoJson, type NakamotoReport } from './nakamoto.js'
import { concentrationJson, type ConcentrationReport } from './concentration.js'
import { decisiveJson, type DecisiveReport } from './decisive.js'
import { percent } from './percent.js'
import { titleBlock } from './titleBlock.js'

export type ScanMetrics = {
  votingPower: NakamotoReport
  balance: NakamotoReport
  /** Of voting power, at the same block. */
  concentration: ConcentrationReport
  /** Null when the DAO has no governor proposals. */
  decisive: DecisiveReport | null
  proposals: number
  /** Distinct addresses that voted on any governor proposal. */
  voters: number
}

export type ScanRowInput = {
  name: string
  /** Null when the DAO failed before its database was opened. */
  database: string | null
  chainId: number | null
  measured: ScanMetrics | null
  error: { code: number; message: string } | null
}

export type ScanReport = {
  /** ISO 8601. */
  generatedAt: string
  config: ScanConfigEcho
  rows: ScanRowInput[]
}

function nakamotoBasis(r: NakamotoReport) {
  const j = nakamotoJson(r)
  return { k: j.nakamoto, threshold: j.threshold, thresholdRatio: j.thresholdRatio, denominator: j.denominator, total: j.total, population: j.population, block: j.block }
}

function rowJson(row: ScanRowInput, r: ScanReport) {
  const m = row.measured
  const echo = r.config.daos.find((d) => d.name === row.name)
  const c = m && concentrationJson(m.concentration)
  const d = m?.decisive ? decisiveJson(m.decisive) : null
  return {
    dao: row.name,
    preset: echo?.preset ?? null,
    chainId: row.chainId,
    token: echo?.token ?? null,
    database: row.database,
    block: m ? m.votingPower.measured.blockNumber : null,
    nakamoto: m ? { votingPower: nakamotoBasis(m.votingPower), balance: nakamotoBasis(m.balance) } : null,
    gini: c?.gini ?? null,
    hhi: c?.hhi ?? null,
    concentration: c && { basis: c.basis, block: c.block, population: c.population, total: c.total, giniExact: c.giniExact, hhiExact: c.hhiExact },
    whales: r.config.whales,
    proposalSource: 'governor' as const,
    whaleDecidedShare: d?.whaleDecidedShare ?? null,
    whaleDecidedRatio: d?.whaleDecidedRatio ?? null,
    decided: d?.decided ?? (m ? 0 : null),
    whaleDecided: d?.whaleDecided ?? (m ? 0 : null),
    proposals: m?.proposals ?? null,
    voters: m?.voters ?? null,
    error: row.error,
  }
}

function scanJson(r: ScanReport) {
  return { generatedAt: r.generatedAt, config: r.config, rows: r.rows.map((row) => rowJson(row, r)) }
}

const CSV_COLUMNS = [
  'dao', 'preset', 'chainId', 'block', 'threshold', 'thresholdRatio', 'nakamotoVotingPower', 'nakamotoBalance',
  'giniVotingPower', 'hhiVotingPower', 'whales', 'whaleDecidedShare', 'decided', 'whaleDecided', 'proposals', 'voters',
  'database', 'errorCode', 'error',
] as const

/** One row per DAO; a failed DAO has only its identity, errorCode and error. */
function csvView(r: ScanReport): Tabular {
  const rows = scanJson(r).rows.map((j): Record<string, Cell> => ({
    dao: j.dao,
    preset: j.preset,
    chainId: j.chainId,
    block: j.block,
    threshold: j.nakamoto?.votingPower.threshold ?? null,
    thresholdRatio: j.nakamoto?.votingPower.thresholdRatio ?? null,
    nakamotoVotingPower: j.nakamoto?.votingPower.k ?? null,
    nakamotoBalance: j.nakamoto?.balance.k ?? null,
    giniVotingPower: j.gini,
    hhiVotingPower: j.hhi,
    whales: j.whales,
    whaleDecidedShare: j.whaleDecidedShare,
    decided: j.decided,
    whaleDecided: j.whaleDecided,
    proposals: j.proposals,
    voters: j.voters,
    database: j.database,
    errorCode: j.error?.code ?? null,
    error: j.error?.message ?? null,
  }))
  return { columns: CSV_COLUMNS.map((key) => ({ key, header: key })), rows }
}

function tableView(r: ScanReport, markdown: boolean): Tabular {
  const rows = scanJson(r).rows
  const failed = rows.filter((j) => j.error !== null)
  const k = (n: number | null | undefined) => (n === undefined ? null : n === null ? 'none' : n)
  return {
    title: titleBlock(
      `Scan of ${rows.length} DAO(s) from ${r.config.file}: ${rows.length - failed.length} measured, ${failed.length} failed`,
      [
        ['Nakamoto', `fewest holders with more than ${r.config.thresholdRatio} (${percent(r.config.threshold)}) of the total, at each DAO's block: VP = of total voting power, balance = of total supply`],
        ['Gini, HHI', 'of voting power, over the delegates with voting power > 0 (HHI 0..10000)'],
        ['whale-decided', `decided governor proposals that at most ${r.config.whales} voter(s) decided, of all decided`],
        ['voters', 'distinct addresses that voted on any governor proposal'],
      ],
      markdown,
    ),
    columns: [
      { key: 'dao', header: 'DAO' },
      { key: 'chainId', header: 'chain', align: 'right' },
      { key: 'block', header: 'block', align: 'right' },
      { key: 'nakamotoVotingPower', header: 'Nakamoto VP', align: 'right' },
      { key: 'nakamotoBalance', header: 'Nakamoto balance', align: 'right' },
      { key: 'gini', header: 'Gini VP', align: 'right' },
      { key: 'hhi', header: 'HHI VP', align: 'right' },
      { key: 'whaleDecided', header: 'whale-decided', align: 'right' },
      { key: 'proposals', header: 'proposals', align: 'right' },
      { key: 'voters', header: 'voters', align: 'right' },
      { key: 'status', header: 'status' },
    ],
    rows: rows.map((j) => ({
      dao: j.dao,
      chainId: j.chainId,
      block: j.block,
      nakamotoVotingPower: k(j.nakamoto?.votingPower.k),
      nakamotoBalance: k(j.nakamoto?.balance.k),
      gini: j.gini === null ? null : j.gini.toFixed(4),
      hhi: j.hhi === null ? null : j.hhi.toFixed(1),
      whaleDecided: j.whaleDecidedShare === null ? null : `${j.whaleDecided} of ${j.decided} (${percent(j.whaleDecidedShare, 1)})`,
      proposals: j.proposals,
      voters: j.voters,
      status: j.error ? `failed (exit ${j.error.code})` : 'ok',
    })),
    notes: [
      ...failed.map((j) => `${j.dao} failed (exit ${j.error!.code}): ${j.error!.message}`),
      ...(rows.length > failed.length ? [`Each DAO has its own database (the JSON's "database"): \`govaudit nakamoto <dao> --db <file>\` and the other commands read it.`] : []),
    ],
  }
}

export function renderScan(r: ScanReport, format: Format): string {
  return render(format, format === 'csv' ? csvView(r) : tableView(r, format === 'markdown'), scanJson(r))
}
