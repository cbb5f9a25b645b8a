/** `govaudit report`: one screen with a DAO's concentration, delegation and whale-decided proposals. */
import fs from 'node:fs'
import type { Command } from 'commander'
import type { CliContext } from '../context.js'
import { parseNonNegativeInt, parsePositiveInt } from '../../config/options.js'
import { loadLabels } from '../../config/labelsFile.js'
import { openDb, resolveDbPath } from '../../store/db.js'
import { getDao } from '../../store/daos.js'
import { parseReportFormat, renderReport, type ReportFormat } from '../../report/report.js'
import { renderHtml } from '../../report/html.js'
import { gatherReport } from '../reportModel.js'
import { UsageError } from '../../errors.js'

type ReportOptions = {
  format: ReportFormat
  html?: string
  proposals: number
  whales: number
  block?: number
  labels?: string
}

export function registerReport(program: Command, ctx: CliContext): void {
  program
    .command('report <dao>')
    .summary('one screen: Nakamoto coefficients, concentration, delegation, whale-decided proposals')
    .description(
      `Everything at once: the Nakamoto coefficient and concentration on each basis (voting power and token balance at one block, or an imported DAO's holder list), the largest delegates and how many holders delegate to each, where the supply's votes go (self-delegated, delegated to others, undelegated), and the whale-decided summary of the most recent proposals of each source (Governor and Snapshot side by side). Each figure states its basis, block and denominator; a basis or source the DAO lacks is shown as unavailable. --html FILE also writes a self-contained page (no network) with a Lorenz curve, a chart of the largest holders and the proposal table.`,
    )
    .option('--format <format>', 'table | markdown | json', parseReportFormat, 'table')
    .option('--html <file>', 'also write a self-contained HTML page with the charts to FILE')
    .option('--proposals <n>', 'how many of the most recent proposals of each source', parsePositiveInt('--proposals'), 20)
    .option('--whales <k>', 'whale-decided when at most K voters decide it', parseNonNegativeInt('--whales'), 1)
    .option('--block <n>', 'read voting power, balances and delegations at this block (default: the last indexed block)', parseNonNegativeInt('--block'))
    .option('--labels <file>', "CSV of address,label[,entity][,exclude]: merge entities, exclude addresses")
    .addHelpText(
      'after',
      `
Examples:
  $ govaudit report uniswap
  $ govaudit report uniswap --format markdown --proposals 10 > report.md
  $ govaudit report uniswap --html report.html --labels labels.csv`,
    )
    .action((name: string, opts: ReportOptions) => {
      const labels = loadLabels(opts.labels)
      const db = openDb({ path: resolveDbPath(ctx.globals().db), create: false })
      try {
        const dao = getDao(db, name.toLowerCase())
        const model = gatherReport(db, dao, { block: opts.block, proposals: opts.proposals, whales: opts.whales }, labels)
        if (opts.html !== undefined) {
          try {
            fs.writeFileSync(opts.html, renderHtml(model))
          } catch (error) {
            throw new UsageError(`Cannot write the HTML report to ${opts.html}; check the path.`, { cause: error })
          }
          ctx.info(`Wrote the HTML report to ${opts.html}.`)
        }
        ctx.out(renderReport(model, opts.format))
      } finally {
        db.close()
      }
    })
}
