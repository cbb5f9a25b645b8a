/** `govaudit index`: fetch a DAO's token events into the database, resumable. */
import fs from 'node:fs'
import type { Command } from 'commander'
import type { CliContext } from '../context.js'
import { DEFAULT_CONFIRMATIONS, parseSnapshotSpace, parseAddress, parseConfirmations, parseDaoName, parseNonNegativeInt, parsePositiveInt } from '../../config/options.js'
import { openDb, resolveDbPath } from '../../store/db.js'
import { createRpcClient } from '../../sources/evm/rpc.js'
import { GOVERNOR_KINDS, type GovernorKind } from '../../sources/governor/topics.js'
import type { Confirmations, IndexProgress } from '../../sync/indexDao.js'
import { prepareIndex, runIndex, type RunIndexParameters, type RunIndexResult } from '../../sync/runIndex.js'
import { follow } from '../../sync/follow.js'
import { resolveIndexTarget } from '../../config/indexTarget.js'
import {
  renderFollowRetry,
  renderFollowRun,
  renderFollowWait,
  renderGovernorSummary,
  renderGovernorWarning,
  renderIndexStart,
  renderIndexSummary,
  renderMismatchWarning,
  renderProgress,
  renderReorg,
  renderSnapshotSummary,
  renderDelegationSummary,
} from '../../report/indexSummary.js'
import { UsageError } from '../../errors.js'
import { PRESETS } from '../../config/presets/index.js'
import { GOVERNORS_NOT_INDEXED } from '../../report/presets.js'

type IndexOptions = {
  rpc?: string
  token?: string
  name?: string
  fromBlock?: number
  toBlock?: number
  confirmations: Confirmations
  concurrency: number
  batchSize: number
  rpcTimeout: number
  governor: string[]
  governorKind: GovernorKind[]
  snapshot?: string
  hub?: string
  delegateRegistry?: string
  /** --no-governors: false skips the preset's governors. */
  governors: boolean
  follow?: boolean
  interval?: number
  snapshotInterval?: number
}

