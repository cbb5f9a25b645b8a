/** Human phrases for what an analysis measured: basis, denominator, population, scale. */
import type { ResolvedWeights } from '../store/weights.js'
import { SNAPSHOT_FLOAT_NOTE } from './decisiveSnapshot.js'

type Measured = Pick<ResolvedWeights, 'basis' | 'denominator' | 'blockNumber' | 'proposal' | 'scale'>

const at = (block: number | null) => (block === null ? '' : ` at block ${block}`)

export function describeBasis(m: Measured): string {
  switch (m.basis) {
    case 'voting-power':
      return `voting power${at(m.blockNumber)}`
    case 'balance':
      return `token balance${at(m.blockNumber)}`
    case 'imported':
      return 'imported holder weights (govaudit import --holders)'
    case 'votes':
      return `votes cast on ${m.proposal?.source ?? ''} proposal ${m.proposal?.id ?? '?'}`.replace('  ', ' ')
  }
}

export function describeDenominator(m: Measured): string {
  switch (m.denominator) {
    case 'total-voting-power':
      return `total voting power${at(m.blockNumber)}`
    case 'total-supply':
      return `total supply (sum of balances)${at(m.blockNumber)}`
    case 'votes-cast':
      return 'total votes cast on the proposal'
    case 'total-imported':
      return 'total of the imported holder weights'
  }
}

/** Who the population is: "delegates with voting power > 0". */
export function populationNoun(m: Pick<Measured, 'basis'>): string {
  switch (m.basis) {
    case 'voting-power':
      return 'delegates with voting power > 0'
    case 'balance':
      return 'holders with a balance > 0'
    case 'imported':
      return 'imported holders with weight > 0'
    case 'votes':
      return 'voters with votes cast > 0'
  }
}

/** Votes cast on a Snapshot proposal: off-chain floats, read as the hub's decimals; undefined otherwise. */
export function snapshotVotesNote(m: Pick<Measured, 'proposal' | 'scale'>): string | undefined {
  if (m.proposal?.source !== 'snapshot') return undefined
  const units = m.scale === 0 ? 'as whole numbers' : `× 10^${m.scale} as exact integers (${(10n ** BigInt(m.scale)).toString()} means 1 vp)`
  return `${SNAPSHOT_FLOAT_NOTE} Weights are each vote's vp as the decimal the hub sent, ${units}; votes whose choice does not fit the proposal's type are left out, as the hub does.`
}

/** Why weights look 10^scale times larger than the file's numbers; undefined when scale is 0. */
export function scaleNote(scale: number): string | undefined {
  if (scale === 0) return undefined
  return `Weights and totals are the imported values × 10^${scale} (the file had up to ${scale} decimal place${scale === 1 ? '' : 's'}), kept as exact integers: ${(10n ** BigInt(scale)).toString()} means 1.`
}
