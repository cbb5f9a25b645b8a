/** `govaudit index`: fetch a DAO's token events into the database, resumable. */
import fs from 'node:fs'
import type { Command } from 'commander'
import type { CliContext } from '../context.js'
import { parseAddress, parseConfirmations, parseDaoName, parseNonNegativeInt, parsePositiveInt } from '../../config/options.js'
import { openDb, resolveDbPath, type Db } from '../../store/db.js'
import { findDao } from '../../store/daos.js'
import { createRpcClient } from '../../sources/evm/rpc.js'
import { getChainId } from '../../sources/evm/blocks.js'
import { probeToken } from '../../sources/token/probe.js'
import { detectGovernors, syncGovernors, type GovernorRequest } from '../../sync/syncGovernors.js'
import { indexSnapshotSpace } from '../../sources/snapshot/indexSnapshotSpace.js'
import { GOVERNOR_KINDS, type GovernorKind } from '../../sources/governor/topics.js'
import { INDEXABLE_GOVERNOR_KINDS } from '../../config/presets/types.js'
import { indexDao, type Confirmations, type IndexProgress } from '../../sync/indexDao.js'
import { renderSnapshotSummary, renderGovernorSummary, renderGovernorWarning, renderIndexSummary, renderMismatchWarning, renderProgress } from '../../report/indexSummary.js'
import { UsageError } from '../../errors.js'
import { findPreset, PRESETS, type Preset } from '../../config/presets/index.js'
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
  /** --no-governors: false skips the preset's governors. */
  governors: boolean
}

