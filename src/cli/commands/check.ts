/**
 * `govaudit check`: fail a CI job when governance is too concentrated. Exit 0 when every
 * threshold holds, 1 when any is breached (a result, set with ctx.setExitCode), 2 for bad
 * usage. The numbers come from the same composition as `nakamoto` (measures.ts) and the
 * same analysis as `decisive` (decisive + summarizeDecisive).
 */
import { Option, type Command } from 'commander'
import type { CliContext } from '../context.js'
import { parseNonNegativeInt, parsePositiveInt } from '../../config/options.js'
import { parseProposalId, parseQuorum, parseRule, parseVoteSource, refuseQuorumWithoutRule } from '../../config/analysisOptions.js'
import { ceilScaled, type DecimalAmount } from '../../config/decimalAmount.js'
import { loadLabels, type LoadedLabels } from '../../config/labelsFile.js'
import { decisive, summarizeDecisive, type DecisiveResult } from '../../analysis/decisive.js'
import { entityAddress } from '../../analysis/labels.js'
import { HALF, parseRatio, parseRatioOption, type Ratio } from '../../analysis/ratio.js'
import { ruleFor, type CountingRule } from '../../analysis/rules/index.js'
import { openDb, resolveDbPath, type Db } from '../../store/db.js'
import { getDao, type Dao } from '../../store/daos.js'
import { getBlock } from '../../store/blocks.js'
import { listProposals, proposalVotes, storedProposals, type ProposalRef, type VoteSource } from '../../store/proposalVotes.js'
import { parseFormat, type Format } from '../../report/format.js'
import { isBreached, renderCheck, type CheckReport, type WhaleCheckInput } from '../../report/check.js'
import { assessSnapshot, unsettledOutcome, measureNakamoto } from '../measures.js'
import type { DecisiveSnapshotResult } from '../../analysis/decisiveSnapshot.js'
import { findSnapshotProposal } from '../../store/snapshotStore.js'
import { UsageError } from '../../errors.js'

type CheckBasis = 'voting-power' | 'balance'

/** `--since DATE`: the text as given and the first second it covers (UTC). */
type Since = { text: string; timestamp: number }

type CheckOptions = {
  minNakamoto?: number
  basis?: CheckBasis
  threshold?: Ratio
  maxWhaleDecided?: Ratio
  whales?: number
  since?: Since
  proposal?: string
  source?: VoteSource
  rule?: CountingRule
  quorum?: DecimalAmount
  labels?: string
  format: Format
}

function parseCheckBasis(value: string): CheckBasis {
  if (value === 'voting-power' || value === 'balance') return value
  throw new UsageError(`--basis of check must be voting-power or balance; got "${value}".`)
}

const parseMaxWhaleDecided = (text: string): Ratio => parseRatioOption({ text, flag: '--max-whale-decided', interval: 'closed' })

/** `--since 2024-01-31` (UTC midnight) or a full ISO 8601 time with a zone (`2024-01-31T12:00:00Z`). */
function parseSince(text: string): Since {
  const date = /^\d{4}-\d{2}-\d{2}$/.test(text) ? new Date(`${text}T00:00:00Z`) : /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/.test(text) ? new Date(text) : undefined
  if (date === undefined || Number.isNaN(date.getTime()) || (text.length === 10 && date.toISOString().slice(0, 10) !== text))
    throw new UsageError(`--since must be a date such as 2024-01-31 or 2024-01-31T12:00:00Z; got "${text}".`)
  return { text, timestamp: Math.floor(date.getTime() / 1000) }
}

