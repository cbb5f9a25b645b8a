/** Pick the renderer for a format; JSON takes the command's own structured value. */
import { toJson, type Format, type Tabular } from './format.js'
import { renderTable } from './table.js'
import { renderCsv } from './csv.js'
import { renderMarkdown } from './markdown.js'

export function render(format: Format, tabular: Tabular, json: unknown): string {
  switch (format) {
    case 'json':
      return toJson(json)
    case 'csv':
      return renderCsv(tabular)
    case 'markdown':
      return renderMarkdown(tabular)
    case 'table':
      return renderTable(tabular)
  }
}
