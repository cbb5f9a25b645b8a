/**
 * One error root for the whole tool. `shortMessage` is the one sentence a user sees
 * (naming what to fix); `details` and the `cause` chain are shown only with --verbose.
 * The exit code travels with the error so only src/cli/main.ts decides how to exit.
 */
export type ExitCode = 0 | 1 | 2 | 3 | 4

export const EXIT = {
  ok: 0,
  breached: 1,
  usage: 2,
  source: 3,
  store: 4,
} as const satisfies Record<string, ExitCode>

export type GovauditErrorOptions = { details?: string; cause?: unknown }

export class GovauditError extends Error {
  override name = 'GovauditError'
  readonly shortMessage: string
  readonly details: string | undefined
  readonly exitCode: ExitCode = EXIT.usage

  constructor(shortMessage: string, options: GovauditErrorOptions = {}) {
    super(options.details ? `${shortMessage}\n${options.details}` : shortMessage, { cause: options.cause })
    this.shortMessage = shortMessage
    this.details = options.details
  }

  /** Visit this error and its causes, outermost first. */
  *walk(): Generator<unknown> {
    let e: unknown = this
    const seen = new Set<unknown>()
    while (e !== undefined && e !== null && !seen.has(e)) {
      seen.add(e)
      yield e
      e = e instanceof Error ? e.cause : undefined
    }
  }
}

/** Bad flags, arguments, files or config: the user can fix it. Exit 2. */
export class UsageError extends GovauditError {
  override name = 'UsageError'
  override readonly exitCode = EXIT.usage
}

/** An RPC node or API failed after retries, or answered something unusable. Exit 3. */
export class SourceError extends GovauditError {
  override name = 'SourceError'
  override readonly exitCode = EXIT.source
}

/** The SQLite file cannot be opened, written, or is not a govaudit database. Exit 4. */
export class StoreError extends GovauditError {
  override name = 'StoreError'
  override readonly exitCode = EXIT.store
}

/** The exit code of an error that ends a command: its own for a GovauditError, 4 for SQLite's, else 2 (a bug). */
export function exitCodeOf(error: unknown): number {
  if (error instanceof GovauditError) return error.exitCode
  return isSqliteError(error) ? EXIT.store : EXIT.usage
}

export function isSqliteError(error: unknown): boolean {
  return error instanceof Error && error.name === 'SqliteError'
}
