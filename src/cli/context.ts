/**
 * What every command gets: where to write data (stdout) and messages (stderr), a progress
 * spinner that only exists on a TTY, and the global flags. Commands never touch
 * process.stdout / console directly, so tests can run them as child processes and rely on
 * stdout holding only data.
 */
import ora, { type Ora } from 'ora'
import { redact } from '../sources/evm/redact.js'

export type GlobalOptions = { db?: string; verbose?: boolean; quiet?: boolean }

export type Spinner = {
  text(message: string): void
  succeed(message: string): void
  fail(message: string): void
  stop(): void
}

export type CliContext = {
  /** Write data to stdout. */
  out(text: string): void
  /** Write a human message to stderr (suppressed by --quiet). */
  info(text: string): void
  /** Write a warning to stderr (never suppressed). */
  warn(text: string): void
  spinner(initial: string): Spinner
  globals(): GlobalOptions
  env: NodeJS.ProcessEnv
  /** A command's non-error outcome code (1 for a breached check, 130 for an interrupt). */
  setExitCode(code: number): void
  exitCode(): number
}

const silentSpinner: Spinner = { text() {}, succeed() {}, fail() {}, stop() {} }

export function createContext(globals: () => GlobalOptions, env: NodeJS.ProcessEnv = process.env): CliContext {
  const useColor = !('NO_COLOR' in env) && process.stderr.isTTY
  let exitCode = 0
  const ctx: CliContext = {
    env,
    setExitCode: (code) => void (exitCode = code),
    exitCode: () => exitCode,
    globals,
    out: (text) => {
      process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
    },
    info: (text) => {
      if (!globals().quiet) process.stderr.write(`${redact(text)}\n`)
    },
    warn: (text) => {
      process.stderr.write(`govaudit: warning: ${redact(text)}\n`)
    },
    spinner: (initial) => {
      if (!process.stderr.isTTY || globals().quiet) return silentSpinner
      const s: Ora = ora({ text: redact(initial), stream: process.stderr, color: useColor ? 'cyan' : false, isEnabled: true }).start()
      return {
        text: (m) => void (s.text = redact(m)),
        succeed: (m) => void s.succeed(redact(m)),
        fail: (m) => void s.fail(redact(m)),
        stop: () => void s.stop(),
      }
    },
  }
  return ctx
}
