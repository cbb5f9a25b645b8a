/**
 * The program: registers every command, runs it, and turns the outcome into an exit code.
 * This is the only place that prints errors or sets process.exitCode (never
 * process.exit(), which can cut piped stdout short).
 *
 * Exit codes (DESIGN.md §8): 0 ok; 1 a `check` threshold breached or `verify` mismatch;
 * 2 bad usage or input; 3 source or network failure after retries; 4 database error.
 */
import { createRequire } from 'node:module'
import { Command, CommanderError } from 'commander'
import { EXIT, GovauditError, exitCodeOf } from '../errors.js'
import { redact } from '../sources/evm/redact.js'
import { createContext, type CliContext, type GlobalOptions } from './context.js'
import { registerIndex } from './commands/index.js'
import { registerList } from './commands/list.js'
import { registerRebuild } from './commands/rebuild.js'
import { registerImport } from './commands/import.js'
import { registerNakamoto } from './commands/nakamoto.js'
import { registerConcentration } from './commands/concentration.js'
import { registerDecisive } from './commands/decisive.js'
import { registerProposals } from './commands/proposals.js'
import { registerVotes } from './commands/votes.js'
import { registerDemo } from './commands/demo.js'
import { registerPresets } from './commands/presets.js'
import { registerCheck } from './commands/check.js'
import { registerScan } from './commands/scan.js'
import { registerVerify } from './commands/verify.js'
import { registerReport } from './commands/report.js'
import { registerDelegations } from './commands/delegations.js'

const require = createRequire(import.meta.url)
const { version } = require('../../package.json') as { version: string }

export function createProgram(ctx: CliContext): Command {
  const program = new Command('govaudit')
  program
    .description('Who really controls this DAO? Index a governance token, its Governor and Snapshot space into one SQLite file, then measure concentration with exact integer math.')
    .version(version, '-V, --version', 'print the version')
    .option('--db <path>', 'SQLite database file (default: $GOVAUDIT_DB or ./govaudit.db)')
    .option('-q, --quiet', 'no progress or summaries on stderr (errors still print)')
    .option('-v, --verbose', 'show error details and causes')
    // Commander's usage errors in the house style: one line on stderr, nothing on stdout.
    .configureOutput({ outputError: (str, write) => write(`${commanderLine(redact(str))}\n`) })
    .exitOverride()
    .addHelpText(
      'after',
      `
Exit codes: 0 ok, 1 check breached / verify mismatch, 2 bad usage or input,
            3 RPC or API failure after retries, 4 database error.

Examples:
  $ govaudit demo
  $ govaudit presets
  $ govaudit index uniswap --rpc $GOVAUDIT_RPC_URL
  $ govaudit index --rpc $GOVAUDIT_RPC_URL --token 0x1f9840a85d5aF5bf1D1762F925BDADdC4201F984 --name uniswap
  $ govaudit list
  $ govaudit check uniswap --min-nakamoto 5 --format json`,
    )
  registerIndex(program, ctx)
  registerList(program, ctx)
  registerImport(program, ctx)
  registerNakamoto(program, ctx)
  registerConcentration(program, ctx)
  registerDecisive(program, ctx)
  registerProposals(program, ctx)
  registerVotes(program, ctx)
  registerDemo(program, ctx)
  registerPresets(program, ctx)
  registerCheck(program, ctx)
  registerScan(program, ctx)
  registerVerify(program, ctx)
  registerRebuild(program, ctx)
  registerReport(program, ctx)
  registerDelegations(program, ctx)
  return program
}

export async function main(argv: string[]): Promise<void> {
  let program: Command | undefined
  const ctx = createContext(() => program?.opts<GlobalOptions>() ?? {})
  program = createProgram(ctx)
  // A reader that stops early (`govaudit presets | head`) closes the pipe: not our error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error
  })
  try {
    await program.parseAsync(argv)
    process.exitCode = ctx.exitCode()
  } catch (error) {
    process.exitCode = reportError(error, program.opts<GlobalOptions>().verbose ?? false)
  }
}

function reportError(error: unknown, verbose: boolean): number {
  if (error instanceof CommanderError) {
    // commander already printed its message (help, version, or a usage problem).
    return error.exitCode === 0 ? EXIT.ok : EXIT.usage
  }
  if (error instanceof GovauditError) {
    process.stderr.write(`govaudit: ${redact(sentence(error.shortMessage))}\n`)
    if (verbose) {
      if (error.details) process.stderr.write(`${redact(error.details)}\n`)
      for (const e of [...error.walk()].slice(1)) process.stderr.write(`  caused by: ${redact(describe(e))}\n`)
      if (error.stack) process.stderr.write(`${redact(error.stack)}\n`)
    }
    return error.exitCode
  }
  // A bug, not a user error: say so in one line, with the stack only on request.
  const hint = verbose ? '' : ' (run with --verbose for the stack; please report it)'
  process.stderr.write(`govaudit: internal error: ${redact(describe(error))}${hint}\n`)
  if (verbose && error instanceof Error && error.stack) process.stderr.write(`${redact(error.stack)}\n`)
  return exitCodeOf(error)
}

/**
 * Commander's message ("error: unknown command 'x'\n(Did you mean y?)") as one line:
 * "govaudit: unknown command 'x'; did you mean y? (run with --help for usage)".
 */
function commanderLine(text: string): string {
  const message = text
    .trim()
    .replace(/^error:\s*/i, '')
    .replace(/\s*\n\s*\(Did you mean (.*?)\?\)/g, '; did you mean $1?')
    .replace(/\s*\n\s*/g, ' ')
    // "too many arguments for 'x'. Expected 1 argument but got 2." as one sentence
    .replace(/\.\s+([A-Z])/g, (_, c: string) => `; ${c.toLowerCase()}`)
    .replace(/\.$/, '')
  return `govaudit: ${message} (run with --help for usage)`
}

/** One sentence on stderr: messages built from parts may lack the full stop. */
const sentence = (text: string) => (/[.!?)]$/.test(text) ? text : `${text}.`)

const describe = (e: unknown): string => (e instanceof Error ? `${e.name}: ${e.message}` : String(e))