export function registerCheck(program: Command, ctx: CliContext): void {
  program
    .command('check <dao>')
    .summary('CI gate: exit 1 when the Nakamoto coefficient or the whale-decided share crosses a line')
    .description(
      `Checks thresholds and exits 0 when all hold, 1 when any is breached (printing which and by how much), 2 on bad usage.

--min-nakamoto N: the Nakamoto coefficient (as \`govaudit nakamoto\`, on --basis at the last indexed block, or the imported holder list) must be at least N.

--max-whale-decided RATIO: of the decided proposals (as \`govaudit decisive\`), the share decided by at most --whales voters must not exceed RATIO. Proposals come from every stored vote source (governor, Snapshot, assessed as govaudit decisive does with its off-chain floats said so, and imported votes). With no assessable proposal (none stored, none since --since, none with a known counting rule, or none decided) the check is reported as "not assessed" and is not a breach.

--since DATE keeps proposals whose snapshot block is dated on or after DATE; proposals without a known date (imported votes) are left out and counted.`,
    )
    .option('--min-nakamoto <n>', 'fail when the Nakamoto coefficient is below N', parsePositiveInt('--min-nakamoto'))
    .option('--basis <basis>', 'voting-power | balance, for --min-nakamoto (default voting-power)', parseCheckBasis)
    .addOption(new Option('--threshold <ratio>', 'share the Nakamoto set must exceed, in (0, 1)').argParser(parseRatio).default(undefined, '0.5'))
    .option('--max-whale-decided <ratio>', 'fail when the whale-decided share of decided proposals exceeds RATIO, in [0, 1]: 0.25, 1/4 or 25%', parseMaxWhaleDecided)
    .addOption(new Option('--whales <k>', 'a proposal is whale-decided when at most K voters decide it').argParser(parseNonNegativeInt('--whales')).default(undefined, '1'))
    .option('--since <date>', 'only proposals dated on or after DATE (YYYY-MM-DD, UTC)', parseSince)
    .option('--proposal <id>', 'only this proposal, for --max-whale-decided', parseProposalId)
    .option('--source <source>', 'governor | snapshot | import (default: every stored source)', parseVoteSource)
    .option('--rule <rule>', 'counting rule for proposals whose source has none (imported votes): bravo | oz-simple | oz-bravo-quorum', parseRule)
    .option('--quorum <votes>', 'quorum in the votes\' own units, with --rule (default 0)', parseQuorum)
    .option('--labels <file>', 'CSV of address,label[,entity][,exclude]: merge entities, exclude addresses')
    .option('--format <format>', 'table | json | csv | markdown', parseFormat, 'table')
    .addHelpText(
      'after',
      `
Exit codes: 0 all thresholds hold (or could not be assessed), 1 a threshold is breached, 2 bad usage.

Examples:
  $ govaudit check uniswap --min-nakamoto 5
  $ govaudit check uniswap --min-nakamoto 5 --basis balance --labels labels.csv --format json
  $ govaudit check mydao --max-whale-decided 0.25 --whales 2 --rule bravo --quorum 400000
  $ govaudit check mydao --min-nakamoto 3 --max-whale-decided 1/3 --since 2024-01-01`,
    )
    .action((name: string, opts: CheckOptions) => {
      checkUsage(opts)
      const labels = loadLabels(opts.labels)
      const db = openDb({ path: resolveDbPath(ctx.globals().db), create: false })
      try {
        const dao = getDao(db, name.toLowerCase())
        const report: CheckReport = {
          dao: dao.name,
          labelsFile: labels.file,
          ...(opts.minNakamoto !== undefined
            ? {
                nakamoto: {
                  required: opts.minNakamoto,
                  report: measureNakamoto(db, dao, { basis: opts.basis ?? 'voting-power', threshold: opts.threshold ?? HALF }, labels),
                },
              }
            : {}),
          ...(opts.maxWhaleDecided !== undefined ? { whale: measureWhaleDecided(db, dao, { ...opts, maxWhaleDecided: opts.maxWhaleDecided }, labels) } : {}),
        }
        ctx.out(renderCheck(report, opts.format))
        if (isBreached(report)) ctx.setExitCode(1)
      } finally {
        db.close()
      }
    })
}

