/** Rendering for `govaudit list`. */
import type { DaoStatus } from '../store/daoStatus.js'
import type { Format, Tabular } from './format.js'
import { render } from './render.js'

export function renderDaoList(daos: DaoStatus[], format: Format): string {
  const tabular: Tabular = {
    columns: [
      { key: 'name', header: 'DAO' },
      { key: 'chainId', header: 'chain', align: 'right' },
      { key: 'token', header: 'token' },
      { key: 'standard', header: 'standard' },
      { key: 'startBlock', header: 'from block', align: 'right' },
      { key: 'indexedTo', header: 'indexed to', align: 'right' },
      { key: 'indexedAt', header: 'block time (UTC)' },
      { key: 'events', header: 'token events', align: 'right' },
      { key: 'holders', header: 'holders', align: 'right' },
      { key: 'delegates', header: 'delegates', align: 'right' },
      { key: 'governors', header: 'governors', align: 'right' },
      { key: 'proposals', header: 'proposals', align: 'right' },
      { key: 'votes', header: 'votes', align: 'right' },
      { key: 'snapshotSpaces', header: 'Snapshot' },
      { key: 'snapshotProposals', header: 'Snapshot proposals', align: 'right' },
      { key: 'snapshotVotes', header: 'Snapshot votes', align: 'right' },
    ],
    rows: daos.map((d) => ({
      name: d.name,
      chainId: d.chainId,
      token: d.token,
      standard: d.tokenStandard,
      startBlock: d.startBlock,
      indexedTo: d.tokenCursor,
      indexedAt: d.tokenCursorTime === null ? null : new Date(d.tokenCursorTime * 1000).toISOString().replace('.000Z', 'Z'),
      events: d.counts.transfers + d.counts.delegateChanges + d.counts.voteChanges,
      holders: d.counts.holders,
      delegates: d.counts.delegates,
      governors: d.governors.governors,
      proposals: d.governors.proposals,
      votes: d.governors.votes,
      snapshotSpaces: d.snapshot?.spaces.join(' ') ?? null,
      snapshotProposals: d.snapshot?.proposals ?? null,
      snapshotVotes: d.snapshot?.votes ?? null,
    })),
    notes: daos.length === 0 ? ['No DAOs yet: run `govaudit index` or `govaudit demo`.'] : undefined,
  }
  const json = {
    daos: daos.map((d) => ({
      name: d.name,
      chainId: d.chainId,
      token: d.token,
      tokenStandard: d.tokenStandard,
      startBlock: d.startBlock,
      indexedTo: d.tokenCursor,
      indexedToTimestamp: d.tokenCursorTime,
      counts: d.counts,
      governors: d.governors,
      snapshot: d.snapshot,
    })),
  }
  return render(format, tabular, json)
}
