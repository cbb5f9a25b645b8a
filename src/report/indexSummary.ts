/** Human text for `govaudit index`: the progress line and the closing summary. */
import type { IndexDaoResult, IndexProgress } from '../sync/indexDao.js'
import type { SyncGovernorsResult } from '../sync/syncGovernors.js'
import type { IndexSnapshotSpaceResult } from '../sources/snapshot/indexSnapshotSpace.js'
import type { IndexDelegationsResult } from '../sources/snapshot/indexDelegations.js'
import type { Reorg } from '../sync/reorg.js'

const int = (n: number) => n.toLocaleString('en-US')

function duration(ms: number): string {
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`
}

/** "blocks 1,200/10,000 (12%) · 45,210 events · 98,000 ev/s · ETA 40s" */
export function renderProgress(p: IndexProgress): string {
  const total = p.toBlock - p.fromBlock + 1
  const done = p.committedBlock - p.fromBlock + 1
  const pct = total > 0 ? Math.floor((done / total) * 100) : 100
  const seconds = p.elapsedMs / 1000
  const rate = seconds > 0 ? Math.round(p.events / seconds) : 0
  const eta = done > 0 && done < total ? ` · ETA ${duration((p.elapsedMs / done) * (total - done))}` : ''
  return `blocks ${int(done)}/${int(total)} (${pct}%) · ${int(p.events)} events · ${int(rate)} ev/s${eta}`
}

export function renderIndexSummary(r: IndexDaoResult): string {
  if (r.upToDate) return `${r.dao.name}: already up to date at block ${r.cursor} (nothing new is settled yet).`
  const seconds = r.elapsedMs / 1000
  const rate = seconds > 0 ? Math.round(r.events / seconds) : r.events
  const head = r.interrupted
    ? `${r.dao.name}: interrupted; committed through block ${r.cursor}. Run the same command to resume.`
    : `${r.dao.name}: indexed blocks ${r.fromBlock}..${r.toBlock}.`
  return [
    head,
    `  token ${r.dao.token} (${r.dao.tokenStandard}) on chain ${r.dao.chainId}`,
    `  ${int(r.events)} events in ${int(r.commits)} commit(s), ${duration(r.elapsedMs)} (${int(rate)} events/s)`,
  ].join('\n')
}

/** The loud part: emitted voting power that the indexed balances cannot explain. */
export function renderMismatchWarning(r: IndexDaoResult): string | undefined {
  if (r.mismatches.length === 0) return undefined
  const shown = r.mismatches.slice(0, 5).map((m) => `  ${m.delegate}: DelegateVotesChanged says ${m.emitted}, delegated balances sum to ${m.fromBalances}`)
  return [
    `${r.mismatches.length} delegate(s) of "${r.dao.name}" have voting power that their delegators' indexed balances do not explain at block ${r.cursor}.`,
    'Events may be missing (an RPC that drops logs, or a start block after the token was deployed), or the token counts votes differently:',
    ...shown,
    ...(r.mismatches.length > 5 ? [`  ... and ${r.mismatches.length - 5} more`] : []),
  ].join('\n')
}

export function renderGovernorSummary(g: SyncGovernorsResult): string {
  const range = g.fromBlock <= g.toBlock ? `blocks ${g.fromBlock}..${g.toBlock}` : `up to date at block ${g.toBlock}`
  return [
    `  ${g.governors} governor(s): ${range}, ${int(g.events)} events; ${int(g.finalized.checked)} proposal(s) checked against state() and quorum().`,
    `  vote weights checked against indexed voting power at the snapshot: ${int(g.votingPower.checked)}, exceptions: ${int(g.votingPower.exceptions.length)}.`,
  ].join('\n')
}

/** Disagreements with the chain and vote weights the token history does not explain. */
export function renderGovernorWarning(g: SyncGovernorsResult): string | undefined {
  const lines: string[] = []
  for (const d of g.finalized.disagreements.slice(0, 5)) lines.push(`  proposal ${d.proposalId} of ${d.governor}: ${d.disagreement}`)
  if (g.finalized.disagreements.length > 5) lines.push(`  ... and ${g.finalized.disagreements.length - 5} more`)
  const vp = g.votingPower.exceptions.length
  if (lines.length === 0 && vp === 0) return undefined
  return [
    ...(lines.length ? [`${g.finalized.disagreements.length} proposal(s) where the counting rule and the governor's own views disagree:`, ...lines] : []),
    ...(vp ? [`${vp} vote(s) whose weight differs from the voter's indexed voting power at the snapshot; \`govaudit votes\` lists them.`] : []),
  ].join('\n')
}

/** Snapshot numbers are floats computed off-chain by the space's strategies: said so. */
export function renderSnapshotSummary(s: IndexSnapshotSpaceResult): string {
  const lines = [
    `  Snapshot ${s.space} (${s.hub}): ${int(s.newProposals)} new and ${int(s.refreshedProposals)} re-read proposal(s), ${int(s.votes)} votes (off-chain vp: floats from the space's strategies).`,
  ]
  for (const m of s.countMismatches.slice(0, 5))
    lines.push(`  warning: proposal ${m.proposal}: the hub counts ${m.hubCount} votes, ${m.fetched} were returned`)
  return lines.join('\n')
}

/** The space's DelegateRegistry events read this run, or the sentence saying why they were skipped. */
export function renderDelegationSummary(d: IndexDelegationsResult | { skipped: string }): string {
  if ('skipped' in d) return `  ${d.skipped}`
  const range = d.fromBlock <= d.toBlock ? `blocks ${d.fromBlock}..${d.toBlock}` : `up to date at block ${d.toBlock}`
  return `  Snapshot ${d.space} delegations (DelegateRegistry ${d.registry}, this space's id and the global id): ${range}, ${int(d.events)} SetDelegate/ClearDelegate events; \`govaudit delegations\` lists them.`
}

/** "Reorg: blocks 101..110 replaced; rolled back to 100 and re-indexed from there (uniswap)." */
export function renderReorg(r: Reorg): string {
  const daos = r.daos.length > 0 ? ` (${r.daos.join(', ')})` : ''
  return `Reorg: blocks ${r.forkBase + 1}..${r.replacedTo} replaced; rolled back to ${r.forkBase} and re-indexed from there${daos}.`
}

/** Follow mode's one line per run that indexed something: "uniswap: indexed blocks 101..103 (12 events)." */
export function renderFollowRun(r: IndexDaoResult): string {
  if (r.interrupted) return `${r.dao.name}: interrupted; committed through block ${r.cursor}.`
  return `${r.dao.name}: indexed blocks ${r.fromBlock}..${r.toBlock} (${int(r.events)} events).`
}

/** Follow mode's warning for a run that failed on the source: "<what failed>; trying again in 12s." */
export function renderFollowRetry(failure: string, seconds: number): string {
  return `${failure.replace(/[.\s]+$/, '')}; trying again in ${seconds}s.`
}

/** The spinner line between follow-mode runs, after the last one that completed. */
export function renderFollowWait(last: IndexDaoResult): string {
  return `${last.dao.name}: following: block ${last.cursor ?? 'none yet'}, waiting for new blocks`
}

/** What a run is about to do: the blocks it indexes, or that there are none yet. */
export function renderIndexStart(s: { fromBlock: number; toBlock: number; resumedFrom: number | null }): string {
  return s.fromBlock > s.toBlock
    ? `up to date at block ${s.resumedFrom}`
    : `${s.resumedFrom === null ? 'indexing' : 'resuming'} blocks ${s.fromBlock}..${s.toBlock}`
}
