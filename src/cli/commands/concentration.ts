/** `govaudit concentration`: Gini, HHI, entropy and top-N shares of a weight distribution. */
import type { Command } from 'commander'
import type { CliContext } from '../context.js'
import { parseNonNegativeInt } from '../../config/options.js'
import { parseBasis, parseProposalId, parseVoteSource, type Basis } from '../../config/analysisOptions.js'
import { loadLabels } from '../../config/labelsFile.js'
import { openDb, resolveDbPath } from '../../store/db.js'
import { getDao } from '../../store/daos.js'
import type { VoteSource } from '../../store/voteSources.js'
import { parseFormat, type Format } from '../../report/format.js'
import { renderConcentration } from '../../report/concentration.js'
import { measureConcentration } from '../measures.js'

type ConcentrationOptions = {
  basis?: Basis
  block?: number
  proposal?: string
  source?: VoteSource
  labels?: string
  format: Format
}

export function registerConcentration(program: Command, ctx: CliContext): void {
  program
    .command('concentration <dao>')
    .summary('Gini, HHI, entropy and top-1/5/10/100 shares')
    .description(
      `How concentrated a weight distribution is, over the addresses with weight > 0 (after labels): Gini coefficient, Herfindahl-Hirschman index (0..10000), Shannon entropy in nats, and the shares of the 1, 5, 10 and 100 largest. Basis as for \`nakamoto\`.`,
    )
    .option('--basis <basis>', 'voting-power | balance | votes (default: votes with --proposal, else voting-power)', parseBasis)
    .option('--block <n>', 'read voting power / balances at this block (default: the last indexed block)', parseNonNegativeInt('--block'))
    .option('--proposal <id>', 'measure the votes cast on this proposal (implies --basis votes)', parseProposalId)
    .option('--source <source>', "the proposal's source: governor | snapshot | import", parseVoteSource)
    .option('--labels <file>', 'CSV of address,label[,entity][,exclude]: merge entities, exclude addresses')
    .option('--format <format>', 'table | json | csv | markdown', parseFormat, 'table')
    .addHelpText(
      'after',
      `
Examples:
  $ govaudit concentration uniswap
  $ govaudit concentration uniswap --basis balance --block 19000000 --format json
  $ govaudit concentration mydao --labels labels.csv --format markdown`,
    )
    .action((name: string, opts: ConcentrationOptions) => {
      const labels = loadLabels(opts.labels)
      const db = openDb({ path: resolveDbPath(ctx.globals().db), create: false })
      try {
        const dao = getDao(db, name.toLowerCase())
        const report = measureConcentration(db, dao, { basis: opts.basis, block: opts.block, proposal: opts.proposal, source: opts.source }, labels)
        ctx.out(renderConcentration(report, opts.format))
      } finally {
        db.close()
      }
    })
}
