/** Human text for `govaudit import` (stderr): what was stored, what it replaced, and the scale. */
import type { ImportDataResult } from '../store/imports.js'

export type ImportSummaryInput = { result: ImportDataResult; votesFile?: string; holdersFile?: string; dbPath: string }

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

const scaleText = (scale: number) =>
  scale === 0 ? 'integer weights, stored as given' : `weights had up to ${scale} decimal place(s): stored × 10^${scale} as exact integers`

export function renderImportSummary({ result: r, votesFile, holdersFile, dbPath }: ImportSummaryInput): string {
  const lines = [
    `${r.dao.name}: ${r.created ? 'created (imported DAO)' : `updated (${r.kind} DAO)`} in ${dbPath}`,
  ]
  if (r.votes) {
    const v = r.votes
    lines.push(`  votes from ${votesFile}: ${plural(v.rows, 'row')} on ${plural(v.proposals.length, 'proposal')}; ${scaleText(v.scale)}`)
    if (v.replacedProposals.length)
      lines.push(`  replaced the earlier votes of ${plural(v.replacedProposals.length, 'proposal')} (${plural(v.replacedRows, 'row')}): ${v.replacedProposals.join(', ')}`)
  }
  if (r.holders) {
    const h = r.holders
    lines.push(`  holders from ${holdersFile}: ${plural(h.rows, 'row')}; ${scaleText(h.scale)}`)
    if (h.replacedRows) lines.push(`  replaced the earlier holder list (${plural(h.replacedRows, 'row')})`)
  }
  return lines.join('\n')
}
