/**
 * `govaudit rebuild`: derive a DAO's derived tables again from its raw rows and compare
 * (src/sync/rebuild.ts). Exit 0 when identical or replaced, 1 with --check when any row
 * differs, 2 bad usage (an unknown DAO), 4 a database error.
 */
import type { Command } from 'commander'
import type { CliContext } from '../context.js'
import { openDb, resolveDbPath } from '../../store/db.js'
import { getDao } from '../../store/daos.js'
import { rebuildDao } from '../../sync/rebuild.js'
import { parseFormat, type Format } from '../../report/format.js'
import { rebuildDiffers, rebuildSummary, renderRebuild } from '../../report/rebuild.js'

export function registerRebuild(program: Command, ctx: CliContext): void {
  program
    .command('rebuild <dao>')
    .summary('derive the derived tables again from the raw events and compare, bit for bit')
    .description(
      `Replays the DAO's raw token events (Transfer, DelegateChanged, DelegateVotesChanged) through the indexer's own derivation and sums its stored votes again, then compares the result with the stored derived tables (balance and voting-power checkpoints, current balances, voting power and delegations, proposal tallies), row by row. When they differ, the stored rows are replaced by the rebuilt ones in one transaction; with --check nothing is written. The cursor, the raw rows and everything else stay as they are.

Every number govaudit reports comes from these tables, so this is how to show that a database's figures follow from the events it holds.`,
    )
    .option('--check', 'compare only: write nothing, exit 1 when any row differs')
    .option('--format <format>', 'table | json | csv | markdown', parseFormat, 'table')
    .addHelpText(
      'after',
      `
Exit codes: 0 identical (or replaced), 1 with --check when any row differs, 2 bad usage, 4 database error.

Examples:
  $ govaudit rebuild uniswap --check               # CI: fail if a derived row does not follow from the raw events
  $ govaudit rebuild uniswap                       # repair: replace the derived rows that differ
  $ govaudit rebuild uniswap --check --format json`,
    )
    .action((name: string, opts: { check?: boolean; format: Format }) => {
      const check = opts.check ?? false
      // --check writes nothing to the stored tables, so a read-only file will do.
      const db = openDb({ path: resolveDbPath(ctx.globals().db), create: false, write: !check })
      const spinner = ctx.spinner(`Rebuilding ${name}`)
      try {
        const dao = getDao(db, name.toLowerCase())
        const result = rebuildDao({ db, dao, check, onProgress: (events) => spinner.text(`Rebuilding ${dao.name}: ${events} raw events replayed`) })
        spinner.stop()
        ctx.out(renderRebuild(result, opts.format))
        if (rebuildDiffers(result)) {
          ctx.warn(rebuildSummary(result))
          if (check) ctx.setExitCode(1)
        }
      } finally {
        spinner.stop()
        db.close()
      }
    })
}
