/** `govaudit proposals`: a DAO's governor proposals with tallies, quorum, states and disagreements. */
import type { Command } from 'commander'
import type { CliContext } from '../context.js'
import { parseAddress } from '../../config/options.js'
import { parseGovernorState } from '../../config/governorOptions.js'
import type { GovernorStateName } from '../../analysis/governorState.js'
import { openDb, resolveDbPath } from '../../store/db.js'
import { getDao } from '../../store/daos.js'
import { listGovernors } from '../../store/governors.js'
import { listGovernorProposals } from '../../store/governorQueries.js'
import { parseFormat, type Format } from '../../report/format.js'
import { renderProposals } from '../../report/proposals.js'
import { UsageError } from '../../errors.js'
import { readSnapshotProposals, readSnapshotVotes } from '../../store/snapshotStore.js'
import { checkSnapshotProposal } from '../../analysis/snapshotScoring.js'
import { renderSnapshotProposals } from '../../report/snapshotProposals.js'

type ProposalSource = 'governor' | 'snapshot'
type ProposalsOptions = { state?: GovernorStateName; governor?: string; source: ProposalSource; format: Format }

const parseProposalSource = (value: string): ProposalSource => {
  if (value === 'governor' || value === 'snapshot') return value
  throw new UsageError(`--source must be governor or snapshot; got "${value}".`)
}

export function registerProposals(program: Command, ctx: CliContext): void {
  program
    .command('proposals <dao>')
    .summary("a DAO's governor proposals: tallies, quorum, state and outcome")
    .description(
      "Every indexed proposal of the DAO's governors, oldest first: its votes for / against / abstain, the quorum that applied at its snapshot, the governor's own state() and the outcome the indexed votes give under the governor's counting rule. A disagreement between the two (or with the governor's own tally or deadline) is shown, never hidden.",
    )
    .option('--state <state>', 'only proposals in this state: pending | active | canceled | defeated | succeeded | queued | expired | executed', parseGovernorState)
    .option('--governor <address>', 'only this governor of the DAO', parseAddress('--governor'))
    .option('--source <source>', 'governor | snapshot (Snapshot proposals, their hub scores rechecked from the stored votes)', parseProposalSource, 'governor')
    .option('--format <format>', 'table | json | csv | markdown', parseFormat, 'table')
    .addHelpText(
      'after',
      `
Examples:
  $ govaudit proposals compound
  $ govaudit proposals compound --state defeated --format csv
  $ govaudit proposals compound --governor 0xc0Da02939E1441F497fd74F78cE7Decb17B66529 --format json
  $ govaudit proposals uniswap --source snapshot`,
    )
    .action((name: string, opts: ProposalsOptions) => {
      const db = openDb({ path: resolveDbPath(ctx.globals().db), create: false })
      try {
        const dao = getDao(db, name.toLowerCase())
        if (opts.source === 'snapshot') {
          if (opts.governor !== undefined || opts.state !== undefined)
            throw new UsageError('--governor and --state apply to governor proposals, not to --source snapshot.')
          const proposals = readSnapshotProposals(db, dao.id).map((proposal) => {
            const votes = readSnapshotVotes(db, dao.id, proposal.id)
            return { proposal, storedVotes: votes.length, check: checkSnapshotProposal({ proposal, votes }) }
          })
          if (proposals.length === 0)
            throw new UsageError(`DAO "${dao.name}" has no stored Snapshot proposals; index its space with \`govaudit index ... --snapshot SPACE\`.`)
          ctx.out(renderSnapshotProposals({ dao: dao.name, proposals }, opts.format))
          return
        }
        const governors = listGovernors(db, dao)
        if (governors.length === 0)
          throw new UsageError(`DAO "${dao.name}" has no indexed governor; index one with \`govaudit index ... --governor ADDR --name ${dao.name}\`.`)
        if (opts.governor !== undefined && !governors.some((g) => g.address === opts.governor))
          throw new UsageError(`${opts.governor} is not a governor of "${dao.name}"; known: ${governors.map((g) => g.address).join(', ')}.`)
        const shown = opts.governor === undefined ? governors : governors.filter((g) => g.address === opts.governor)
        const proposals = listGovernorProposals(db, dao, { governor: opts.governor, state: opts.state })
        ctx.out(renderProposals({ dao: dao.name, governors: shown, state: opts.state ?? null, proposals }, opts.format))
      } finally {
        db.close()
      }
    })
}
