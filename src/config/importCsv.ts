/**
 * Parsing the CSV files of `govaudit import`, purely (the caller reads the file).
 *
 * Votes: `proposal_id,voter,support,weight`; holders: `address,weight`. A header row is
 * optional; with one, columns may come in any order (names as above, case-insensitive)
 * and unknown columns are refused. Blank lines and lines starting with `#` are skipped.
 *
 * Weights are non-negative decimals ("1000", "12.5"). To stay exact, every weight of a
 * file is multiplied by 10^scale, where scale is the largest number of significant
 * decimal places in that file (0 for a file of integers), and stored as that integer; the
 * scale is recorded with the import and stated in every report. Scaled weights must fit
 * in uint256. At most MAX_DECIMALS decimals.
 *
 * Every bad row is reported with its line number (up to MAX_REPORTED of them) in one
 * UsageError; nothing is returned from a file with any bad row, so nothing half-imports.
 */
import { getAddress } from 'ethers/address'
import { UsageError } from '../errors.js'
import { numberedLines, splitCsvLine } from './csvLine.js'
import { parseDecimalAmount, scaleAmount, type DecimalAmount } from './decimalAmount.js'

const MAX_DECIMALS = 36
const MAX_REPORTED = 50
const MAX_UINT256 = (1n << 256n) - 1n

export type Support = 0 | 1 | 2

export type ImportedVoteRow = { line: number; proposalId: string; voter: string; support: Support; weight: bigint }
export type ImportedHolderRow = { line: number; address: string; weight: bigint }

export type ParsedVotesCsv = {
  /** Weights are the file's values × 10^scale. */
  scale: number
  rows: ImportedVoteRow[]
  /** Distinct proposal ids, in order of first appearance. */
  proposals: string[]
}

export type ParsedHoldersCsv = { scale: number; rows: ImportedHolderRow[] }

export type ParseImportCsvParameters = {
  text: string
  /** Named in error messages: the file path. */
  source: string
}

const SUPPORTS: Record<string, Support> = { against: 0, for: 1, abstain: 2, '0': 0, '1': 1, '2': 2 }
const SUPPORT_NAMES = ['against', 'for', 'abstain'] as const

const supportName = (s: Support): (typeof SUPPORT_NAMES)[number] => SUPPORT_NAMES[s]

/** Proposal ids as stored and looked up: decimal ids canonical ("042" -> "42"), hex ids lowercase. */
export function normalizeProposalId(text: string): string | undefined {
  const id = text.trim()
  if (id === '' || id.length > 200 || /[\s\x00-\x1f\x7f]/.test(id)) return undefined
  if (/^\d+$/.test(id)) return BigInt(id).toString()
  if (/^0x[0-9a-f]+$/i.test(id)) return id.toLowerCase()
  return id
}

/** A 0x address, lowercase; mixed case must carry a valid EIP-55 checksum. A message when not. */
function checkAddress(text: string, what: string): { address: string } | { error: string } {
  if (!/^0x[0-9a-fA-F]{40}$/.test(text)) return { error: `${what} must be 0x followed by 40 hex digits; got ${JSON.stringify(text)}` }
  try {
    return { address: getAddress(text).toLowerCase() }
  } catch {
    return { error: `${what} ${text} has an invalid EIP-55 checksum (write it all lowercase to skip the check)` }
  }
}

function checkWeight(text: string): { amount: DecimalAmount } | { error: string } {
  const amount = parseDecimalAmount(text)
  if (!amount) return { error: `weight must be a non-negative number such as 1000 or 12.5; got ${JSON.stringify(text)}` }
  if (amount.decimals > MAX_DECIMALS) return { error: `weight ${text} has more than ${MAX_DECIMALS} decimal places` }
  return { amount }
}

class BadRows {
  private readonly problems: { line: number; message: string }[] = []
  constructor(private readonly source: string) {}
  add(line: number, message: string): void {
    this.problems.push({ line, message })
  }
  get count(): number {
    return this.problems.length
  }
  /** Throws one UsageError listing every bad line (up to MAX_REPORTED), if any. */
  throwIfAny(): void {
    const n = this.problems.length
    if (n === 0) return
    const shown = [...this.problems].sort((a, b) => a.line - b.line).slice(0, MAX_REPORTED)
    // One bad row fits the usual one-sentence error; several are listed one per line.
    if (n === 1) throw new UsageError(`${this.source} line ${shown[0]!.line}: ${shown[0]!.message}; nothing was imported.`)
    throw new UsageError(
      [
        `${this.source} has ${n} bad rows; nothing was imported. Fix them and run the import again:`,
        ...shown.map((p) => `  line ${p.line}: ${p.message}`),
        ...(n > MAX_REPORTED ? [`  ... and ${n - MAX_REPORTED} more`] : []),
      ].join('\n'),
    )
  }
}

type Table = { line: number; fields: string[] }[]

/**
 * Data rows as field arrays in the order of `columns`, after an optional header. Rows
 * with the wrong field count or an open quote are reported to `bad` and left out.
 */
