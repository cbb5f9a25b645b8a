/** `govaudit import`: votes and/or holder weights from CSV files, into a new or existing DAO. */
import type { Command } from 'commander'
import type { CliContext } from '../context.js'
import { parseDaoArgument } from '../../config/analysisOptions.js'
import { readInputFile } from '../../config/inputFile.js'
import { parseHoldersCsv, parseVotesCsv } from '../../config/importCsv.js'
import { openDb, resolveDbPath } from '../../store/db.js'
import { importData } from '../../store/imports.js'
import { renderImportSummary } from '../../report/importSummary.js'
import { UsageError } from '../../errors.js'

type ImportOptions = { votes?: string; holders?: string }

export function registerImport(program: Command, ctx: CliContext): void {
  program
    .command('import <dao>')
    .summary('import votes and/or holder weights from CSV files')
    .description(
      `Store votes (proposal_id,voter,support,weight) and/or holder weights (address,weight) from CSV files, creating an imported DAO if none has this name. support is for, against, abstain or 0, 1, 2; weight is a non-negative integer or decimal. A file whose weights have decimals is stored exactly, × 10^(its most decimal places), and the scale is reported. Every bad row is listed with its line number and nothing is imported; otherwise all rows go in one transaction. Re-importing replaces: a votes file replaces the votes of the proposals it lists, a holders file the whole holder list.`,
    )
    .option('--votes <file>', 'CSV with columns proposal_id,voter,support,weight')
    .option('--holders <file>', 'CSV with columns address,weight (imported DAOs only)')
    .addHelpText(
      'after',
      `
Examples:
  $ govaudit import mydao --votes votes.csv
  $ govaudit import mydao --holders holders.csv --votes votes.csv --db research.db
  $ govaudit nakamoto mydao && govaudit decisive mydao --rule bravo --quorum 400000`,
    )
    .action((name: string, opts: ImportOptions) => {
      const dao = parseDaoArgument(name)
      if (opts.votes === undefined && opts.holders === undefined)
        throw new UsageError('Nothing to import: pass --votes FILE.csv and/or --holders FILE.csv.')
      // Read and check every row before the database is opened: a bad file changes nothing.
      const votesFile = opts.votes === undefined ? undefined : readInputFile(opts.votes, '--votes')
      const holdersFile = opts.holders === undefined ? undefined : readInputFile(opts.holders, '--holders')
      const problems: UsageError[] = []
      const attempt = <T>(parse: () => T): T | undefined => {
        try {
          return parse()
        } catch (error) {
          if (!(error instanceof UsageError)) throw error
          problems.push(error)
          return undefined
        }
      }
      const votes = votesFile && attempt(() => parseVotesCsv({ text: votesFile.text, source: votesFile.path }))
      const holders = holdersFile && attempt(() => parseHoldersCsv({ text: holdersFile.text, source: holdersFile.path }))
      // Both files' problems in one message, so one round of fixes is enough.
      if (problems.length === 1) throw problems[0]!
      if (problems.length > 1) throw new UsageError(problems.map((p) => p.shortMessage).join('\n'))

      const dbPath = resolveDbPath(ctx.globals().db)
      const db = openDb({ path: dbPath, create: true })
      try {
        const result = importData(db, {
          name: dao,
          ...(votes && votesFile ? { votes: { file: votesFile.path, sha256: votesFile.sha256, scale: votes.scale, rows: votes.rows } } : {}),
          ...(holders && holdersFile
            ? { holders: { file: holdersFile.path, sha256: holdersFile.sha256, scale: holders.scale, rows: holders.rows } }
            : {}),
        })
        ctx.info(renderImportSummary({ result, votesFile: votesFile?.path, holdersFile: holdersFile?.path, dbPath }))
      } finally {
        db.close()
      }
    })
}
