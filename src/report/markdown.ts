/** GitHub-flavoured Markdown tables, for pasting into forum posts and PRs. */
import type { Cell, Tabular } from './format.js'

const cell = (v: Cell) => (v === null ? '-' : String(v).replace(/\|/g, '\\|').replace(/\r?\n/g, ' '))

export function renderMarkdown(t: Tabular): string {
  const out: string[] = []
  if (t.title) out.push(`### ${t.title}`, '')
  out.push(`| ${t.columns.map((c) => cell(c.header)).join(' | ')} |`)
  out.push(`| ${t.columns.map((c) => (c.align === 'right' ? '---:' : '---')).join(' | ')} |`)
  for (const row of t.rows) out.push(`| ${t.columns.map((c) => cell(row[c.key] ?? null)).join(' | ')} |`)
  if (t.notes?.length) out.push('', ...t.notes.map((n) => `_${n}_`))
  return out.join('\n')
}
