/** `govaudit list`: the DAOs in the database and how far each is indexed. */
import type { Command } from 'commander'
import type { CliContext } from '../context.js'
import { openDb, resolveDbPath } from '../../store/db.js'
import { listDaoStatus } from '../../store/daoStatus.js'
import { renderDaoList } from '../../report/daoList.js'
import { parseFormat } from '../../report/format.js'

export function registerList(program: Command, ctx: CliContext): void {
  program
    .command('list')
    .summary('DAOs in the database and how far each is indexed')
    .option('--format <format>', 'table | json | csv | markdown', parseFormat, 'table')
    .addHelpText('after', '\nExamples:\n  $ govaudit list\n  $ govaudit list --format json --db research.db')
    .action((opts: { format: ReturnType<typeof parseFormat> }) => {
      const db = openDb({ path: resolveDbPath(ctx.globals().db), create: false })
      try {
        ctx.out(renderDaoList(listDaoStatus(db), opts.format))
      } finally {
        db.close()
      }
    })
}
