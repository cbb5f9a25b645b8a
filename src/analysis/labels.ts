import { sortByWeightDesc } from './weightOrder.js'
import { byWeightDesc, type Weighted } from './weights.js'

/** What a labels CSV says about one address. */
export type Label = { label: string; entity?: string; exclude?: boolean }

export type LabelRow = Label & { address: string; line: number }

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
    const prev = out.get(key)
    out.set(key, prev === undefined ? w.weight : prev + w.weight) // no bigint copy for a first sighting
  }
  const excludedList = [...excluded.values()].sort(byWeightDesc)
  return {
    weights: sortByWeightDesc([...out].map(([address, weight]) => ({ address, weight }))),
    excluded: excludedList,
    excludedWeight: excludedList.reduce((a, e) => a + e.weight, 0n),
    merged: [...entities]
      .map(([entity, e]) => ({ entity, address: entityAddress(entity), addresses: [...e.addresses].sort(), weight: e.weight }))
      .sort(byWeightDesc),
    names,
  }
}