export function registerIndex(program: Command, ctx: CliContext): void {
  program
    .command('index')
    .summary('index a governance token into the database (resumable)')
    .description(
      `Fetch every Transfer, DelegateChanged and DelegateVotesChanged event of a governance token (ERC20Votes, Comp-style or ERC721Votes) and store balances, delegations and voting power at every block. Only blocks at least --confirmations deep are indexed. Re-running continues from the last committed block; Ctrl-C stops after the current batch, and a crash loses nothing. Blocks the chain has replaced since (a reorg) are rolled back and indexed again. With --follow it keeps indexing new blocks every --interval seconds until Ctrl-C, which then exits 0.

With a preset (\`govaudit presets\` lists them) nothing but --rpc is needed: the preset gives the token, the DAO name and the first block. Flags still override --name and --from-block; a --token that is not the preset's is refused, as is an RPC on another chain. Presets whose token records votes differently (${unsupportedTitles()}) are refused with the reason. The preset's ${GOVERNORS_NOT_INDEXED}.`,
    )
    .argument('[preset]', 'a known DAO (govaudit presets): uniswap, compound, ens, arbitrum, ...')
    .option('--rpc <url>', 'JSON-RPC endpoint (default: $GOVAUDIT_RPC_URL); API keys in it are never printed')
    .option('--token <address>', 'governance token address', parseAddress('--token'))
    .option('--name <name>', "DAO name in the database (default: the preset's name, else the token's symbol)", parseDaoName)
    .option('--from-block <n>', "first block (default: the preset's first block, else the token's deployment block)", parseNonNegativeInt('--from-block'))
    .option('--to-block <n>', 'last block (default: the latest settled block)', parseNonNegativeInt('--to-block'))
    .option('--confirmations <n|finalized>', 'blocks to stay behind the head, or "finalized"', parseConfirmations, DEFAULT_CONFIRMATIONS)
    .option('--concurrency <n>', 'eth_getLogs requests in flight', parsePositiveInt('--concurrency', 64), 4)
    .option('--batch-size <events>', 'events per database commit (smaller: more frequent progress commits)', parsePositiveInt('--batch-size'), 50_000)
    .option('--rpc-timeout <seconds>', 'per-request RPC timeout before a retry', parsePositiveInt('--rpc-timeout', 600), 30)
    .option('--governor <address>', 'a Governor of this token to index too (repeatable: Alpha, then Bravo, then OZ...)', collect(parseAddress('--governor')), [])
    .option('--no-governors', "index the preset's token only, not its governors")
    .option('--snapshot <space>', 'also index this Snapshot space (e.g. uniswapgovernance.eth) from the hub; $SNAPSHOT_API_KEY is sent, never printed', parseSnapshotSpace)
    .option('--hub <url>', 'Snapshot hub GraphQL URL (default: https://hub.snapshot.org/graphql)')
    .option(
      '--delegate-registry <address>',
      "with --snapshot: the DelegateRegistry whose SetDelegate/ClearDelegate events give the space's delegations (default: 0x469788fE6E9E9681C6ebF3bF78e7Fd26Fc015446, skipped with a note on a chain where it has no code)",
      parseAddress('--delegate-registry'),
    )
    .option('--governor-kind <kind>', 'oz | bravo | alpha, one per --governor in order; checked against the chain', collect(parseGovernorKind), [])
    .option('--follow', 'keep indexing new blocks as they settle until Ctrl-C (which exits 0 once the current batch is committed)')
    .option('--interval <seconds>', `seconds between runs with --follow (default: ${DEFAULT_INTERVAL})`, parsePositiveInt('--interval', 86_400))
    .option(
      '--snapshot-interval <seconds>',
      `with --follow and --snapshot: read the Snapshot hub at most this often; the runs in between index the chain only (default: ${DEFAULT_SNAPSHOT_INTERVAL})`,
      parsePositiveInt('--snapshot-interval', 86_400),
    )
    .addHelpText(
      'after',
      `
Examples:
  $ govaudit index uniswap --rpc https://eth.example/v2/KEY
  $ govaudit index arbitrum --rpc https://arb.example/v2/KEY --to-block 200000000
  $ govaudit index --rpc https://eth.example/v2/KEY --token 0xc00e94Cb662C3520282E6f5717214004A7f26888 --name compound
  $ govaudit index --rpc http://127.0.0.1:8545 --token 0x5FbDB2315678afecb367f032d93F642f64180aa3 --confirmations 0
  $ govaudit index --rpc URL --token 0xc00e...6888 --governor 0xc0dA01a04C3f3E0be433606045bB7017A7323E38 --governor 0xc0Da02939E1441F497fd74F78cE7Decb17B66529
  $ govaudit index uniswap --rpc URL --snapshot uniswapgovernance.eth
  $ GOVAUDIT_RPC_URL=... govaudit index --name compound          # resume an existing DAO
  $ govaudit index uniswap --rpc URL --follow --interval 30        # keep up with the chain until Ctrl-C
  $ govaudit index uniswap --rpc URL --snapshot uniswapgovernance.eth --follow --snapshot-interval 600`,
    )
    .action(async (presetName: string | undefined, opts: IndexOptions) => {
      // A preset is resolved (or refused) before the RPC or the database is touched.
      const target = resolveIndexTarget({ ...opts, ...(presetName !== undefined ? { preset: presetName } : {}) })
      if (opts.interval !== undefined && !opts.follow) throw new UsageError('--interval applies only with --follow.')
      if (opts.snapshotInterval !== undefined && !(opts.follow && target.snapshot !== undefined))
        throw new UsageError('--snapshot-interval applies only with --follow and --snapshot SPACE.')
      if (opts.follow && opts.toBlock !== undefined) throw new UsageError('--follow keeps indexing new blocks; it cannot be combined with --to-block.')
      const rpcUrl = opts.rpc ?? ctx.env.GOVAUDIT_RPC_URL
      if (!rpcUrl) throw new UsageError('No RPC endpoint: pass --rpc URL or set GOVAUDIT_RPC_URL.')
      const rpc = createRpcClient({ url: rpcUrl, timeoutMs: opts.rpcTimeout * 1000 })
      if (opts.delegateRegistry !== undefined && target.snapshot === undefined)
        throw new UsageError("--delegate-registry needs --snapshot SPACE: it is where that space's delegations are read from.")
      const prepared = await prepareIndex(rpc, target, opts.delegateRegistry !== undefined ? { delegateRegistry: opts.delegateRegistry } : {})
      const dbPath = resolveDbPath(ctx.globals().db)
      if (target.token === undefined && !fs.existsSync(dbPath))
        throw new UsageError(`No database at ${dbPath} to resume from; pass --token ADDRESS to start indexing.`)
      const db = openDb({ path: dbPath, create: true })
      const preset = target.preset
      if (preset)
        ctx.info(
          `Preset ${preset.name}: ${preset.token.symbol ?? 'token'} ${preset.token.address} on ${preset.chainName}` +
            (target.fromBlock !== undefined ? ` from block ${target.fromBlock}` : '') +
            `; ${GOVERNORS_NOT_INDEXED} (${preset.governors.map((g) => `${g.kind} ${g.address}`).join(', ')}).`,
        )

      const stop = new AbortController()
      const onSigint = () => {
        if (stop.signal.aborted) process.exit(130) // second Ctrl-C: the last commit is already safe
        stop.abort()
        ctx.info('Stopping after the current batch (Ctrl-C again to quit now; nothing committed is lost)...')
      }
      process.on('SIGINT', onSigint)
      let spinner = ctx.spinner(`Connecting to ${rpc.label}`)
      /** Print between spinner frames: stop it, write, start a new one. */
      const print = (write: () => void) => {
        spinner.stop()
        write()
        spinner = ctx.spinner('')
      }
      const run: RunIndexParameters = {
        db,
        rpc,
        target,
        prepared,
        confirmations: opts.confirmations,
        concurrency: opts.concurrency,
        batchEvents: opts.batchSize,
        ...(opts.hub ? { snapshotHub: opts.hub } : {}),
        ...(ctx.env.SNAPSHOT_API_KEY ? { snapshotApiKey: ctx.env.SNAPSHOT_API_KEY } : {}),
        shouldStop: () => stop.signal.aborted,
        onStart: (s) => spinner.text(`${s.dao.name}: ${renderIndexStart(s)}`),
        onProgress: (p: IndexProgress) => spinner.text(renderProgress(p)),
        onPhase: (text) => spinner.text(text),
        onSnapshotProgress: (e) => spinner.text(`Snapshot ${target.snapshot}: proposal ${e.done}/${e.of} (${e.votes} votes)`),
        onReorg: (reorg) => print(() => ctx.warn(renderReorg(reorg))),
      }
      try {
        if (opts.follow) {
          // Ctrl-C ends follow mode normally: exit 0 once the current batch is committed.
          const followed = await follow({
            ...run,
            intervalMs: (opts.interval ?? DEFAULT_INTERVAL) * 1000,
            snapshotIntervalMs: (opts.snapshotInterval ?? DEFAULT_SNAPSHOT_INTERVAL) * 1000,
            signal: stop.signal,
            // Runs that found nothing new stay quiet: the spinner says so.
            onRun: (result) => {
              if (!result.token.upToDate) print(() => renderFollowedRun(ctx, result))
            },
            onRetry: (error) => print(() => ctx.warn(renderFollowRetry(error.shortMessage, opts.interval ?? DEFAULT_INTERVAL))),
            onWait: (last) => spinner.text(renderFollowWait(last.token)),
          })
          spinner.stop()
          ctx.info(`Stopped following after ${followed.runs} run(s); everything indexed is committed.`)
        } else {
          const result = await runIndex(run)
          spinner.stop()
          renderRun(ctx, result)
        }
      } catch (error) {
        spinner.stop()
        throw error
      } finally {
        process.off('SIGINT', onSigint)
        db.close()
      }
    })
}

