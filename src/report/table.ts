/** Terminal tables; the only module that uses cli-table3. */
import Table from 'cli-table3'
import type { Tabular } from './format.js'

export function renderTable(t: Tabular): string {
  const table = new Table({
    head: t.columns.map((c) => c.header),
    colAligns: t.columns.map((c) => c.align ?? 'left'),
    style: { head: [], border: [] }, // no ANSI colours: output is often piped or captured
  })
  for (const row of t.rows) table.push(t.columns.map((c) => (row[c.key] === null ? '-' : String(row[c.key]))))
  return [t.title, table.toString(), ...(t.notes ?? [])].filter((x) => x !== undefined).join('\n')
}
