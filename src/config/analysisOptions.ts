/**
 * Option parsers of the analysis commands (nakamoto, concentration, decisive). Each throws
 * a UsageError naming the flag, what it accepts and what it got; commander calls them.
 */
import { UsageError } from '../errors.js'
import { ruleFor, type CountingRule } from '../analysis/rules/index.js'
import { VOTE_SOURCES, type VoteSource } from '../store/voteSources.js'
import { parseDecimalAmount, type DecimalAmount } from './decimalAmount.js'
import { normalizeProposalId } from './importCsv.js'

const BASES = ['voting-power', 'balance', 'votes'] as const
export type Basis = (typeof BASES)[number]

const DENOMINATORS = ['total-voting-power', 'total-supply', 'votes-cast', 'total-imported'] as const
export type Denominator = (typeof DENOMINATORS)[number]

function oneOf<T extends string>(flag: string, values: readonly T[]) {
  return (value: string): T => {
    if ((values as readonly string[]).includes(value)) return value as T
    throw new UsageError(`${flag} must be one of ${values.join(', ')}; got "${value}".`)
  }
}

export const parseBasis = oneOf('--basis', BASES)
export const parseDenominator = oneOf('--denominator', DENOMINATORS)
export const parseVoteSource = (value: string): VoteSource => oneOf('--source', VOTE_SOURCES)(value)

/** `--proposal ID`: decimal ids are canonicalised ("042" -> "42") and hex ids lowercased, as on import. */
export function parseProposalId(value: string): string {
  const id = normalizeProposalId(value)
  if (id === undefined) throw new UsageError(`--proposal must be a proposal id without spaces; got ${JSON.stringify(value)}.`)
  return id
}

/** `--quorum N`: a non-negative number in the votes' own units (decimals allowed, kept exact). */
export function parseQuorum(value: string): DecimalAmount {
  const amount = parseDecimalAmount(value.trim())
  if (!amount) throw new UsageError(`--quorum must be a non-negative number of votes such as 40000 or 12.5; got "${value}".`)
  return amount
}

/** `--quorum` without `--rule` (check, decisive): the quorum's meaning depends on the rule. */
export function refuseQuorumWithoutRule(opts: { rule?: CountingRule; quorum?: DecimalAmount }): void {
  if (opts.quorum !== undefined && opts.rule === undefined)
    throw new UsageError('--quorum needs --rule: which votes count toward quorum depends on the rule (bravo: for; oz-simple: for + abstain).')
}

/** `--rule`: bravo | alpha | oz-simple | oz-bravo-quorum, or a COUNTING_MODE() string. */
export function parseRule(value: string): CountingRule {
  try {
    return ruleFor(value)
  } catch (cause) {
    throw new UsageError(`--rule must be bravo, oz-simple, oz-bravo-quorum or a COUNTING_MODE string; got "${value}".`, { cause })
  }
}

/** The <dao> argument of `import`, which may create the DAO: same rule as `index --name`. Lowercased. */
export function parseDaoArgument(value: string): string {
  if (!/^[a-z0-9][a-z0-9_.-]{0,63}$/i.test(value))
    throw new UsageError(`DAO name must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit; got "${value}".`)
  return value.toLowerCase()
}
