/** `govaudit votes`: one proposal's voters by weight, with shares and the voting-power check. */
import type { Command } from 'commander'
import type { CliContext } from '../context.js'
import { parseAddress } from '../../config/options.js'
import { parseGovernorProposalId } from '../../config/governorOptions.js'
import { openDb, resolveDbPath } from '../../store/db.js'
import { getDao } from '../../store/daos.js'
import { getGovernorProposal, proposalVoters } from '../../store/governorQueries.js'
import { parseFormat, type Format } from '../../report/format.js'
import { renderVotes } from '../../report/votes.js'
import { UsageError } from '../../errors.js'

type VotesOptions = { proposal?: bigint; governor?: string; format: Format }

export function registerVotes(program: Command, ctx: CliContext): void {
  program
    .command('votes <dao>')
    .summary("one proposal's votes, largest first, with shares and the voting-power check")
    .description(
      "The voters of one governor proposal, largest weight first: their share of the votes cast, where the weight went (a fractional voter's several votes merged), their reasons, and whether the weight equals their voting power at the proposal's snapshot as the indexed token events give it (a mismatch reveals missing events or a wrong snapshot clock).",
    )
    .option('--proposal <id>', 'the proposal id (decimal or 0x hex), as `govaudit proposals` lists it', parseGovernorProposalId)
    .option('--governor <address>', 'the governor, when the id exists under several', parseAddress('--governor'))
    .option('--format <format>', 'table | json | csv | markdown', parseFormat, 'table')
    .addHelpText(
      'after',
      `
Examples:
  $ govaudit votes compound --proposal 42
  $ govaudit votes compound --proposal 42 --format csv > votes-42.csv
  $ govaudit votes ens --proposal 0x5f0d3c... --governor 0x323A76393544d5ecca80cd6ef2A560C6a395b7E3 --format json`,
    )
    .action((name: string, opts: VotesOptions) => {
      if (opts.proposal === undefined) throw new UsageError('votes needs --proposal ID; list the ids with `govaudit proposals <dao>`.')
      const db = openDb({ path: resolveDbPath(ctx.globals().db), create: false })
      try {
        const dao = getDao(db, name.toLowerCase())
        const proposal = getGovernorProposal(db, dao, { id: opts.proposal, ...(opts.governor ? { governor: opts.governor } : {}) })
        ctx.out(renderVotes({ dao: dao.name, ...proposalVoters(db, dao, proposal) }, opts.format))
      } finally {
        db.close()
      }
    })
}
