/**
 * A loopback Snapshot hub: a small GraphQL server on 127.0.0.1:0 serving fixture data,
 * enforcing the real hub's limits, and injecting faults.
 *
 * It understands the three queries govaudit sends (`space`, `proposals`, `votes`), keyed
 * on the root field, with their variables:
 * - `first` > 1000, `skip` > 5000, or an `*_in` list > 100 items: a GraphQL error, as the hub.
 * - filters: space, created_gte, created, id_in, proposal; order: created ascending,
 *   then id (a stable order for `skip` within one second).
 * Faults:
 * - `burst`: more than `max` requests within `windowMs` → HTTP 429 with Retry-After.
 * - `plan`: per 1-based request number, a fault: 'drop' (socket destroyed, no answer),
 *   'http429', 'http503', 'malformed' (invalid JSON), 'graphqlError'.
 * - `always`: the same fault for every request (malformed JSON forever, ...).
 * `stats` counts requests and what was asked.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

export type FixtureVote = {
  id: string
  voter: string
  choice: unknown
  vp: number
  vp_by_strategy?: number[]
  created: number
  reason?: string
}

export type FixtureProposal = {
  id: string
  space: string
  title: string
  author: string
  type: string
  choices: string[]
  created?: number
  start: number
  end: number
  snapshot: string | number | null
  network?: string
  state: string
  scores: number[]
  scores_total: number
  quorum: number
  votes_count?: number
  votes: FixtureVote[]
}

export type HubFault = 'drop' | 'http429' | 'http503' | 'malformed' | 'graphqlError'

export type SnapshotHubOptions = {
  proposals: FixtureProposal[]
  /** Extra spaces that exist without proposals. */
  spaces?: string[]
  burst?: { max: number; windowMs: number; retryAfter: string }
  plan?: Record<number, HubFault>
  always?: HubFault
}

export type SnapshotHubStats = {
  requests: number
  byRoot: Record<string, number>
  /** Vote queries per proposal id. */
  voteQueries: Record<string, number>
  maxFirst: number
  maxSkip: number
  rejected: number
  throttled: number
  apiKeys: string[]
}

export type SnapshotHub = {
  url: string
  stats: SnapshotHubStats
  /** Fixture data, mutable between runs (add proposals, votes; change state). */
  data: SnapshotHubOptions
  close(): Promise<void>
}