export function registerIndex(program: Command, ctx: CliContext): void {
  program
    .command('index')
    .summary('index a governance token into the database (resumable)')
    .description(
      `Fetch every Transfer, DelegateChanged and DelegateVotesChanged event of a governance token (ERC20Votes, Comp-style or ERC721Votes) and store balances, delegations and voting power at every block. Only blocks at least --confirmations deep are indexed. Re-running continues from the last committed block; Ctrl-C stops after the current batch, and a crash loses nothing.

With a preset (\`govaudit presets\` lists them) nothing but --rpc is needed: the preset gives the token, the DAO name and the first block. Flags still override --name and --from-block; a --token that is not the preset's is refused, as is an RPC on another chain. Presets whose token records votes differently (${unsupportedTitles()}) are refused with the reason. The preset's ${GOVERNORS_NOT_INDEXED}.`,
    )
    .argument('[preset]', 'a known DAO (govaudit presets): uniswap, compound, ens, arbitrum, ...')
    .option('--rpc <url>', 'JSON-RPC endpoint (default: $GOVAUDIT_RPC_URL); API keys in it are never printed')
    .option('--token <address>', 'governance token address', parseAddress('--token'))
    .option('--name <name>', "DAO name in the database (default: the preset's name, else the token's symbol)", parseDaoName)
    .option('--from-block <n>', "first block (default: the preset's first block, else the token's deployment block)", parseNonNegativeInt('--from-block'))
    .option('--to-block <n>', 'last block (default: the latest settled block)', parseNonNegativeInt('--to-block'))
    .option('--confirmations <n|finalized>', 'blocks to stay behind the head, or "finalized"', parseConfirmations, 12)
    .option('--concurrency <n>', 'eth_getLogs requests in flight', parsePositiveInt('--concurrency', 64), 4)
    .option('--batch-size <events>', 'events per database commit (smaller: more frequent progress commits)', parsePositiveInt('--batch-size'), 50_000)
    .option('--rpc-timeout <seconds>', 'per-request RPC timeout before a retry', parsePositiveInt('--rpc-timeout', 600), 30)
    .option('--governor <address>', 'a Governor of this token to index too (repeatable: Alpha, then Bravo, then OZ...)', collect(parseAddress('--governor')), [])
    .option('--no-governors', "index the preset's token only, not its governors")
    .option('--snapshot <space>', 'also index this Snapshot space (e.g. uniswapgovernance.eth) from the hub; $SNAPSHOT_API_KEY is sent, never printed')
    .option('--hub <url>', 'Snapshot hub GraphQL URL (default: https://hub.snapshot.org/graphql)')
    .option('--governor-kind <kind>', 'oz | bravo | alpha, one per --governor in order; checked against the chain', collect(parseGovernorKind), [])
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
  $ GOVAUDIT_RPC_URL=... govaudit index --name compound          # resume an existing DAO`,
    )
    .action(async (presetName: string | undefined, raw: IndexOptions) => {
      // A preset is resolved (or refused) before the RPC or the database is touched.
      const preset = presetName === undefined ? undefined : usablePreset(presetName, raw.token)
      const opts = preset ? withPreset(raw, preset) : raw
      const rpcUrl = opts.rpc ?? ctx.env.GOVAUDIT_RPC_URL
      if (!rpcUrl) throw new UsageError('No RPC endpoint: pass --rpc URL or set GOVAUDIT_RPC_URL.')
      if (opts.fromBlock !== undefined && opts.toBlock !== undefined && opts.fromBlock > opts.toBlock)
        throw new UsageError(
          raw.fromBlock === undefined && preset
            ? `--to-block ${opts.toBlock} is before preset ${preset.name}'s first block ${opts.fromBlock}.`
            : `--from-block ${opts.fromBlock} is after --to-block ${opts.toBlock}.`,
        )
      const rpc = createRpcClient({ url: rpcUrl, timeoutMs: opts.rpcTimeout * 1000 })
      // Reach the node and check the token before creating or touching the database file.
      const chainId = await getChainId(rpc)
      if (preset && chainId !== preset.chainId)
        throw new UsageError(
          `Preset ${preset.name} is on chain ${preset.chainId} (${preset.chainName}), but the RPC serves chain ${chainId}; pass an RPC URL for ${preset.chainName}.`,
        )
      const tokenInfo = opts.token === undefined ? undefined : await probeToken(rpc, opts.token, chainId)
      const governors = await detectGovernors(rpc, governorRequests(opts, preset), opts.token)
      const dbPath = resolveDbPath(ctx.globals().db)
      if (opts.token === undefined && !fs.existsSync(dbPath))
        throw new UsageError(`No database at ${dbPath} to resume from; pass --token ADDRESS to start indexing.`)
      const db = openDb({ path: dbPath, create: true })
      const token = opts.token ?? existingToken(db, opts.name)
      // Resuming a DAO keeps its own start block: the preset's applies only to a new one.
      if (preset && raw.fromBlock === undefined && opts.name !== undefined && findDao(db, opts.name)) opts.fromBlock = undefined
      if (preset)
        ctx.info(
          `Preset ${preset.name}: ${preset.token.symbol ?? 'token'} ${preset.token.address} on ${preset.chainName}` +
            (opts.fromBlock !== undefined ? ` from block ${opts.fromBlock}` : '') +
            `; ${GOVERNORS_NOT_INDEXED} (${preset.governors.map((g) => `${g.kind} ${g.address}`).join(', ')}).`,
        )

      let stopRequested = false
      const onSigint = () => {
        if (stopRequested) process.exit(130) // second Ctrl-C: the last commit is already safe
        stopRequested = true
        ctx.info('Stopping after the current batch (Ctrl-C again to quit now; nothing committed is lost)...')
      }
      process.on('SIGINT', onSigint)
      const spinner = ctx.spinner(`Connecting to ${rpc.label}`)
      try {
        const result = await indexDao({
          db,
          rpc,
          token,
          name: opts.name,
          tokenInfo,
          fromBlock: opts.fromBlock,
          toBlock: opts.toBlock,
          confirmations: opts.confirmations,
          concurrency: opts.concurrency,
          batchEvents: opts.batchSize,
          shouldStop: () => stopRequested,
          onStart: (s) =>
            spinner.text(
              s.fromBlock > s.toBlock
                ? `${s.dao.name}: up to date at block ${s.resumedFrom}`
                : `${s.dao.name}: ${s.resumedFrom === null ? 'indexing' : 'resuming'} blocks ${s.fromBlock}..${s.toBlock}`,
            ),
          onProgress: (p: IndexProgress) => spinner.text(renderProgress(p)),
        })
        spinner.stop()
        ctx.info(renderIndexSummary(result))
        const warning = renderMismatchWarning(result)
        if (warning) ctx.warn(warning)
        if (result.interrupted) ctx.setExitCode(130)
        else if (result.cursor !== null) {
          spinner.text(`${result.dao.name}: indexing governors`)
          const synced = await syncGovernors({ db, rpc, dao: result.dao, detected: governors, toBlock: result.cursor, concurrency: opts.concurrency })
          spinner.stop()
          if (synced) {
            ctx.info(renderGovernorSummary(synced))
            const governorWarning = renderGovernorWarning(synced)
            if (governorWarning) ctx.warn(governorWarning)
          }
          if (opts.snapshot !== undefined) {
            const space = opts.snapshot
            spinner.text(`Snapshot ${space}: reading proposals`)
            const snap = await indexSnapshotSpace({
              db,
              dao: result.dao,
              space,
              ...(opts.hub ? { hub: opts.hub } : {}),
              ...(ctx.env.SNAPSHOT_API_KEY ? { apiKey: ctx.env.SNAPSHOT_API_KEY } : {}),
              onProgress: (e) => spinner.text(`Snapshot ${space}: proposal ${e.done}/${e.of} (${e.votes} votes)`),
            })
            spinner.stop()
            ctx.info(renderSnapshotSummary(snap))
          }
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

const unsupportedTitles = () =>
  PRESETS.filter((p) => p.token.votes === 'unsupported')
    .map((p) => p.title)
    .join(', ')

/** The preset, refused when its token cannot be indexed or --token contradicts it. */
function usablePreset(name: string, token: string | undefined): Preset {
  const preset = findPreset(name)
  if (preset.token.votes === 'unsupported')
    throw new UsageError(`Preset ${preset.name} cannot be indexed: ${preset.token.unsupportedReason}.`)
  if (token !== undefined && token !== preset.token.address.toLowerCase())
    throw new UsageError(
      `--token ${token} is not preset ${preset.name}'s token ${preset.token.address}; drop --token, or drop the preset to index another token.`,
    )
  return preset
}

/** The flags with the preset's token, name and first block filled in where not given. */
function withPreset(opts: IndexOptions, preset: Preset): IndexOptions {
  return {
    ...opts,
    token: preset.token.address.toLowerCase(),
    name: opts.name ?? preset.name,
    fromBlock: opts.fromBlock ?? preset.token.fromBlock,
  }
}

function existingToken(db: Db, name: string | undefined): string {
  if (name === undefined) throw new UsageError('Pass --token ADDRESS (or --name of a DAO already in the database to resume it).')
  const dao = findDao(db, name)
  if (!dao) throw new UsageError(`No DAO named "${name}" in the database yet; pass --token ADDRESS to create it.`)
  return dao.token
}

const collect =
  <T>(parse: (value: string) => T) =>
  (value: string, previous: T[]): T[] => [...previous, parse(value)]

function parseGovernorKind(value: string): GovernorKind {
  if ((GOVERNOR_KINDS as readonly string[]).includes(value)) return value as GovernorKind
  throw new UsageError(`--governor-kind must be one of ${GOVERNOR_KINDS.join(', ')}; got "${value}".`)
}

/** --governor flags (with --governor-kind paired in order), then the preset's indexable governors. */
function governorRequests(opts: IndexOptions, preset: Preset | undefined): GovernorRequest[] {
  if (opts.governorKind.length > 0 && opts.governorKind.length !== opts.governor.length)
    throw new UsageError(
      `Give one --governor-kind per --governor, in the same order; got ${opts.governorKind.length} kind(s) for ${opts.governor.length} governor(s).`,
    )
  const fromFlags = opts.governor.map((address, i) => ({ address, ...(opts.governorKind[i] ? { kind: opts.governorKind[i] } : {}) }))
  const fromPreset = (opts.governors ? (preset?.governors ?? []) : [])
    .filter((g) => INDEXABLE_GOVERNOR_KINDS.includes(g.kind))
    .map((g) => ({ address: g.address.toLowerCase(), kind: g.kind as GovernorKind, ...(g.fromBlock !== undefined ? { fromBlock: g.fromBlock } : {}) }))
  return [...fromFlags, ...fromPreset]
}
