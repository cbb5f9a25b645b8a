import { UsageError } from '../../errors.js'
import * as bravo from './bravo.js'
import type { CountingRule } from './countingRule.js'
import * as ozBravoQuorum from './ozBravoQuorum.js'
import * as ozSimple from './ozSimple.js'

export type { CountingRule, Support, Tally } from './countingRule.js'
export { quorumWeight } from './countingRule.js'

/** Every counting rule, by id-ish name. */
export const rules = { bravo, ozSimple, ozBravoQuorum } as const satisfies Record<string, CountingRule>

const FAMILIES: Record<string, CountingRule> = {
  bravo,
  alpha: bravo,
  'governor-bravo': bravo,
  'governor-alpha': bravo,
  compound: bravo,
  'oz-simple': ozSimple,
  'oz-bravo-quorum': ozBravoQuorum,
}

/**
 * The rule for a Governor, from either its `COUNTING_MODE()` string or a family name.
 *
 * - A COUNTING_MODE (contains `=`) is read as a query string: `support` must include
 *   `bravo`; `quorum=for,abstain` → oz-simple (also GovernorCountingFractional's
 *   `support=bravo,fractional&quorum=for,abstain&params=fractional` and OZ 5.3's
 *   overridable counting); `quorum=bravo` or `quorum=for` → oz-bravo-quorum. Other keys
 *   (`params`, `overridable`) do not change how totals decide.
 * - Family names: `bravo`, `alpha`, `governor-bravo`, `governor-alpha`, `compound` →
 *   bravo; rule ids `oz-simple`, `oz-bravo-quorum`. A bare `oz` is refused: read the
 *   governor's COUNTING_MODE() instead of guessing.
 *
 * Throws UsageError for anything else, quoting it.
 */
export function ruleFor(name: string): CountingRule {
  const text = name.trim()
  if (text.includes('=')) {
    const params = new URLSearchParams(text)
    const support = (params.get('support') ?? '').split(',')
    const quorum = (params.get('quorum') ?? '').split(',').sort().join(',')
    if (support.includes('bravo')) {
      if (quorum === 'abstain,for') return ozSimple
      if (quorum === 'bravo' || quorum === 'for') return ozBravoQuorum
    }
    throw new UsageError(`unknown COUNTING_MODE ${JSON.stringify(text)}; known: support=bravo with quorum=for,abstain or quorum=bravo`)
  }
  const rule = FAMILIES[text.toLowerCase()]
  if (rule) return rule
  throw new UsageError(
    `unknown governor family ${JSON.stringify(text)}; use bravo, alpha, oz-simple, oz-bravo-quorum or a COUNTING_MODE string`,
  )
}
