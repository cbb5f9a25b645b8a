/** Rendering for `govaudit rebuild`. */
import type { RebuildResult } from '../sync/rebuild.js'
import type { Format, Tabular } from './format.js'
import { render } from './render.js'

export function renderRebuild(r: RebuildResult, format: Format): string {
  const tabular: Tabular = {
    title: `Derived tables of ${r.dao}, rebuilt from ${r.events} raw token events and the stored votes`,
    columns: [
      { key: 'table', header: 'table' },
      { key: 'stored', header: 'stored rows', align: 'right' },
      { key: 'rebuilt', header: 'rebuilt rows', align: 'right' },
      { key: 'differing', header: 'rows differing', align: 'right' },
    ],
    rows: r.tables.map((t) => ({ table: t.table, stored: t.stored, rebuilt: t.rebuilt, differing: t.differing })),
    // A difference is said on stderr, as a warning (src/cli/commands/rebuild.ts), not twice.
    notes: rebuildDiffers(r) ? [] : [rebuildSummary(r)],
  }
  return render(format, tabular, { dao: r.dao, events: r.events, identical: !rebuildDiffers(r), replaced: r.replaced, tables: r.tables })
}

/** Whether any derived row differs from its rebuilt form. */
export const rebuildDiffers = (r: RebuildResult): boolean => r.tables.some((t) => t.differing > 0)

/** One sentence: identical, or what differed and whether the stored rows were replaced. */
export function rebuildSummary(r: RebuildResult): string {
  if (!rebuildDiffers(r)) return 'Identical: every derived row follows from the raw rows, bit for bit.'
  const differing = r.tables.filter((t) => t.differing > 0).map((t) => `${t.table} (${t.differing})`).join(', ')
  return r.replaced
    ? `Rows differed in ${differing} (a changed row counts twice) and were replaced by the rebuilt ones: the stored derived rows did not follow from the raw rows.`
    : `Rows differ in ${differing} (a changed row counts twice): the stored derived rows do not follow from the raw rows; nothing was changed (--check). Run \`govaudit rebuild\` without --check to replace them.`
}
