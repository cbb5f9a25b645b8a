import type { SnapshotChoice, SnapshotVp } from '../../analysis/decisiveSnapshot.js'

/** A Snapshot proposal as the hub gives it (decoded, checked). Floats are as given. */
export type HubProposal = {
  id: string
  space: string
  author: string
  title: string
  type: string
  choices: string[]
  created: number
  start: number
  end: number
  /** The block the space's strategies read vp at; null when the hub gives none. */
  snapshotBlock: number | null
  network: string | null
  state: string
  scores: number[]
  scoresTotal: number
  quorum: number
  votesCount: number
}

/** A Snapshot vote as the hub gives it. `vp` is a float (SnapshotVp), kept as given. */
export type HubVote = {
  id: string
  proposal: string
  voter: string
  choice: SnapshotChoice
  vp: SnapshotVp
  vpByStrategy: number[] | null
  created: number
  reason: string
}
