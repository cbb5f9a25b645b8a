/**
 * Which governor family is at an address, told from the chain's answers to view calls
 * (DESIGN.md §5), never from a name:
 *
 * - `COUNTING_MODE()` answers: an OpenZeppelin Governor (v4 or v5). Its clock is
 *   `CLOCK_MODE()` (absent before OZ 4.9: block numbers), its quorum `quorum(timepoint)`.
 * - else `quorumVotes()` and `proposalCount()` answer: the Compound family. GovernorBravo
 *   has `initialProposalId()`; GovernorAlpha has `guardian()` and no `initialProposalId()`.
 *   When neither view answers, the caller must say which with `kind` (`--governor-kind`).
 *   Both families are indexed with both VoteCast topics, so the topic of each vote log
 *   decides its layout either way.
 *
 * An explicit `kind` that disagrees with the chain is a UsageError naming what the chain said.
 */
import { SourceError, UsageError } from '../../errors.js'
import { ruleFor, rules } from '../../analysis/rules/index.js'
import { tryCall, type BlockTag } from '../evm/call.js'
import { getCode } from '../evm/blocks.js'
import type { RpcClient } from '../evm/types.js'
import type { GovernorKind } from './topics.js'

export type GovernorClock = 'blocknumber' | 'timestamp'

export type GovernorInfo = {
  /** Lowercase. */
  address: string
  kind: GovernorKind
  /** OZ: `COUNTING_MODE()`; Bravo/Alpha: the Bravo rule's mode (`support=bravo&quorum=bravo`). */
  countingMode: string
  /** `CLOCK_MODE()`, or the EIP-6372 default `mode=blocknumber&from=default` when there is none. */
  clockMode: string
  clock: GovernorClock
  /** The vote token the governor names (`token()`, Compound `comp()`), lowercase; null when it names none. */
  token: string | null
  /** `name()`, informational only; null when absent. */
  name: string | null
}

export type DetectGovernorParameters = {
  rpc: RpcClient
  address: string
  /** `--governor-kind`: what the user says it is; checked against the chain. */
  kind?: GovernorKind
  /** The DAO's token: a governor that names another vote token is refused. */
  token?: string
  /** Block to read the views at. Default 'latest'. */
  block?: BlockTag
}

const DEFAULT_CLOCK_MODE = 'mode=blocknumber&from=default'

const FAMILY_NAME: Record<GovernorKind, string> = {
  oz: 'an OpenZeppelin Governor',
  bravo: 'a GovernorBravo',
  alpha: 'a GovernorAlpha',
}

export async function detectGovernor(p: DetectGovernorParameters): Promise<GovernorInfo> {
  const { rpc, block = 'latest' } = p
  const address = p.address.toLowerCase()
  const code = await getCode(rpc, address, block === 'finalized' ? 'latest' : block)
  if (code === '0x') throw new UsageError(`${address} has no contract code; check the --governor address and the --rpc network.`)
  const call = <T>(signature: string, args: readonly unknown[] = []) => tryCall<T>(rpc, address, signature, args, block)

  const countingMode = await call<string>('function COUNTING_MODE() pure returns (string)')
  let info: GovernorInfo
  if (countingMode !== undefined) {
    const clockModeRaw = await call<string>('function CLOCK_MODE() view returns (string)')
    const clockMode = clockModeRaw ?? DEFAULT_CLOCK_MODE
    const clock = parseClockMode(address, clockMode)
    try {
      ruleFor(countingMode)
    } catch (cause) {
      throw new UsageError(
        `Governor ${address} counts votes with COUNTING_MODE() "${countingMode}", which govaudit cannot tally (known: support=bravo with quorum=for,abstain or quorum=bravo).`,
        { cause },
      )
    }
    const token = await call<string>('function token() view returns (address)')
    info = {
      address,
      kind: 'oz',
      countingMode,
      clockMode,
      clock,
      token: token?.toLowerCase() ?? null,
      name: (await call<string>('function name() view returns (string)')) ?? null,
    }
  } else {
    const quorumVotes = await call<bigint>('function quorumVotes() view returns (uint256)')
    const proposalCount = await call<bigint>('function proposalCount() view returns (uint256)')
    if (quorumVotes === undefined || proposalCount === undefined)
      throw new UsageError(
        `${address} is a contract but not a governor govaudit knows: it answers neither COUNTING_MODE() (OpenZeppelin) nor quorumVotes() and proposalCount() (GovernorBravo / GovernorAlpha); pass the Governor's address with --governor.`,
      )
    const initialProposalId = await call<bigint>('function initialProposalId() view returns (uint256)')
    const guardian = await call<string>('function guardian() view returns (address)')
    let kind: GovernorKind
    if (initialProposalId !== undefined) kind = 'bravo'
    else if (guardian !== undefined) kind = 'alpha'
    else if (p.kind === 'bravo' || p.kind === 'alpha') kind = p.kind
    else
      throw new UsageError(
        `Governor ${address} answers quorumVotes() and proposalCount() (GovernorBravo or GovernorAlpha) but neither initialProposalId() nor guardian(); pass --governor-kind bravo or --governor-kind alpha.`,
      )
    const token =
      (await call<string>('function comp() view returns (address)')) ?? (await call<string>('function token() view returns (address)'))
    info = {
      address,
      kind,
      countingMode: rules.bravo.countingMode,
      clockMode: DEFAULT_CLOCK_MODE,
      clock: 'blocknumber',
      token: token?.toLowerCase() ?? null,
      name: (await call<string>('function name() view returns (string)')) ?? null,
    }
  }

  if (p.kind !== undefined && p.kind !== info.kind)
    throw new UsageError(
      `--governor-kind ${p.kind} disagrees with the chain: ${address} is ${FAMILY_NAME[info.kind]} (${evidence(info)}); drop --governor-kind or fix the address.`,
    )
  if (p.token !== undefined && info.token !== null && info.token !== p.token.toLowerCase())
    throw new UsageError(
      `Governor ${address} counts votes of token ${info.token}, not of this DAO's token ${p.token.toLowerCase()}; index it with its own token (another --name).`,
    )
  return info
}

function evidence(info: GovernorInfo): string {
  switch (info.kind) {
    case 'oz':
      return `COUNTING_MODE() is "${info.countingMode}"`
    case 'bravo':
      return 'it answers quorumVotes(), proposalCount() and initialProposalId()'
    case 'alpha':
      return 'it answers quorumVotes(), proposalCount() and guardian(), not initialProposalId()'
  }
}

/** EIP-6372 `mode=blocknumber&from=...` or `mode=timestamp`. */
export function parseClockMode(address: string, clockMode: string): GovernorClock {
  const mode = new URLSearchParams(clockMode).get('mode')
  if (mode === 'blocknumber' || mode === 'timestamp') return mode
  throw new SourceError(
    `Governor ${address} reports CLOCK_MODE() "${clockMode}", neither mode=blocknumber nor mode=timestamp; govaudit cannot place its snapshots in time.`,
  )
}
