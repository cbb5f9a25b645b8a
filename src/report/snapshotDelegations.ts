/**
 * Rendering for `govaudit delegations --snapshot`: who delegated to whom for a Snapshot
 * space at a block, from the DelegateRegistry's events. A space delegation overrides the
 * delegator's global one, as Snapshot's delegation strategy reads them; `scope` says which
 * applied. Delegation carries no amounts: the vp a delegate gets is the space strategies'.
 */
import type { SnapshotDelegationsAt } from '../store/snapshotDelegations.js'
import type { Format, Tabular } from './format.js'
import { render } from './render.js'
import { titleBlock } from './titleBlock.js'

export type SnapshotDelegationsReport = { dao: string } & SnapshotDelegationsAt

const NOTE = "A delegation for this space overrides the delegator's global one (id zero), as Snapshot's delegation strategy reads them."

function snapshotDelegationsJson(r: SnapshotDelegationsReport) {
  const perDelegate = new Map<string, number>()
  for (const d of r.delegations) perDelegate.set(d.delegate, (perDelegate.get(d.delegate) ?? 0) + 1)
  return {
    dao: r.dao,
    space: r.space,
    registry: r.registry,
    spaceId: r.spaceId,
    globalId: r.globalId,
    block: r.blockNumber,
    indexedThrough: r.cursor,
    note: NOTE,
    delegators: r.delegations.length,
    spaceScoped: r.delegations.filter((d) => d.scope === 'space').length,
    global: r.delegations.filter((d) => d.scope === 'global').length,
    delegations: r.delegations,
    delegates: [...perDelegate]
      .map(([delegate, delegators]) => ({ delegate, delegators }))
      .sort((a, b) => b.delegators - a.delegators || (a.delegate < b.delegate ? -1 : 1)),
  }
}

function view(r: SnapshotDelegationsReport, markdown: boolean): Tabular {
  const j = snapshotDelegationsJson(r)
  return {
    title: titleBlock(
      `Snapshot delegations of ${r.space} (DAO ${r.dao}) at block ${r.blockNumber}: ${j.delegators} delegator(s), ${j.spaceScoped} for this space, ${j.global} global`,
      [
        ['registry', r.registry],
        ['ids', `space ${r.spaceId}, global ${r.globalId}`],
        ['indexed', `through block ${r.cursor}`],
      ],
      markdown,
    ),
    columns: [
      { key: 'delegator', header: 'delegator' },
      { key: 'delegate', header: 'delegate' },
      { key: 'scope', header: 'scope' },
    ],
    rows: r.delegations.map((d) => ({ delegator: d.delegator, delegate: d.delegate, scope: d.scope })),
    notes: [NOTE],
  }
}

export function renderSnapshotDelegations(r: SnapshotDelegationsReport, format: Format): string {
  return render(format, view(r, format === 'markdown'), snapshotDelegationsJson(r))
}
