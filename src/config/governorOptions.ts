/** Option parsers of the governor commands (proposals, votes). Each throws a UsageError naming the flag. */
import { UsageError } from '../errors.js'
import { GOVERNOR_STATES, type GovernorStateName } from '../analysis/governorState.js'

const MAX_UINT256 = (1n << 256n) - 1n

/** `--proposal ID` of a governor: a uint256, decimal or 0x hex. */
export function parseGovernorProposalId(value: string): bigint {
  const text = value.trim()
  if (!/^(\d+|0x[0-9a-fA-F]+)$/.test(text))
    throw new UsageError(`--proposal must be a governor proposal id, decimal or 0x hex; got "${value}".`)
  const id = BigInt(text)
  if (id > MAX_UINT256) throw new UsageError(`--proposal ${value} is larger than a uint256.`)
  return id
}

/** `--state S`: one of the Governor ProposalState names. */
export function parseGovernorState(value: string): GovernorStateName {
  const s = value.trim().toLowerCase()
  if ((GOVERNOR_STATES as readonly string[]).includes(s)) return s as GovernorStateName
  throw new UsageError(`--state must be one of ${GOVERNOR_STATES.join(', ')}; got "${value}".`)
}
