/**
 * Rendering for `govaudit presets`: one row per known DAO. JSON carries every fact with
 * its sources; addresses are lowercase in `address` (as in all govaudit JSON) and EIP-55
 * in `checksumAddress`.
 */
import { INDEXABLE_GOVERNOR_KINDS, type Preset, type PresetGovernor } from '../config/presets/types.js'
import type { Cell, Format, Tabular } from './format.js'
import { render } from './render.js'

export const GOVERNORS_NOT_INDEXED = 'governors: the OpenZeppelin, Bravo and Alpha ones are indexed with the token, other families are listed only'

const governorIndexable = (g: PresetGovernor) => INDEXABLE_GOVERNOR_KINDS.includes(g.kind)

function presetJson(p: Preset) {
  return {
    name: p.name,
    title: p.title,
    chainId: p.chainId,
    chainName: p.chainName,
    indexable: p.token.votes !== 'unsupported',
    token: {
      address: p.token.address.toLowerCase(),
      checksumAddress: p.token.address,
      symbol: p.token.symbol ?? null,
      votes: p.token.votes,
      unsupportedReason: p.token.unsupportedReason ?? null,
      fromBlock: p.token.fromBlock ?? null,
      note: p.token.note ?? null,
      sources: p.token.sources,
    },
    governors: p.governors.map((g) => ({
      address: g.address.toLowerCase(),
      checksumAddress: g.address,
      kind: g.kind,
      label: g.label,
      indexable: governorIndexable(g),
      fromBlock: g.fromBlock ?? null,
      note: g.note ?? null,
      sources: g.sources,
    })),
    snapshot: p.snapshot ? { space: p.snapshot.space, sources: p.snapshot.sources } : null,
  }
}

function tabular(presets: readonly Preset[], format: Format): Tabular {
  const sep = format === 'table' ? '\n' : '; '
  const rows: Record<string, Cell>[] = presets.map((p) => ({
    name: p.name,
    title: p.title,
    chain: format === 'csv' ? p.chainId : `${p.chainId} (${p.chainName})`,
    token: format === 'csv' ? p.token.address : `${p.token.symbol ?? '?'} ${p.token.address}`,
    votes: p.token.votes,
    fromBlock: p.token.fromBlock ?? null,
    governors: p.governors.map((g) => `${g.kind} ${g.address}`).join(sep),
    snapshot: p.snapshot?.space ?? null,
  }))
  const unsupported = presets.filter((p) => p.token.votes === 'unsupported')
  return {
    title: format === 'csv' ? undefined : `${presets.length} presets (govaudit index <name> --rpc URL)`,
    columns: [
      { key: 'name', header: 'preset' },
      ...(format === 'table' ? [] : [{ key: 'title', header: 'DAO' }]),
      { key: 'chain', header: 'chain' },
      { key: 'token', header: 'token' },
      { key: 'votes', header: 'votes' },
      { key: 'fromBlock', header: 'from block', align: 'right' },
      { key: 'governors', header: 'governors (kind address)' },
      { key: 'snapshot', header: 'Snapshot space' },
    ],
    rows,
    notes:
      format === 'csv'
        ? undefined
        : [
            `Index a preset's token with \`govaudit index <name> --rpc URL\`; ${GOVERNORS_NOT_INDEXED}.`,
            ...unsupported.map((p) => `${p.name}: not indexable: ${p.token.unsupportedReason}.`),
            "Every address's source: `govaudit presets --format json` (token.sources, governors[].sources).",
          ],
  }
}

export function renderPresets(presets: readonly Preset[], format: Format): string {
  return render(format, tabular(presets, format), { presets: presets.map(presetJson) })
}
