import { byWeightDesc, type Weighted } from './weights.js'
import { asPopulation, relabelledPopulation, type Weights } from './population.js'

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
  weights: Weights
  /** Keyed by address, compared lowercase. */
  labels: ReadonlyMap<string, Label>
}

export type ExcludedWeight = { address: string; label: string; weight: bigint }
export type MergedEntity = { entity: string; address: string; addresses: string[]; weight: bigint }

export type ApplyLabelsResult = {
  /**
   * Weights after merging and excluding; an entity appears as `entity:<name>`. A list
   * comes back as a list in input order (an entity where its first address was); packed
   * records stay packed, the entries labels took out counted as weight 0 and the entity
   * rows appended. Without labels, the input itself: nothing is copied.
   */
  weights: Weights
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
 * `entity:<name>` with the summed weight, listed in `merged`. A row with both an entity
 * and exclude is excluded, not merged. Entity names are matched exactly (case-sensitive);
 * addresses are compared lowercase.
 *
 * `weights` holds one entry per address, as every store read and `mergeVotes` give it
 * (`mergeByAddress` makes any list so). Unlabelled entries are passed through as the same
 * objects, in input order (every measure ranks for itself): a million listed holders cost
 * one map lookup each, packed ones a four-character comparison each and no copy
 * (`Population.indicesOf`), and with no labels at all, nothing.
 */
export function applyLabels({ weights: given, labels }: ApplyLabelsParameters): ApplyLabelsResult {
  const names = new Map<string, string>()
  if (labels.size === 0) return { weights: given, excluded: [], excludedWeight: 0n, merged: [], names }
  const population = asPopulation(given)
  const list = Array.isArray(given)
  const out: Weighted[] = []
  const zeroed: number[] = []
  const byAddress = new Map<string, Label>()
  for (const [address, label] of labels) byAddress.set(address.toLowerCase(), label)
  const excluded = new Map<string, ExcludedWeight>()
  // An entity's output row is created at its first address and summed into after.
  const entities = new Map<string, { row: Weighted; addresses: Set<string> }>()
  const relabel = (i: number): void => {
    const raw = population.address(i)
    const address = raw.toLowerCase()
    const label = byAddress.get(address)!
    if (!label.exclude && label.entity === undefined && address === raw) {
      names.set(address, label.label)
      if (list) out.push(population.entry(i))
      return
    }
    if (!list) zeroed.push(i)
    const weight = population.weight(i)
    if (label.exclude) {
      const prev = excluded.get(address)
      excluded.set(address, { address, label: label.label, weight: (prev?.weight ?? 0n) + weight })
    } else if (label.entity !== undefined) {
      const e = entities.get(label.entity)
      if (e) {
        e.row.weight += weight
        e.addresses.add(address)
      } else {
        const row = { address: entityAddress(label.entity), weight }
        entities.set(label.entity, { row, addresses: new Set([address]) })
        names.set(row.address, label.entity)
        out.push(row)
      }
    } else {
      names.set(address, label.label)
      out.push({ address, weight })
    }
  }
  // Only labelled entries need a look; a list passes the others through, in order.
  const labelled = population.indicesOf(byAddress)
  if (!list) labelled.forEach(relabel)
  else
    for (let i = 0, next = 0; i < population.size; i++)
      if (labelled[next] === i) {
        next++
        relabel(i)
      } else out.push(population.entry(i))
  const excludedList = [...excluded.values()].sort(byWeightDesc)
  return {
    weights: list ? out : relabelledPopulation({ base: population, zeroed, added: out }),
    excluded: excludedList,
    excludedWeight: excludedList.reduce((a, e) => a + e.weight, 0n),
    merged: [...entities]
      .map(([entity, { row, addresses }]) => ({ entity, address: row.address, addresses: [...addresses].sort(), weight: row.weight }))
      .sort(byWeightDesc),
    names,
  }
}
