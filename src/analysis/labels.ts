import { UsageError } from '../errors.js'
import { byWeightDesc, type Weighted } from './weights.js'

/** What a labels CSV says about one address. */
export type Label = { label: string; entity?: string; exclude?: boolean }

export type LabelRow = Label & { address: string; line: number }

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

/** Split one CSV line; undefined when a quote is left open. */
function splitCsvLine(line: string): string[] | undefined {
  const fields: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      fields.push(field)
      field = ''
    } else field += c
  }
  if (quoted) return undefined
  fields.push(field)
  return fields
}

/** Rows as the map applyLabels takes, keyed by lowercase address. */
export function labelMap(rows: readonly LabelRow[]): Map<string, Label> {
  return new Map(rows.map(({ address, label, entity, exclude }) => [
    address,
    { label, ...(entity === undefined ? {} : { entity }), ...(exclude ? { exclude } : {}) },
  ]))
}

export type ApplyLabelsParameters = {
  weights: readonly Weighted[]
  /** Keyed by address, compared lowercase. */
  labels: ReadonlyMap<string, Label>
}

export type ExcludedWeight = { address: string; label: string; weight: bigint }
export type MergedEntity = { entity: string; address: string; addresses: string[]; weight: bigint }

export type ApplyLabelsResult = {
  /** Weights after merging and excluding, byWeightDesc; an entity appears as `entity:<name>`. */
  weights: Weighted[]
  /** Addresses dropped from the population and the denominator, byWeightDesc. */
  excluded: ExcludedWeight[]
  excludedWeight: bigint
  /** Entities formed, with their member addresses (those present in the input) and summed weight. */
  merged: MergedEntity[]
  /** Display name of every labelled output address: the label, or the entity name. */
  names: Map<string, string>
}

/** The address key an entity gets in merged weights. */
export function entityAddress(entity: string): string {
  return `entity:${entity}`
}

/**
 * Apply labels to a weight list, purely: excluded addresses (treasury, timelock, …) are
 * removed — from the holders and therefore from any total the caller derives from
 * `weights` — and listed in `excluded`; addresses sharing an `entity` become one holder
 * `entity:<name>` with the summed weight, listed in `merged`. Everything else passes
 * through (lowercased, repeated addresses summed). A row with both an entity and
 * exclude is excluded, not merged. Entity names are matched exactly (case-sensitive).
 */
export function applyLabels({ weights, labels }: ApplyLabelsParameters): ApplyLabelsResult {
  const byAddress = new Map<string, Label>()
  for (const [address, label] of labels) byAddress.set(address.toLowerCase(), label)
  const out = new Map<string, bigint>()
  const excluded = new Map<string, ExcludedWeight>()
  const entities = new Map<string, { addresses: Set<string>; weight: bigint }>()
  const names = new Map<string, string>()
  for (const w of weights) {
    const address = w.address.toLowerCase()
    const label = byAddress.get(address)
    if (label?.exclude) {
      const prev = excluded.get(address)
      excluded.set(address, { address, label: label.label, weight: (prev?.weight ?? 0n) + w.weight })
      continue
    }
    let key = address
    if (label?.entity !== undefined) {
      key = entityAddress(label.entity)
      const e = entities.get(label.entity) ?? { addresses: new Set<string>(), weight: 0n }
      e.addresses.add(address)
      e.weight += w.weight
      entities.set(label.entity, e)
      names.set(key, label.entity)
    } else if (label) names.set(key, label.label)
    out.set(key, (out.get(key) ?? 0n) + w.weight)
  }
  const excludedList = [...excluded.values()].sort(byWeightDesc)
  return {
    weights: [...out].map(([address, weight]) => ({ address, weight })).sort(byWeightDesc),
    excluded: excludedList,
    excludedWeight: excludedList.reduce((a, e) => a + e.weight, 0n),
    merged: [...entities]
      .map(([entity, e]) => ({ entity, address: entityAddress(entity), addresses: [...e.addresses].sort(), weight: e.weight }))
      .sort(byWeightDesc),
    names,
  }
}