export async function startSnapshotHub(options: SnapshotHubOptions): Promise<SnapshotHub> {
  const stats: SnapshotHubStats = { requests: 0, byRoot: {}, voteQueries: {}, maxFirst: 0, maxSkip: 0, rejected: 0, throttled: 0, apiKeys: [] }
  const recent: number[] = []
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => void handle(req, res))
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })

  const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers })
    res.end(body)
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const n = ++stats.requests
    const key = req.headers['x-api-key']
    if (typeof key === 'string') stats.apiKeys.push(key)
    const fault = options.always ?? options.plan?.[n]
    if (options.burst) {
      const now = Date.now()
      while (recent.length && recent[0]! <= now - options.burst.windowMs) recent.shift()
      recent.push(now)
      if (recent.length > options.burst.max) {
        stats.throttled++
        return send(res, 429, JSON.stringify({ error: 'too many requests' }), { 'retry-after': options.burst.retryAfter })
      }
    }
    if (fault === 'drop') {
      req.socket.destroy()
      return
    }
    if (fault === 'http429') return send(res, 429, '{"error":"too many requests"}', { 'retry-after': '0.01' })
    if (fault === 'http503') return send(res, 503, '<html>503 Service Unavailable</html>', { 'content-type': 'text/html' })
    if (fault === 'malformed') return send(res, 200, '{"data": {"votes": [{"id": "0x1", ')
    if (fault === 'graphqlError') return send(res, 200, JSON.stringify({ errors: [{ message: 'Internal error: injected' }] }))
    let body: { query?: string; variables?: Record<string, unknown> }
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
    } catch {
      return send(res, 400, JSON.stringify({ errors: [{ message: 'POST body is not JSON' }] }))
    }
    const answer = answerQuery(body.query ?? '', body.variables ?? {})
    if ('errors' in answer) stats.rejected++
    send(res, 200, JSON.stringify(answer))
  }

  function answerQuery(query: string, vars: Record<string, unknown>): { data: unknown } | { errors: { message: string }[] } {
    const root = /\{\s*(\w+)\s*\(/.exec(query)?.[1] ?? ''
    stats.byRoot[root] = (stats.byRoot[root] ?? 0) + 1
    const first = typeof vars.first === 'number' ? vars.first : 20
    const skip = typeof vars.skip === 'number' ? vars.skip : 0
    stats.maxFirst = Math.max(stats.maxFirst, first)
    stats.maxSkip = Math.max(stats.maxSkip, skip)
    if (first > 1000) return { errors: [{ message: 'The `first` argument must not be greater than 1000' }] }
    if (skip > 5000) return { errors: [{ message: 'The `skip` argument must not be greater than 5000' }] }
    const where = (vars.where ?? {}) as Record<string, unknown>
    for (const [k, v] of Object.entries(where))
      if (k.endsWith('_in') && Array.isArray(v) && v.length > 100) return { errors: [{ message: `The \`${k}\` argument must not be greater than 100` }] }
    const data = options.proposals
    if (root === 'space') {
      const id = vars.id as string
      const known = data.some((p) => p.space === id) || (options.spaces ?? []).includes(id)
      return { data: { space: known ? { id, name: id, network: '1' } : null } }
    }
    if (root === 'proposals') {
      let ps = data.filter((p) => matchesProposal(p, where))
      ps = ps.sort((a, b) => createdOf(a) - createdOf(b) || cmp(a.id, b.id))
      return { data: { proposals: ps.slice(skip, skip + first).map(proposalOut) } }
    }
    if (root === 'votes') {
      const pid = where.proposal as string
      stats.voteQueries[pid] = (stats.voteQueries[pid] ?? 0) + 1
      const p = data.find((x) => x.id === pid)
      let vs = (p?.votes ?? []).filter((v) => matchesCreated(v.created, where))
      vs = [...vs].sort((a, b) => a.created - b.created || cmp(a.id, b.id))
      return { data: { votes: vs.slice(skip, skip + first).map(voteOut) } }
    }
    return { errors: [{ message: `Cannot query field "${root}" on type "Query".` }] }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/graphql`,
    stats,
    data: options,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)
const createdOf = (p: FixtureProposal) => p.created ?? p.start

function matchesCreated(created: number, where: Record<string, unknown>): boolean {
  if (typeof where.created_gte === 'number' && created < where.created_gte) return false
  if (typeof where.created === 'number' && created !== where.created) return false
  return true
}

function matchesProposal(p: FixtureProposal, where: Record<string, unknown>): boolean {
  if (typeof where.space === 'string' && p.space !== where.space) return false
  if (Array.isArray(where.id_in) && !where.id_in.includes(p.id)) return false
  return matchesCreated(createdOf(p), where)
}

function proposalOut(p: FixtureProposal) {
  return {
    id: p.id,
    space: { id: p.space },
    author: p.author,
    title: p.title,
    type: p.type,
    choices: p.choices,
    created: createdOf(p),
    start: p.start,
    end: p.end,
    snapshot: p.snapshot === null ? null : String(p.snapshot),
    network: p.network ?? '1',
    state: p.state,
    scores: p.scores,
    scores_total: p.scores_total,
    quorum: p.quorum,
    votes: p.votes_count ?? p.votes.length,
  }
}

function voteOut(v: FixtureVote) {
  return { id: v.id, voter: v.voter, created: v.created, choice: v.choice, vp: v.vp, vp_by_strategy: v.vp_by_strategy ?? [v.vp], reason: v.reason ?? '' }
}
