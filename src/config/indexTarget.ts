/**
 * What one `index` run is asked to index, resolved from flags (or a scan config entry)
 * and an optional preset before the RPC or the database is touched: the token, the DAO
 * name, the first block and the governors to detect. Pure: no I/O.
 */
import { UsageError } from '../errors.js'
import { findPreset, INDEXABLE_GOVERNOR_KINDS, type Preset } from './presets/index.js'
import type { GovernorKind } from '../sources/governor/topics.js'

export type GovernorRequest = { address: string; kind?: GovernorKind; fromBlock?: number }

export type IndexTargetInput = {
  preset?: string
  /** Lowercase address. */
  token?: string
  name?: string
  fromBlock?: number
  toBlock?: number
  /** Lowercase addresses, in the order given. */
  governor: readonly string[]
  /** One per governor, in the same order, or none. */
  governorKind: readonly GovernorKind[]
  /** false: skip the preset's governors. */
  governors: boolean
  snapshot?: string
}

export type IndexTarget = {
  preset?: Preset
  token?: string
  name?: string
  fromBlock?: number
  toBlock?: number
  /** True when --from-block was given rather than taken from the preset. */
  explicitFromBlock: boolean
  governors: GovernorRequest[]
  snapshot?: string
}

export function resolveIndexTarget(input: IndexTargetInput): IndexTarget {
  const preset = input.preset === undefined ? undefined : usablePreset(input.preset, input.token)
  const token = preset ? preset.token.address.toLowerCase() : input.token
  const name = input.name ?? preset?.name
  const fromBlock = input.fromBlock ?? preset?.token.fromBlock
  if (fromBlock !== undefined && input.toBlock !== undefined && fromBlock > input.toBlock)
    throw new UsageError(
      input.fromBlock === undefined && preset
        ? `--to-block ${input.toBlock} is before preset ${preset.name}'s first block ${fromBlock}.`
        : `--from-block ${fromBlock} is after --to-block ${input.toBlock}.`,
    )
  const snapshot = input.snapshot
  return {
    ...(preset ? { preset } : {}),
    ...(token !== undefined ? { token } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(fromBlock !== undefined ? { fromBlock } : {}),
    ...(input.toBlock !== undefined ? { toBlock: input.toBlock } : {}),
    explicitFromBlock: input.fromBlock !== undefined,
    governors: governorRequests(input, preset),
    ...(snapshot !== undefined ? { snapshot } : {}),
  }
}

/** The preset, refused when its token cannot be indexed or --token contradicts it. */
function usablePreset(name: string, token: string | undefined): Preset {
  const preset = findPreset(name)
  if (preset.token.votes === 'unsupported') throw new UsageError(`Preset ${preset.name} cannot be indexed: ${preset.token.unsupportedReason}.`)
  if (token !== undefined && token !== preset.token.address.toLowerCase())
    throw new UsageError(
      `--token ${token} is not preset ${preset.name}'s token ${preset.token.address}; drop --token, or drop the preset to index another token.`,
    )
  return preset
}

/** --governor flags (with --governor-kind paired in order), then the preset's indexable governors. */
function governorRequests(input: IndexTargetInput, preset: Preset | undefined): GovernorRequest[] {
  if (input.governorKind.length > 0 && input.governorKind.length !== input.governor.length)
    throw new UsageError(
      `Give one --governor-kind per --governor, in the same order; got ${input.governorKind.length} kind(s) for ${input.governor.length} governor(s).`,
    )
  const fromFlags = input.governor.map((address, i) => ({ address, ...(input.governorKind[i] ? { kind: input.governorKind[i] } : {}) }))
  const fromPreset = (input.governors ? (preset?.governors ?? []) : [])
    .filter((g) => INDEXABLE_GOVERNOR_KINDS.includes(g.kind))
    .map((g) => ({ address: g.address.toLowerCase(), kind: g.kind as GovernorKind, ...(g.fromBlock !== undefined ? { fromBlock: g.fromBlock } : {}) }))
  return [...fromFlags, ...fromPreset]
}
