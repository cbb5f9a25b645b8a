/**
 * One `scan` row: the same compositions `nakamoto`, `concentration` and `decisive` run
 * (measures.ts), at the DAO's last indexed block, so a row agrees with those commands
 * run on the DAO's database. Governor proposals only: the ones `scan` indexes.
 */
import type { Db } from '../store/db.js'
import type { Dao } from '../store/daos.js'
import { proposalVotes, storedProposals } from '../store/proposalVotes.js'
import { NO_LABELS } from '../config/labelsFile.js'
import type { Ratio } from '../analysis/ratio.js'
import type { ScanMetrics } from '../report/scan.js'
import { decisiveOfRefs, measureHolders, measureNakamoto } from './measures.js'

export type ScanRowQuery = { threshold: Ratio; whales: number }

export function measureScanRow(db: Db, dao: Dao, { threshold, whales }: ScanRowQuery): ScanMetrics {
  // Voting power measured both ways from one read; balance at the block it was read at (the cursor).
  const { nakamoto: votingPower, concentration } = measureHolders(db, dao, { basis: 'voting-power', threshold }, NO_LABELS)
  const block = votingPower.measured.blockNumber ?? undefined
  const balance = measureNakamoto(db, dao, { basis: 'balance', block, threshold }, NO_LABELS)
  // No governor, or one with no proposals yet: nothing was decided, which is not an error.
  const refs = storedProposals(db, dao, 'governor')
  if (refs.length === 0) return { votingPower, balance, concentration, decisive: null, proposals: 0, voters: 0 }
  // The distinct voters, counted as decisive reads each proposal's votes (once).
  const voters = new Set<string>()
  const decisive = decisiveOfRefs(db, dao, refs, { source: 'governor', whales }, NO_LABELS, (ref) => {
    const votes = proposalVotes(db, dao, ref)
    for (const v of votes) voters.add(v.voter)
    return votes
  })
  return { votingPower, balance, concentration, decisive, proposals: refs.length, voters: voters.size }
}
