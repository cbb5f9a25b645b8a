/** `govaudit nakamoto`: the fewest holders who together exceed a threshold of the denominator. */
import { Option, type Command } from 'commander'
import type { CliContext } from '../context.js'
import { parseNonNegativeInt } from '../../config/options.js'
import { parseBasis, parseDenominator, parseProposalId, parseVoteSource, type Basis, type Denominator } from '../../config/analysisOptions.js'
import { loadLabels } from '../../config/labelsFile.js'
import { HALF, parseRatio, type Ratio } from '../../analysis/ratio.js'
import { openDb, resolveDbPath } from '../../store/db.js'
import { getDao } from '../../store/daos.js'
import type { VoteSource } from '../../store/voteSources.js'
import { parseFormat, type Format } from '../../report/format.js'
import { renderNakamoto } from '../../report/nakamoto.js'
import { measureNakamoto } from '../measures.js'

type NakamotoOptions = {
  basis?: Basis
  block?: number
  proposal?: string
  source?: VoteSource
  threshold: Ratio
  denominator?: Denominator
  labels?: string
  format: Format
}

export function registerNakamoto(program: Command, ctx: CliContext): void {
  program
    .command('nakamoto <dao>')
    .summary('fewest holders who together hold more than a threshold (Nakamoto coefficient)')
    .description(
      `The smallest k such that the k largest holders hold strictly more than --threshold of the denominator. Basis: voting power or token balance at a block (default: the last indexed block), the imported holder list of an imported DAO, or the votes cast on one proposal. Labels merge an entity's addresses into one holder and exclude addresses (treasury, timelock) from both the population and the denominator; the output lists both.`,
    )
    .option('--basis <basis>', 'voting-power | balance | votes (default: votes with --proposal, else voting-power)', parseBasis)
    .option('--block <n>', 'read voting power / balances at this block (default: the last indexed block)', parseNonNegativeInt('--block'))
    .option('--proposal <id>', 'measure the votes cast on this proposal (implies --basis votes)', parseProposalId)
    .option('--source <source>', "the proposal's source: governor | snapshot | import (default: whichever stores it)", parseVoteSource)
    .addOption(new Option('--threshold <ratio>', 'share to exceed, strictly, in (0, 1): 0.5, 2/3 or 33%').argParser(parseRatio).default(HALF, '0.5'))
    .option(
      '--denominator <total>',
      'total-voting-power | total-supply | votes-cast | total-imported (default: the basis\'s own total)',
      parseDenominator,
    )
    .option('--labels <file>', 'CSV of address,label[,entity][,exclude]: merge entities, exclude addresses')
    .option('--format <format>', 'table | json | csv | markdown', parseFormat, 'table')
    .addHelpText(
      'after',
      `
Examples:
  $ govaudit nakamoto uniswap
  $ govaudit nakamoto uniswap --basis balance --block 19000000 --threshold 2/3
  $ govaudit nakamoto uniswap --denominator total-supply --labels labels.csv --format json
  $ govaudit nakamoto mydao --proposal 42 --format csv`,
    )
    .action((name: string, opts: NakamotoOptions) => {
      const labels = loadLabels(opts.labels)
      const db = openDb({ path: resolveDbPath(ctx.globals().db), create: false })
      try {
        const dao = getDao(db, name.toLowerCase())
        const report = measureNakamoto(
          db,
          dao,
          { basis: opts.basis, denominator: opts.denominator, block: opts.block, proposal: opts.proposal, source: opts.source, threshold: opts.threshold },
          labels,
        )
        ctx.out(renderNakamoto(report, opts.format))
      } finally {
        db.close()
      }
    })
}
