/**
 * The hub queries: a space, its proposals (by created cursor, or by id in chunks of 100),
 * and a proposal's votes (by created cursor). Facts only: decoded and checked, no scoring.
 */
import { SourceError, UsageError } from '../../errors.js'
import { decodeProposal, decodeVote } from './decode.js'
import { HUB_LIMITS, type HubClient } from './hubClient.js'
import { pageByCreated } from './pageByCreated.js'
import type { HubProposal, HubVote } from './types.js'

const PROPOSAL_FIELDS = `id space { id } author title type choices created start end snapshot network state scores scores_total quorum votes`
const VOTE_FIELDS = `id voter created choice vp vp_by_strategy reason`

export type HubSpace = { id: string; name: string | null; network: string | null }

/** The space, or a UsageError when the hub does not know it. */
export async function fetchSpace(client: HubClient, space: string): Promise<HubSpace> {
  const data = await client.query<{ space: unknown }>(`space ${space}`, `query ($id: String!) { space(id: $id) { id name network } }`, { id: space })
  const s = data.space as { id?: unknown; name?: unknown; network?: unknown } | null | undefined
  if (!s || typeof s.id !== 'string')
    throw new UsageError(`The Snapshot hub ${client.label} has no space "${space}"; check the space id (e.g. uniswapgovernance.eth).`)
  return { id: s.id, name: typeof s.name === 'string' ? s.name : null, network: typeof s.network === 'string' ? s.network : null }
}

/** The space's proposals created at or after `from` (unix s), oldest first. */
export async function fetchProposals(client: HubClient, { space, from = 0 }: { space: string; from?: number }): Promise<HubProposal[]> {
  const query = `query ($first: Int!, $skip: Int!, $where: ProposalWhere) {
  proposals(first: $first, skip: $skip, where: $where, orderBy: "created", orderDirection: asc) { ${PROPOSAL_FIELDS} }
}`
  return pageByCreated({
    what: `proposals of ${space}`,
    from,
    idOf: (p) => p.id,
    createdOf: (p) => p.created,
    fetchPage: async ({ where, first, skip }) => {
      const data = await client.query<{ proposals: unknown }>(`proposals of ${space}`, query, { first, skip, where: { space, ...where } })
      return listOf(data.proposals, `proposals of ${space}`).map(decodeProposal)
    },
  })
}

/** Proposals by id, in chunks of the hub's `id_in` limit (100). */
export async function fetchProposalsById(client: HubClient, ids: readonly string[]): Promise<HubProposal[]> {
  const query = `query ($first: Int!, $where: ProposalWhere) { proposals(first: $first, where: $where) { ${PROPOSAL_FIELDS} } }`
  const out: HubProposal[] = []
  for (let i = 0; i < ids.length; i += HUB_LIMITS.in) {
    const chunk = ids.slice(i, i + HUB_LIMITS.in)
    const data = await client.query<{ proposals: unknown }>(`${chunk.length} proposals by id`, query, { first: chunk.length, where: { id_in: chunk } })
    out.push(...listOf(data.proposals, 'proposals by id').map(decodeProposal))
  }
  return out
}

/** Every vote of a proposal, oldest first, without duplicates (see pageByCreated). */
export async function fetchVotes(client: HubClient, { proposal, first }: { proposal: string; first?: number }): Promise<HubVote[]> {
  const query = `query ($first: Int!, $skip: Int!, $where: VoteWhere) {
  votes(first: $first, skip: $skip, where: $where, orderBy: "created", orderDirection: asc) { ${VOTE_FIELDS} }
}`
  return pageByCreated({
    what: `votes of ${proposal}`,
    ...(first === undefined ? {} : { first }),
    idOf: (v) => v.id,
    createdOf: (v) => v.created,
    fetchPage: async ({ where, first, skip }) => {
      const data = await client.query<{ votes: unknown }>(`votes of ${proposal}`, query, { first, skip, where: { proposal, ...where } })
      return listOf(data.votes, `votes of ${proposal}`).map((v) => decodeVote(v, proposal))
    },
  })
}

function listOf(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new SourceError(`The Snapshot hub answered ${what} without a list (${JSON.stringify(v)?.slice(0, 80)})`)
  return v
}
