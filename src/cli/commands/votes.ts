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
import { findSnapshotProposal, readSnapshotVotes } from '../../store/snapshotStore.js'
import { isSnapshotType, scoreSnapshot } from '../../analysis/snapshotScoring.js'
import { renderSnapshotVotes } from '../../report/snapshotVotes.js'

type VoteSourceOption = 'governor' | 'snapshot'
type VotesOptions = { proposal?: string; governor?: string; source: VoteSourceOption; format: Format }

const parseSource = (value: string): VoteSourceOption => {
  if (value === 'governor' || value === 'snapshot') return value
  throw new UsageError(`--source must be governor or snapshot; got "${value}".`)
}

export function registerVotes(program: Command, ctx: CliContext): void {
  program
    .command('votes <dao>')
    .summary("one proposal's votes, largest first, with shares and the voting-power check")
    .description(
      "The voters of one governor proposal, largest weight first: their share of the votes cast, where the weight went (a fractional voter's several votes merged), their reasons, and whether the weight equals their voting power at the proposal's snapshot as the indexed token events give it (a mismatch reveals missing events or a wrong snapshot clock).",
    )
    .option('--proposal <id>', 'the proposal id (governor: decimal or 0x hex; snapshot: the hub id), as `govaudit proposals` lists it')
    .option('--governor <address>', 'the governor, when the id exists under several', parseAddress('--governor'))
    .option('--source <source>', 'governor | snapshot', parseSource, 'governor')
    .option('--format <format>', 'table | json | csv | markdown', parseFormat, 'table')
    .addHelpText(
      'after',
      `
Examples:
  $ govaudit votes compound --proposal 42
  $ govaudit votes compound --proposal 42 --format csv > votes-42.csv
  $ govaudit votes ens --proposal 0x5f0d3c... --governor 0x323A76393544d5ecca80cd6ef2A560C6a395b7E3 --format json
  $ govaudit votes uniswap --source snapshot --proposal 0x1086...4abf`,
    )
    .action((name: string, opts: VotesOptions) => {
      if (opts.proposal === undefined) throw new UsageError('votes needs --proposal ID; list the ids with `govaudit proposals <dao>`.')
      const governorId = opts.source === 'governor' ? parseGovernorProposalId(opts.proposal) : undefined
      if (opts.source === 'snapshot' && opts.governor !== undefined) throw new UsageError('--governor applies to governor proposals, not to --source snapshot.')
      const db = openDb({ path: resolveDbPath(ctx.globals().db), create: false })
      try {
        const dao = getDao(db, name.toLowerCase())
        if (governorId === undefined) {
          const id = opts.proposal.trim()
          const proposal = findSnapshotProposal(db, dao.id, id)
          if (!proposal)
            throw new UsageError(`No Snapshot proposal "${id}" for DAO "${dao.name}"; list them with \`govaudit proposals ${dao.name} --source snapshot\`.`)
          const votes = readSnapshotVotes(db, dao.id, id, { order: 'vp' })
          const scored = isSnapshotType(proposal.type) ? scoreSnapshot({ type: proposal.type, choices: proposal.choices, votes }) : undefined
          ctx.out(renderSnapshotVotes({ dao: dao.name, proposal, votes, anomalies: scored?.anomalies ?? [] }, opts.format))
          return
        }
        const proposal = getGovernorProposal(db, dao, { id: governorId, ...(opts.governor ? { governor: opts.governor } : {}) })
        ctx.out(renderVotes({ dao: dao.name, ...proposalVoters(db, dao, proposal) }, opts.format))
      } finally {
        db.close()
      }
    })
}
