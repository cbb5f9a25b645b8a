/** Output formats shared by every data command, and the tabular model they render. */
import { UsageError } from '../errors.js'

export const FORMATS = ['table', 'json', 'csv', 'markdown'] as const
export type Format = (typeof FORMATS)[number]

export function parseFormat(value: string): Format {
  if ((FORMATS as readonly string[]).includes(value)) return value as Format
  throw new UsageError(`--format must be one of ${FORMATS.join(', ')}; got "${value}".`)
}

export type Cell = string | number | null
export type Column = { key: string; header: string; align?: 'left' | 'right' }
/** Rows keyed by column key; a title and notes frame the table in human formats. */
export type Tabular = { title?: string; columns: Column[]; rows: Record<string, Cell>[]; notes?: string[] }

/** JSON with bigints as decimal strings (DESIGN.md §8: amounts never as JSON numbers). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)
}

/** A Snapshot float (vp, a score) shown to 12 significant digits: its strategies' precision, no binary noise. */
export const snapshotNumber = (x: number): string => (Number.isInteger(x) ? String(x) : String(Number(x.toPrecision(12))))

/** `text` cut to `n` characters with an ellipsis (a title in a table column). */
export function cut(text: string, n: number): string
export function cut(text: string | null, n: number): string | null
export function cut(text: string | null, n: number): string | null {
  return text === null || text.length <= n ? text : `${text.slice(0, n - 1)}…`
}