function readTable(text: string, columns: readonly string[], bad: BadRows): Table {
  const rows: Table = []
  let order: number[] | undefined // order[i] = index in the file of columns[i]
  let width = columns.length
  for (const { line, raw } of numberedLines(text)) {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue
    const fields = splitCsvLine(raw)?.map((f) => f.trim())
    if (fields === undefined) {
      bad.add(line, 'unclosed double quote')
      if (order === undefined) order = columns.map((_, i) => i)
      continue
    }
    if (order === undefined) {
      // A header names at least one known column (any order); data rows never do.
      if (fields.some((f) => columns.includes(f.toLowerCase()))) {
        const names = fields.map((f) => f.toLowerCase())
        const unknown = names.filter((n) => !columns.includes(n))
        const missing = columns.filter((c) => !names.includes(c))
        const repeated = names.filter((n, i) => names.indexOf(n) !== i)
        if (unknown.length || missing.length || repeated.length) {
          bad.add(
            line,
            `header must name the columns ${columns.join(',')}` +
              (missing.length ? `; missing ${missing.join(', ')}` : '') +
              (unknown.length ? `; unknown ${unknown.join(', ')}` : '') +
              (repeated.length ? `; repeated ${repeated.join(', ')}` : ''),
          )
          bad.throwIfAny() // nothing else can be read without knowing the columns
        }
        order = columns.map((c) => names.indexOf(c))
        width = names.length
        continue
      }
      order = columns.map((_, i) => i)
    }
    if (fields.length !== width) {
      bad.add(line, `expected ${width} fields (${columns.join(',')}); got ${fields.length}`)
      continue
    }
    rows.push({ line, fields: order.map((i) => fields[i]!) })
  }
  return rows
}

/** Scale of a file: the most significant decimals among its weights. */
const scaleOf = (amounts: readonly DecimalAmount[]) => amounts.reduce((m, a) => Math.max(m, a.decimals), 0)

/** Parse a votes file: `proposal_id,voter,support,weight`. One row per (proposal, voter, support). */
export function parseVotesCsv({ text, source }: ParseImportCsvParameters): ParsedVotesCsv {
  const bad = new BadRows(source)
  const table = readTable(text, ['proposal_id', 'voter', 'support', 'weight'], bad)
  const parsed: { line: number; proposalId: string; voter: string; support: Support; amount: DecimalAmount }[] = []
  const seen = new Map<string, number>()
  for (const { line, fields } of table) {
    const [rawId, rawVoter, rawSupport, rawWeight] = fields as [string, string, string, string]
    const problems: string[] = []
    const proposalId = normalizeProposalId(rawId)
    if (proposalId === undefined) problems.push(`proposal_id must be 1-200 characters without spaces; got ${JSON.stringify(rawId)}`)
    const voter = checkAddress(rawVoter, 'voter')
    if ('error' in voter) problems.push(voter.error)
    const support = SUPPORTS[rawSupport.toLowerCase()]
    if (support === undefined) problems.push(`support must be for, against, abstain, 0, 1 or 2; got ${JSON.stringify(rawSupport)}`)
    const weight = checkWeight(rawWeight)
    if ('error' in weight) problems.push(weight.error)
    if (problems.length || proposalId === undefined || 'error' in voter || support === undefined || 'error' in weight) {
      bad.add(line, problems.join('; '))
      continue
    }
    const key = `${proposalId}\n${voter.address}\n${support}`
    const previous = seen.get(key)
    if (previous !== undefined) {
      bad.add(line, `${voter.address} already voted ${supportName(support)} on proposal ${proposalId} on line ${previous}`)
      continue
    }
    seen.set(key, line)
    parsed.push({ line, proposalId, voter: voter.address, support, amount: weight.amount })
  }
  if (bad.count === 0 && parsed.length === 0)
    throw new UsageError(`${source} has no vote rows (expected proposal_id,voter,support,weight); nothing was imported.`)
  const scale = scaleOf(parsed.map((p) => p.amount))
  const rows: ImportedVoteRow[] = []
  for (const p of parsed) {
    const weight = scaleAmount(p.amount, scale)
    if (weight > MAX_UINT256) bad.add(p.line, `weight × 10^${scale} does not fit in uint256`)
    else rows.push({ line: p.line, proposalId: p.proposalId, voter: p.voter, support: p.support, weight })
  }
  bad.throwIfAny()
  return { scale, rows, proposals: [...new Set(rows.map((r) => r.proposalId))] }
}

/** Parse a holders file: `address,weight`, one row per address. */
export function parseHoldersCsv({ text, source }: ParseImportCsvParameters): ParsedHoldersCsv {
  const bad = new BadRows(source)
  const table = readTable(text, ['address', 'weight'], bad)
  const parsed: { line: number; address: string; amount: DecimalAmount }[] = []
  const seen = new Map<string, number>()
  for (const { line, fields } of table) {
    const [rawAddress, rawWeight] = fields as [string, string]
    const address = checkAddress(rawAddress, 'address')
    const weight = checkWeight(rawWeight)
    if ('error' in address || 'error' in weight) {
      bad.add(line, [address, weight].flatMap((x) => ('error' in x ? [x.error] : [])).join('; '))
      continue
    }
    const previous = seen.get(address.address)
    if (previous !== undefined) {
      bad.add(line, `${address.address} is already listed on line ${previous}`)
      continue
    }
    seen.set(address.address, line)
    parsed.push({ line, address: address.address, amount: weight.amount })
  }
  if (bad.count === 0 && parsed.length === 0)
    throw new UsageError(`${source} has no holder rows (expected address,weight); nothing was imported.`)
  const scale = scaleOf(parsed.map((p) => p.amount))
  const rows: ImportedHolderRow[] = []
  for (const p of parsed) {
    const weight = scaleAmount(p.amount, scale)
    if (weight > MAX_UINT256) bad.add(p.line, `weight × 10^${scale} does not fit in uint256`)
    else rows.push({ line: p.line, address: p.address, weight })
  }
  bad.throwIfAny()
  return { scale, rows }
}
