import { UsageError } from '../../errors.js'
import type { Preset } from './types.js'
import { closeNames } from './closeNames.js'
import { PRESETS } from './presets.js'

/** The preset named `name` (case-insensitive), or a UsageError naming close ones and where to list all. */
export function findPreset(name: string, presets: readonly Preset[] = PRESETS): Preset {
  const wanted = name.toLowerCase()
  const found = presets.find((p) => p.name === wanted)
  if (found) return found
  const names = presets.map((p) => p.name)
  const close = closeNames(wanted, names)
  throw new UsageError(
    close.length
      ? `Unknown preset "${name}"; did you mean ${close.join(' or ')}? (\`govaudit presets\` lists all)`
      : `Unknown preset "${name}"; known presets: ${names.join(', ')}.`,
  )
}
