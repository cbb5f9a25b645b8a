/** `govaudit decisive`: per proposal, the fewest voters whose removal flips the outcome. */
import type { Command } from 'commander'
import type { CliContext } from '../context.js'
import { parseNonNegativeInt } from '../../config/options.js'
import { parseProposalId, parseQuorum, parseRule, parseVoteSource, refuseQuorumWithoutRule } from '../../config/analysisOptions.js'
import type { DecimalAmount } from '../../config/decimalAmount.js'
import { loadLabels } from '../../config/labelsFile.js'
import type { CountingRule } from '../../analysis/rules/index.js'
import { openDb, resolveDbPath } from '../../store/db.js'
import { getDao } from '../../store/daos.js'
import type { VoteSource } from '../../store/voteSources.js'
import { parseFormat, type Format } from '../../report/format.js'
import { renderDecisive } from '../../report/decisive.js'
import { measureDecisive } from '../measures.js'

type DecisiveOptions = {
  proposal?: string
  whales: number
  source?: VoteSource
  rule?: CountingRule
  quorum?: DecimalAmount
  labels?: string
  format: Format
}

export function registerDecisive(program: Command, ctx: CliContext): void {
  program
    .command('decisive <dao>')
    .summary('fewest voters whose removal flips each proposal; share decided by whales')
    .description(
      `For each proposal, the fewest voters whose removal would flip its outcome (passed: for <= against or quorum lost; defeated: for > against with quorum kept), and the share of decided proposals decided by at most --whales voters. Imported votes carry no counting rule or quorum: pass --rule (and --quorum) to assess them; without --rule their outcome is shown as for > against with quorum 0, their decisive count is null (unknown), and they are left out of the share. Snapshot proposals are counted by their own type and quorum: exact for single-choice and basic, a greedy upper bound (exact: false) for approval, weighted, quadratic and ranked-choice; their numbers are off-chain floats (vp is the space's strategy score, not an exact integer), as every output says.`,
    )
    .option('--proposal <id>', 'only this proposal', parseProposalId)
    .option('--whales <k>', 'whale-decided when at most K voters decide it', parseNonNegativeInt('--whales'), 1)
    .option('--source <source>', 'governor | snapshot | import (default: every stored source)', parseVoteSource)
    .option('--rule <rule>', 'counting rule to assess with: bravo | oz-simple | oz-bravo-quorum (imported votes have none; overrides a source\'s own)', parseRule)
    .option('--quorum <votes>', 'quorum in the votes\' own units, decimals allowed (needs --rule; default 0; overrides a source\'s own)', parseQuorum)
    .option('--labels <file>', 'CSV of address,label[,entity][,exclude]: merge an entity\'s voters into one')
    .option('--format <format>', 'table | json | csv | markdown', parseFormat, 'table')
    .addHelpText(
      'after',
      `
Examples:
  $ govaudit decisive mydao --rule bravo --quorum 400000
  $ govaudit decisive mydao --proposal 42 --whales 3 --rule oz-simple --format json
  $ govaudit decisive mydao --labels labels.csv --format csv
  $ govaudit decisive uniswap --source snapshot --format json`,
    )
    .action((name: string, opts: DecisiveOptions) => {
      refuseQuorumWithoutRule(opts)
      const labels = loadLabels(opts.labels)
      const db = openDb({ path: resolveDbPath(ctx.globals().db), create: false })
      try {
        const dao = getDao(db, name.toLowerCase())
        ctx.out(renderDecisive(measureDecisive(db, dao, opts, labels), opts.format))
      } finally {
        db.close()
      }
    })
}
