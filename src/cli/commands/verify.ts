/**
 * `govaudit verify`: compare the database with the contracts' own views through an RPC.
 * Exit 0 when every check matches, 1 when any differs (a result, set with
 * ctx.setExitCode), 2 for bad usage or an RPC of another chain, 3 when the RPC fails or
 * cannot serve historical state (an archive node is needed).
 */
import { randomInt } from 'node:crypto'
import type { Command } from 'commander'
import type { CliContext } from '../context.js'
import { parseNonNegativeInt, parsePositiveInt } from '../../config/options.js'
import { openDb, resolveDbPath } from '../../store/db.js'
import { getDao } from '../../store/daos.js'
import { createRpcClient } from '../../sources/evm/rpc.js'
import { parseFormat, type Format } from '../../report/format.js'
import { hasMismatch, renderVerify, verifySummary } from '../../report/verify.js'
import { DEFAULT_SAMPLE, MAX_SEED, SAMPLED_BLOCKS, TOP_ACCOUNTS } from '../../verify/plan.js'
import { verifyDao } from '../../verify/verifyDao.js'
import { UsageError } from '../../errors.js'

type VerifyOptions = {
  rpc?: string
  sample?: number
  block?: number
  all?: boolean
  seed?: number
  format: Format
  concurrency: number
}

function parseSeed(value: string): number {
  const n = parseNonNegativeInt('--seed')(value)
  if (n > MAX_SEED) throw new UsageError(`--seed must be between 0 and ${MAX_SEED}; got ${value}.`)
  return n
}

export function registerVerify(program: Command, ctx: CliContext): void {
  program
    .command('verify <dao>')
    .summary("compare stored numbers with the contracts' own views at historical blocks (needs an archive node)")
    .description(
      `Reads the token's and the governor's own views through the RPC and compares them with the database: voting power (getPastVotes / getPriorVotes, or getVotes at the block), balanceOf and delegates at the block, the total supply (getPastTotalSupply or totalSupply), and for every proposal its tally (proposalVotes / proposals), quorum (quorum(snapshot) / quorumVotes) and state().

Accounts: the ${TOP_ACCOUNTS} largest holders and ${TOP_ACCOUNTS} largest delegates at the last indexed block, plus --sample N accounts drawn from every account the database knows (--all: every one). Blocks: the last indexed block, --block, ${SAMPLED_BLOCKS} earlier blocks drawn at random, and every proposal's snapshot block (where each proposal's largest voters are checked too). The draw is seeded: the seed is printed, and --seed repeats a run exactly.

Reading balances at old blocks needs an archive node.`,
    )
    .option('--rpc <url>', 'JSON-RPC endpoint of the DAO\'s chain (default: $GOVAUDIT_RPC_URL); API keys in it are never printed')
    .option('--sample <n>', `random accounts to check besides the top holders and delegates (default ${DEFAULT_SAMPLE})`, parseNonNegativeInt('--sample'))
    .option('--block <n>', 'also check this block (between the first and the last indexed block)', parseNonNegativeInt('--block'))
    .option('--all', 'check every account the database knows instead of a sample (slow on large DAOs)')
    .option('--seed <s>', `seed of the random draw, 0..${MAX_SEED} (default: random, printed)`, parseSeed)
    .option('--format <format>', 'table | json | csv | markdown', parseFormat, 'table')
    .option('--concurrency <n>', 'JSON-RPC batches in flight', parsePositiveInt('--concurrency', 64), 4)
    .addHelpText(
      'after',
      `
Exit codes: 0 every check matches, 1 a stored value differs from the chain, 2 bad usage or an RPC
of another chain, 3 RPC failure or a node without historical state (use an archive node).

Examples:
  $ govaudit verify uniswap --rpc $ARCHIVE_RPC_URL
  $ govaudit verify uniswap --sample 50 --block 19000000 --format json
  $ govaudit verify mydao --seed 1234              # the same accounts and blocks as a run that printed seed 1234`,
    )
    .action(async (name: string, opts: VerifyOptions) => {
      if (opts.all && opts.sample !== undefined) throw new UsageError('--all checks every account; drop --sample N or --all.')
      const rpcUrl = opts.rpc ?? ctx.env.GOVAUDIT_RPC_URL
      if (!rpcUrl) throw new UsageError('No RPC endpoint: pass --rpc URL (an archive node of the DAO\'s chain) or set GOVAUDIT_RPC_URL.')
      const rpc = createRpcClient({ url: rpcUrl })
      const seed = opts.seed ?? randomInt(0, MAX_SEED + 1)
      const db = openDb({ path: resolveDbPath(ctx.globals().db), create: false })
      const spinner = ctx.spinner(`Verifying ${name}`)
      try {
        const dao = getDao(db, name.toLowerCase())
        const report = await verifyDao({
          db,
          rpc,
          dao,
          seed,
          sample: opts.sample ?? DEFAULT_SAMPLE,
          all: opts.all ?? false,
          ...(opts.block !== undefined ? { block: opts.block } : {}),
          concurrency: opts.concurrency,
          // The seed goes out before any check: a run that fails can be repeated.
          onStart: () => ctx.info(`Verifying ${dao.name} against ${rpc.label} with seed ${seed}.`),
          onProgress: (text) => spinner.text(text),
        })
        spinner.stop()
        ctx.out(renderVerify(report, opts.format))
        ctx.info(verifySummary(report))
        if (hasMismatch(report)) ctx.setExitCode(1)
      } finally {
        spinner.stop()
        db.close()
      }
    })
}
