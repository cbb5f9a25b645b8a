/**
 * The `snapshot` reader in src/store/proposalVotes.ts READERS.
 *
 * Snapshot vp is a float (SnapshotVp). To hand it to the exact, bigint-based consumers it
 * is read as the decimal the hub sent: each vp's shortest round-trip decimal (what JSON
 * carried; `String(vp)`), scaled to the proposal's largest number of decimals. So every
 * amount is an exact integer in units of 10^-scale of the hub's numbers, with no rounding
 * beyond the float itself — and the ProposalRef's `countingMode` (`snapshot-<type>`)
 * marks the numbers as Snapshot's.
 *
 * Only `basic` proposals have for/against/abstain votes (choices 1, 2, 3). Votes whose
 * choice does not fit are left out, as the hub leaves them out of its scores
 * (`scoreSnapshot` lists them as anomalies). The votes of other types are choices, not
 * supports: asking for them here is a UsageError (`decisive` and `check` read Snapshot
 * proposals through `decisiveSnapshot` instead). Votes cast (`votesCast`, what
 * `nakamoto --proposal` measures) exist for every type: each fitting vote's vp.
 */
import type { Db } from './db.js'
import type { Dao } from './daos.js'
import type { ProposalRef, StoredVote, VoteSourceReader } from './proposalVotes.js'
import { UsageError } from '../errors.js'
import { findSnapshotProposal, readSnapshotProposals, readSnapshotVotes } from './snapshotStore.js'
import { isSnapshotType, parseSnapshotChoice } from '../analysis/snapshotScoring.js'
import type { HubProposal, HubVote } from '../sources/snapshot/types.js'

/** A finite float ≥ 0 as the exact decimal of its shortest round-trip text: `digits · 10^-scale`. */
export function vpToDecimal(x: number): { digits: bigint; scale: number } {
  if (!Number.isFinite(x) || x < 0) throw new RangeError(`Snapshot vp must be a finite number >= 0; got ${x}`)
  const m = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(x))
  if (!m) throw new RangeError(`Cannot read ${x} as a decimal`)
  const int = m[1]!
  const frac = m[2] ?? ''
  const exp = Number(m[3] ?? 0)
  let digits = BigInt(int + frac)
  let scale = frac.length - exp
  if (scale < 0) {
    digits *= 10n ** BigInt(-scale)
    scale = 0
  }
  return { digits, scale }
}

/** Amounts of one proposal on a common scale. */
function scaled(values: readonly number[]): { scale: number; amounts: bigint[] } {
  const decs = values.map(vpToDecimal)
  const scale = decs.reduce((s, d) => Math.max(s, d.scale), 0)
  return { scale, amounts: decs.map((d) => d.digits * 10n ** BigInt(scale - d.scale)) }
}

const SUPPORT = ['for', 'against', 'abstain'] as const

export const snapshotVoteReader: VoteSourceReader = {
  proposals(db: Db, dao: Dao): ProposalRef[] {
    const vps = new Map<string, number[]>()
    for (const r of db.prepare(`SELECT proposal, vp FROM snapshot_vote WHERE dao_id = ?`).all(dao.id) as { proposal: string; vp: number }[]) {
      const list = vps.get(r.proposal)
      if (list) list.push(r.vp)
      else vps.set(r.proposal, [r.vp])
    }
    return readSnapshotProposals(db, dao.id).map((p) => {
      const { scale, amounts } = scaled([p.quorum, ...(vps.get(p.id) ?? [])])
      return {
        source: 'snapshot',
        id: p.id,
        title: p.title,
        scale,
        countingMode: `snapshot-${p.type}`,
        quorum: amounts[0]!,
        state: p.state,
        snapshotBlock: p.snapshotBlock,
      }
    })
  },

  votes(db: Db, dao: Dao, id: string): StoredVote[] {
    const p = requireProposal(db, dao, id)
    if (p.type !== 'basic')
      throw new UsageError(`Snapshot proposal ${id} is ${p.type}: its votes are choices, not for/against/abstain; only basic proposals are read this way.`)
    const all = readSnapshotVotes(db, dao.id, id)
    const { amounts } = scaled([p.quorum, ...all.map((v) => v.vp)])
    const out: StoredVote[] = []
    for (const [i, v] of all.entries()) {
      const c = v.choice
      if (typeof c !== 'number' || !Number.isInteger(c) || c < 1 || c > 3) continue // an anomaly: out of the hub's scores too
      out.push({ voter: v.voter, for: 0n, against: 0n, abstain: 0n, [SUPPORT[c - 1]!]: amounts[i + 1]! })
    }
    return out
  },

  votesCast(db: Db, dao: Dao, id: string) {
    const { proposal: p, votes: cast } = readFittingSnapshotVotes(db, dao, id)
    const { amounts } = scaled([p.quorum, ...cast.map((v) => v.vp)])
    return cast.map((v, i) => ({ address: v.voter, weight: amounts[i + 1]! }))
  },
}

/**
 * A stored proposal and its votes whose choice fits its type (the hub's validity rules),
 * with how many were left out. A type this version does not score (a custom plugin's)
 * keeps every vote: validity is unknown there, not failed.
 */
export function readFittingSnapshotVotes(db: Db, dao: Dao, id: string): { proposal: HubProposal; votes: HubVote[]; leftOut: number } {
  const proposal = requireProposal(db, dao, id)
  const type = proposal.type
  const all = readSnapshotVotes(db, dao.id, id)
  const votes = isSnapshotType(type) ? all.filter((v) => typeof parseSnapshotChoice(type, v.choice, proposal.choices.length) !== 'string') : all
  return { proposal, votes, leftOut: all.length - votes.length }
}

function requireProposal(db: Db, dao: Dao, id: string): HubProposal {
  const p = findSnapshotProposal(db, dao.id, id)
  if (!p) throw new UsageError(`No Snapshot proposal "${id}" for DAO "${dao.name}".`)
  return p
}
