/**
 * Hub GraphQL objects to checked HubProposal / HubVote: every field is validated, and an
 * answer that does not fit is a SourceError naming the field and the object — never a
 * silently skipped row.
 */
import { SourceError } from '../../errors.js'
import type { HubProposal, HubVote } from './types.js'

type Obj = Record<string, unknown>

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

function bad(what: string, field: string, value: unknown): SourceError {
  const shown = JSON.stringify(value)
  return new SourceError(`The Snapshot hub sent ${what} with an unusable ${field}: ${shown === undefined ? 'nothing' : shown.slice(0, 120)}`)
}

function str(o: Obj, key: string, what: string): string {
  const v = o[key]
  if (typeof v !== 'string') throw bad(what, key, v)
  return v
}

function safeInt(o: Obj, key: string, what: string): number {
  const v = o[key]
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw bad(what, key, v)
  return n
}

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v)
}

export function decodeProposal(raw: unknown): HubProposal {
  if (!isObject(raw)) throw bad('a proposal', 'object', raw)
  const id = str(raw, 'id', 'a proposal')
  const what = `proposal ${id}`
  const spaceRaw = raw.space
  const space = isObject(spaceRaw) && typeof spaceRaw.id === 'string' ? spaceRaw.id : typeof spaceRaw === 'string' ? spaceRaw : undefined
  if (space === undefined) throw bad(what, 'space', spaceRaw)
  const choices = raw.choices
  if (!Array.isArray(choices) || !choices.every((c) => typeof c === 'string')) throw bad(what, 'choices', choices)
  const scores = raw.scores ?? []
  if (!Array.isArray(scores) || !scores.every(finite)) throw bad(what, 'scores', scores)
  const scoresTotal = raw.scores_total ?? 0
  if (!finite(scoresTotal)) throw bad(what, 'scores_total', scoresTotal)
  const quorum = raw.quorum ?? 0
  if (!finite(quorum) || quorum < 0) throw bad(what, 'quorum', quorum)
  const snapshot = raw.snapshot
  const snapshotBlock = snapshot === null || snapshot === undefined || snapshot === '' ? null : safeInt(raw, 'snapshot', what)
  const network = raw.network
  if (network !== null && network !== undefined && typeof network !== 'string') throw bad(what, 'network', network)
  const start = safeInt(raw, 'start', what)
  return {
    id,
    space,
    author: str(raw, 'author', what),
    title: str(raw, 'title', what),
    type: str(raw, 'type', what),
    choices: choices as string[],
    created: raw.created === undefined ? start : safeInt(raw, 'created', what),
    start,
    end: safeInt(raw, 'end', what),
    snapshotBlock,
    network: typeof network === 'string' ? network : null,
    state: str(raw, 'state', what),
    scores: scores as number[],
    scoresTotal,
    quorum,
    votesCount: raw.votes === undefined || raw.votes === null ? 0 : safeInt(raw, 'votes', what),
  }
}

/**
 * A vote. The choice is checked only for being a number, an array of numbers or an object
 * of numbers: whether it fits the proposal's type is the scoring's business (a listed
 * anomaly, not a fetch failure).
 */
export function decodeVote(raw: unknown, proposal: string): HubVote {
  if (!isObject(raw)) throw bad(`a vote of proposal ${proposal}`, 'object', raw)
  const id = str(raw, 'id', `a vote of proposal ${proposal}`)
  const what = `vote ${id}`
  const choice = raw.choice
  const okChoice =
    finite(choice) ||
    (Array.isArray(choice) && choice.every(finite)) ||
    (isObject(choice) && Object.values(choice).every(finite))
  if (!okChoice) throw bad(what, 'choice', choice)
  const vp = raw.vp
  if (!finite(vp) || vp < 0) throw bad(what, 'vp', vp)
  const vbs = raw.vp_by_strategy
  if (vbs !== undefined && vbs !== null && !(Array.isArray(vbs) && vbs.every(finite))) throw bad(what, 'vp_by_strategy', vbs)
  const reason = raw.reason ?? ''
  if (typeof reason !== 'string') throw bad(what, 'reason', reason)
  return {
    id,
    proposal,
    voter: str(raw, 'voter', what),
    choice: choice as HubVote['choice'],
    vp,
    vpByStrategy: Array.isArray(vbs) ? (vbs as number[]) : null,
    created: safeInt(raw, 'created', what),
    reason,
  }
}
