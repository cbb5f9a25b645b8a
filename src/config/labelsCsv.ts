/**
 * The labels CSV of `--labels FILE` (DESIGN §7): `address,label[,entity][,exclude]`.
 * Parsing lives with the other input files; what labels do to weights is analysis/labels.ts.
 */
import { UsageError } from '../errors.js'
import type { LabelRow } from '../analysis/labels.js'
import { splitCsvLine } from './csvLine.js'

export type ParseLabelsCsvParameters = {
  text: string
  /** Named in error messages, e.g. the file path. Default `labels`. */
  source?: string
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/
const TRUE = new Set(['true', 'yes', 'y', '1', 'x', 'exclude', 'excluded'])
const FALSE = new Set(['', 'false', 'no', 'n', '0'])

/**
 * Parse `address,label[,entity][,exclude]` rows (DESIGN §7). Blank lines and lines
 * starting with `#` are skipped; a first row whose first field is `address` is a header.
 * Fields may be double-quoted (`"Coinbase, Inc."`, `""` for a quote); a field cannot span
 * lines. `exclude` is true/yes/y/1/x/exclude or false/no/n/0/empty. Addresses are
 * returned lowercase. Throws UsageError naming the source and line for a bad address, a
 * missing label, a bad exclude value, more than four fields, an unclosed quote, or an
 * address labelled twice.
 */
export function parseLabelsCsv({ text, source = 'labels' }: ParseLabelsCsvParameters): LabelRow[] {
  const rows: LabelRow[] = []
  const seen = new Map<string, number>()
  let first = true
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = index + 1
    const fail = (what: string) => new UsageError(`${source} line ${line}: ${what}`)
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue
    const fields = splitCsvLine(raw)
    if (fields === undefined) throw fail('unclosed double quote')
    const [address = '', label = '', entity = '', exclude = ''] = fields.map((f) => f.trim())
    if (first) {
      first = false
      if (address.toLowerCase() === 'address') continue
    }
    if (fields.length > 4) throw fail(`expected address,label[,entity][,exclude]; got ${fields.length} fields`)
    if (!ADDRESS.test(address)) throw fail(`address must be 0x followed by 40 hex digits; got ${JSON.stringify(address)}`)
    if (label === '') throw fail(`label of ${address} is empty`)
    const flag = exclude.toLowerCase()
    if (!TRUE.has(flag) && !FALSE.has(flag)) throw fail(`exclude must be true or false; got ${JSON.stringify(exclude)}`)
    const key = address.toLowerCase()
    const previous = seen.get(key)
    if (previous !== undefined) throw fail(`${key} is already labelled on line ${previous}`)
    seen.set(key, line)
    rows.push({
      address: key,
      label,
      ...(entity === '' ? {} : { entity }),
      ...(TRUE.has(flag) ? { exclude: true } : {}),
      line,
    })
  }
  return rows
}