/**
 * A follow-mode run that indexed something: one line (the log grows with the chain), and
 * the warnings in full. Ctrl-C ends follow mode normally: no exit 130.
 */
function renderFollowedRun(ctx: CliContext, result: RunIndexResult): void {
  ctx.info(renderFollowRun(result.token))
  const warning = renderMismatchWarning(result.token)
  if (warning) ctx.warn(warning)
  const governorWarning = result.governors && renderGovernorWarning(result.governors)
  if (governorWarning) ctx.warn(governorWarning)
}

/** Seconds between follow-mode runs: about one Ethereum slot. */
const DEFAULT_INTERVAL = 12
/** Seconds between follow-mode reads of the Snapshot hub: votes change by the minute, not by the block. */
const DEFAULT_SNAPSHOT_INTERVAL = 300

/** The run's summaries and warnings on stderr; exit 130 when Ctrl-C cut it short. */
function renderRun(ctx: CliContext, result: RunIndexResult): void {
  ctx.info(renderIndexSummary(result.token))
  const warning = renderMismatchWarning(result.token)
  if (warning) ctx.warn(warning)
  if (result.token.interrupted) ctx.setExitCode(130)
  if (result.governors) {
    ctx.info(renderGovernorSummary(result.governors))
    const governorWarning = renderGovernorWarning(result.governors)
    if (governorWarning) ctx.warn(governorWarning)
  }
  if (result.snapshot) ctx.info(renderSnapshotSummary(result.snapshot))
  if (result.delegations) ctx.info(renderDelegationSummary(result.delegations))
}

const unsupportedTitles = () =>
  PRESETS.filter((p) => p.token.votes === 'unsupported')
    .map((p) => p.title)
    .join(', ')

const collect =
  <T>(parse: (value: string) => T) =>
  (value: string, previous: T[]): T[] => [...previous, parse(value)]

function parseGovernorKind(value: string): GovernorKind {
  if ((GOVERNOR_KINDS as readonly string[]).includes(value)) return value as GovernorKind
  throw new UsageError(`--governor-kind must be one of ${GOVERNOR_KINDS.join(', ')}; got "${value}".`)
}
