/** `govaudit delegations --snapshot`: who delegated to whom for a Snapshot space at a block. */
import type { Command } from 'commander'
import type { CliContext } from '../context.js'
import { parseAddress, parseNonNegativeInt } from '../../config/options.js'
import { openDb, resolveDbPath } from '../../store/db.js'
import { getDao } from '../../store/daos.js'
import { readSnapshotDelegations } from '../../store/snapshotDelegations.js'
import { parseFormat, type Format } from '../../report/format.js'
import { renderSnapshotDelegations } from '../../report/snapshotDelegations.js'
import { UsageError } from '../../errors.js'

type DelegationsOptions = { snapshot?: string | true; delegateRegistry?: string; block?: number; format: Format }

export function registerDelegations(program: Command, ctx: CliContext): void {
  program
    .command('delegations <dao>')
    .summary('who delegated to whom for a Snapshot space at a block (DelegateRegistry)')
    .description(
      "Snapshot delegations in force at a block, from the DelegateRegistry's SetDelegate / ClearDelegate events that `govaudit index --snapshot SPACE` indexes: for each delegator, its delegate for this space, or else its global delegate (id zero) — a space delegation overrides a global one, as Snapshot's delegation strategy reads them. The space and registry default to the one the DAO has indexed; the block defaults to the last indexed one.",
    )
    .option('--snapshot [space]', 'Snapshot delegations (required); the space, when the DAO has several indexed')
    .option('--delegate-registry <address>', 'the registry, when the space was indexed from several', parseAddress('--delegate-registry'))
    .option('--block <n>', 'delegations in force at the end of this block (default: the last indexed block)', parseNonNegativeInt('--block'))
    .option('--format <format>', 'table | json | csv | markdown', parseFormat, 'table')
    .addHelpText(
      'after',
      `
Examples:
  $ govaudit delegations uniswap --snapshot
  $ govaudit delegations uniswap --snapshot uniswapgovernance.eth --block 19000000 --format json`,
    )
    .action((name: string, opts: DelegationsOptions) => {
      if (opts.snapshot === undefined)
        throw new UsageError('delegations lists Snapshot delegations: pass --snapshot (token delegations are in `govaudit report`).')
      const db = openDb({ path: resolveDbPath(ctx.globals().db), create: false })
      try {
        const dao = getDao(db, name.toLowerCase())
        const at = readSnapshotDelegations(db, dao, {
          ...(typeof opts.snapshot === 'string' ? { space: opts.snapshot } : {}),
          ...(opts.delegateRegistry !== undefined ? { registry: opts.delegateRegistry } : {}),
          ...(opts.block !== undefined ? { block: opts.block } : {}),
        })
        ctx.out(renderSnapshotDelegations({ dao: dao.name, ...at }, opts.format))
      } finally {
        db.close()
      }
    })
}