/** Flag combinations that cannot mean anything: refused before the database is opened. */
function checkUsage(opts: CheckOptions): void {
  if (opts.minNakamoto === undefined && opts.maxWhaleDecided === undefined)
    throw new UsageError('Nothing to check: pass --min-nakamoto N and/or --max-whale-decided RATIO.')
  if (opts.minNakamoto === undefined) {
    const stray = [opts.basis && '--basis', opts.threshold && '--threshold'].filter(Boolean)
    if (stray.length) throw new UsageError(`${stray.join(' and ')} ${stray.length === 1 ? 'applies' : 'apply'} to --min-nakamoto; pass --min-nakamoto N too.`)
  }
  if (opts.maxWhaleDecided === undefined) {
    const stray = [
      opts.whales !== undefined && '--whales',
      opts.since && '--since',
      opts.proposal !== undefined && '--proposal',
      opts.source && '--source',
      opts.rule && '--rule',
      opts.quorum && '--quorum',
    ].filter(Boolean)
    if (stray.length) throw new UsageError(`${stray.join(', ')} ${stray.length === 1 ? 'applies' : 'apply'} to --max-whale-decided; pass --max-whale-decided RATIO too.`)
  }
  if (opts.since && opts.proposal !== undefined) throw new UsageError('--since and --proposal both choose proposals; pass one of them.')
  refuseQuorumWithoutRule(opts)
}

/**
 * The DAO's proposals in the chosen source. With neither --source nor --proposal, a DAO
 * with no stored proposals is a result (nothing to assess), not an error; every other
 * refusal (unknown id, unstored source) stands.
 */
function checkedProposals(db: Db, dao: Dao, opts: Pick<CheckOptions, 'source' | 'proposal'>): ProposalRef[] {
  if (opts.source !== undefined || opts.proposal !== undefined) return listProposals(db, dao, { source: opts.source, proposal: opts.proposal })
  return storedProposals(db, dao)
}

/** Unix time of the proposal's snapshot block, when the store has that block's header; a Snapshot proposal's voting start. */
function proposalTime(db: Db, dao: Dao, ref: ProposalRef): number | undefined {
  if (ref.source === 'snapshot') return findSnapshotProposal(db, dao.id, ref.id)?.start
  return ref.snapshotBlock === null ? undefined : getBlock(db, dao.chainId, ref.snapshotBlock)?.timestamp
}

/**
 * `decisive` on one proposal with its source's rule and quorum (or --rule/--quorum); an
 * entity's addresses vote as one. Snapshot proposals go through `decisiveSnapshot`, as in
 * `govaudit decisive`.
 */
function assessProposal(db: Db, dao: Dao, ref: ProposalRef, opts: CheckOptions, labels: LoadedLabels, whales: number): DecisiveResult | DecisiveSnapshotResult | undefined {
  if (ref.source === 'snapshot') {
    const row = assessSnapshot(db, dao, ref, whales)
    return row.assessed && row.unsettled === null && row.result.outcome !== 'not-scored' ? row.result : undefined
  }
  const rule = opts.rule ?? (ref.countingMode !== null ? ruleFor(ref.countingMode) : undefined)
  if (rule === undefined || unsettledOutcome(ref) !== null) return undefined
  const quorum = opts.quorum !== undefined ? ceilScaled(opts.quorum, ref.scale) : (ref.quorum ?? 0n)
  const votes = proposalVotes(db, dao, ref).map((v) => {
    const label = labels.map.get(v.voter)
    return label?.entity !== undefined && !label.exclude ? { ...v, voter: entityAddress(label.entity) } : v
  })
  return decisive({ votes, quorum, rule, whales })
}

function measureWhaleDecided(db: Db, dao: Dao, opts: CheckOptions & { maxWhaleDecided: Ratio }, labels: LoadedLabels): WhaleCheckInput {
  const whales = opts.whales ?? 1
  const stored = checkedProposals(db, dao, opts)
  let undated = 0
  const inScope = stored.filter((ref) => {
    if (!opts.since) return true
    const time = proposalTime(db, dao, ref)
    if (time === undefined) undated++
    return time !== undefined && time >= opts.since.timestamp
  })
  const assessed = inScope.flatMap((ref) => {
    const result = assessProposal(db, dao, ref, opts, labels, whales)
    return result ? [{ ref, result }] : []
  })
  const summary = summarizeDecisive({ results: assessed.map((a) => a.result), whales })
  return {
    max: opts.maxWhaleDecided,
    whales,
    summary,
    stored: stored.length,
    inScope: inScope.length,
    undated,
    assessed: assessed.length,
    since: opts.since?.text ?? null,
    proposal: opts.proposal ?? null,
    whaleDecidedIds: assessed.filter((a) => a.result.whaleDecided).map((a) => a.ref.id),
    snapshotAssessed: assessed.filter((a) => a.ref.source === 'snapshot').length,
  }
}
