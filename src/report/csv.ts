/** RFC 4180 CSV: a header row of column keys, quoting only where needed. */
import type { Cell, Tabular } from './format.js'

function field(v: Cell): string {
  if (v === null) return ''
  const s = String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

export function renderCsv(t: Tabular): string {
  const lines = [t.columns.map((c) => field(c.key)).join(',')]
  for (const row of t.rows) lines.push(t.columns.map((c) => field(row[c.key] ?? null)).join(','))
  return lines.join('\n')
}
