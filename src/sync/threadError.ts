/**
 * Errors across a worker_threads boundary. Structured cloning keeps only message and
 * stack of an Error: the class (and with it the exit code of a GovauditError) and
 * fields such as SQLite's `code` would be lost, so they travel as plain data and are
 * rebuilt on the other side with the same class, message and details.
 */
import { EXIT, GovauditError, SourceError, StoreError, UsageError, type ExitCode } from '../errors.js'

export type ThreadError = {
  name: string
  message: string
  shortMessage?: string
  details?: string
  exitCode?: ExitCode
  code?: string
  stack?: string
}

export function toThreadError(e: unknown): ThreadError {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) }
  const out: ThreadError = { name: e.name, message: e.message }
  if (e.stack !== undefined) out.stack = e.stack
  if (e instanceof GovauditError) {
    out.shortMessage = e.shortMessage
    out.exitCode = e.exitCode
    if (e.details !== undefined) out.details = e.details
  }
  const code = (e as { code?: unknown }).code
  if (typeof code === 'string') out.code = code
  return out
}

/** The class that carries an exit code (a subclass such as RpcResponseError becomes its base). */
const BY_EXIT_CODE: Partial<Record<ExitCode, typeof GovauditError>> = {
  [EXIT.usage]: UsageError,
  [EXIT.source]: SourceError,
  [EXIT.store]: StoreError,
}

export function fromThreadError(t: ThreadError): Error {
  let e: Error
  if (t.shortMessage !== undefined) {
    const Class = (t.exitCode !== undefined && BY_EXIT_CODE[t.exitCode]) || GovauditError
    e = new Class(t.shortMessage, t.details !== undefined ? { details: t.details } : {})
  } else e = new Error(t.message)
  e.name = t.name
  if (t.code !== undefined) (e as Error & { code?: string }).code = t.code
  if (t.stack !== undefined) e.stack = t.stack
  return e
}
