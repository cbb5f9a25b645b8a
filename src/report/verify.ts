/**
 * `govaudit verify`: the checks with the stored value beside the chain's, and a one-line
 * summary for stderr. A mismatch is a result (exit 1), not an error. The terminal table
 * counts checks per kind and lists the mismatches; json, csv and markdown list every
 * check, mismatches first.
 *
 * JSON (README "Verify"): { dao, seed, block, blocks: [{ blockNumber, reasons }],
 * accounts, proposals, checks: [{ check, subject, block, stored, chain, ok, via }],
 * mismatches: [the checks with ok false], notes, ok }. Amounts are decimal strings.
 */
import type { Cell, Format, Tabular } from './format.js'
import { render } from './render.js'
import { renderTable } from './table.js'
import { VERIFY_CHECK_KINDS, type BlockReason, type VerifyCheck, type VerifyReport } from '../verify/types.js'

function verifyJson(r: VerifyReport) {
  const mismatches = r.checks.filter((c) => !c.ok)
  return {
    dao: r.dao,
    seed: r.seed,
    block: r.block,
    blocks: r.blocks,
    accounts: r.accounts,
    proposals: r.proposals,
    checks: r.checks,
    mismatches,
    notes: r.notes,
    ok: mismatches.length === 0,
  }
}

/** Whether any stored value differs from the chain's: the command's exit code is 1 when true. */
export const hasMismatch = (r: VerifyReport): boolean => r.checks.some((c) => !c.ok)

const show = (v: string | null) => v ?? '(unreadable)'

/** "votes of 0xab.. at block 12: stored 5, chain 6" */
function describeMismatch(c: VerifyCheck): string {
  return `${c.check} of ${c.subject} at block ${c.block}: stored ${show(c.stored)}, chain ${show(c.chain)} (${c.via})`
}

const LISTED = 5

/** One line for stderr: all match, or how many differ and, per fact that differs, the first block with both values. */
export function verifySummary(r: VerifyReport): string {
  const bad = r.checks.filter((c) => !c.ok)
  const scope = `seed ${r.seed}; ${r.blocks.length} block(s), ${r.accounts} account(s), ${r.proposals} proposal(s)`
  if (bad.length === 0) return `Verify of ${r.dao}: all ${r.checks.length} checks match the chain (${scope}).`
  // One entry per (check, subject): a wrong checkpoint shows at every later block it covers.
  const groups = new Map<string, VerifyCheck[]>()
  for (const c of bad) {
    const key = `${c.check} ${c.subject}`
    const group = groups.get(key)
    if (group) group.push(c)
    else groups.set(key, [c])
  }
  const listed = [...groups.values()]
    .slice(0, LISTED)
    .map((g) => `${describeMismatch(g[0]!)}${g.length > 1 ? ` and at ${g.length - 1} more block(s)` : ''}`)
    .join('; ')
  const more = groups.size > LISTED ? `; and ${groups.size - LISTED} more` : ''
  return `Verify of ${r.dao}: ${bad.length} of ${r.checks.length} checks differ from the chain (${scope}): ${listed}${more}.`
}

/** Every given check as a row, with both values. */
function checksTabular(checks: readonly VerifyCheck[], title: string | undefined, notes?: string[]): Tabular {
  const rows: Record<string, Cell>[] = checks.map((c) => ({
    check: c.check,
    subject: c.subject,
    block: c.block,
    stored: show(c.stored),
    chain: show(c.chain),
    ok: c.ok ? 'ok' : 'MISMATCH',
    via: c.via,
  }))
  return {
    title,
    columns: [
      { key: 'check', header: 'check' },
      { key: 'subject', header: 'subject' },
      { key: 'block', header: 'block', align: 'right' },
      { key: 'stored', header: 'stored', align: 'right' },
      { key: 'chain', header: 'chain', align: 'right' },
      { key: 'ok', header: 'ok' },
      { key: 'via', header: 'via' },
    ],
    rows,
    ...(notes ? { notes } : {}),
  }
}

function headline(r: VerifyReport): string {
  const bad = r.checks.filter((c) => !c.ok).length
  return `Verify of ${r.dao} at block ${r.block} (seed ${r.seed}): ${r.checks.length} checks, ${bad === 0 ? 'all match' : `${bad} MISMATCH${bad === 1 ? '' : 'ES'}`}`
}

function notes(r: VerifyReport): string[] {
  const count = (reason: BlockReason) => r.blocks.filter((b) => b.reasons.includes(reason)).length
  const blocks = [`${r.block} (last indexed)`, ...r.blocks.filter((b) => b.reasons.includes('requested')).map((b) => `${b.blockNumber} (--block)`)]
  return [
    ...r.notes,
    `Blocks: ${blocks.join(', ')}, ${count('sampled')} drawn at random, ${count('snapshot')} proposal snapshot(s); ${r.accounts} account(s) at each.`,
    `Rerun with --seed ${r.seed} to check the same accounts and blocks.`,
  ]
}

/** The terminal view: checks counted per kind, then only the mismatches with both values (--format json / csv list every check). */
function renderSummaryTable(r: VerifyReport): string {
  const rows: Record<string, Cell>[] = VERIFY_CHECK_KINDS.flatMap((kind) => {
    const of = r.checks.filter((c) => c.check === kind)
    if (of.length === 0) return []
    const bad = of.filter((c) => !c.ok).length
    const views = [...new Set(of.map((c) => c.via.replace(/@\d+$/, '')))]
    return [{ check: kind, checked: of.length, match: of.length - bad, mismatch: bad, via: views.join(', ') }]
  })
  const summary = renderTable({
    title: headline(r),
    columns: [
      { key: 'check', header: 'check' },
      { key: 'checked', header: 'checked', align: 'right' },
      { key: 'match', header: 'match', align: 'right' },
      { key: 'mismatch', header: 'mismatch', align: 'right' },
      { key: 'via', header: 'read with' },
    ],
    rows,
    notes: [...notes(r), 'Every check with both values: --format json or csv.'],
  })
  const bad = r.checks.filter((c) => !c.ok)
  return bad.length === 0 ? summary : `${summary}\n\n${renderTable(checksTabular(bad, 'Mismatches (stored in the database vs answered by the contract):'))}`
}

export function renderVerify(r: VerifyReport, format: Format): string {
  if (format === 'table') return renderSummaryTable(r)
  // Mismatches first: in a long listing they must not scroll away.
  const ordered = [...r.checks.filter((c) => !c.ok), ...r.checks.filter((c) => c.ok)]
  return render(format, checksTabular(ordered, format === 'csv' ? undefined : headline(r), format === 'csv' ? undefined : notes(r)), verifyJson(r))
}
