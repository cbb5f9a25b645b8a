/**
 * How labels changed a population (DESIGN §7: always stated): the JSON block, the notes
 * under a table, and CSV rows. Weights are the units of the population they came from.
 */
import type { ApplyLabelsResult } from '../analysis/labels.js'
import type { Cell } from './format.js'

export type LabelsUse = { file: string | null; applied: Pick<ApplyLabelsResult, 'merged' | 'excluded' | 'excludedWeight'> }

export type LabelsJson = {
  file: string | null
  merged: { entity: string; address: string; addresses: string[]; weight: bigint }[]
  excluded: { address: string; label: string; weight: bigint }[]
  excludedWeight: bigint
}

export function labelsJson({ file, applied }: LabelsUse): LabelsJson {
  return {
    file,
    merged: applied.merged.map((m) => ({ entity: m.entity, address: m.address, addresses: m.addresses, weight: m.weight })),
    excluded: applied.excluded.map((e) => ({ address: e.address, label: e.label, weight: e.weight })),
    excludedWeight: applied.excludedWeight,
  }
}

/** Lines for table and markdown output; empty without --labels. */
export function labelsNotes({ file, applied }: LabelsUse): string[] {
  if (file === null) return []
  const merged = applied.merged.length
    ? applied.merged.map((m) => `${m.entity} = ${m.addresses.join(' + ')} (weight ${m.weight})`).join('; ')
    : 'none'
  const excluded = applied.excluded.length
    ? `${applied.excluded.map((e) => `${e.address} (${e.label}, weight ${e.weight})`).join('; ')}; ${applied.excludedWeight} in all, left out of the population and the denominator`
    : 'none'
  return [`Labels from ${file}: merged entities: ${merged}.`, `Excluded: ${excluded}.`]
}

/** CSV rows of kind `merged` and `excluded`, keyed address/label/weight/members. */
export function labelsCsvRows({ applied }: LabelsUse): Record<string, Cell>[] {
  return [
    ...applied.merged.map((m) => ({ kind: 'merged', address: m.address, label: m.entity, weight: m.weight.toString(), members: m.addresses.join(';') })),
    ...applied.excluded.map((e) => ({ kind: 'excluded', address: e.address, label: e.label, weight: e.weight.toString(), members: null })),
  ]
}
