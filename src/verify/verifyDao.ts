/**
 * `govaudit verify`: compare what the database says with what the contracts' own views say,
 * for a seeded sample of accounts and blocks (plan.ts) and for every governor proposal.
 *
 * Steps: check the RPC is on the DAO's chain and has reached its cursor; read the stored
 * state at the planned blocks (tokenQueries) and plan the accounts from it; probe the
 * token's views (tokenViews.ts) and read every (account, block) fact in JSON-RPC batches
 * (viewCalls.ts); read each proposal's state, tally and quorum with the same reader the
 * index's finalize step uses (readProposalChain), at the governor's cursor.
 *
 * Nothing is written. A node without historical state fails with a SourceError asking for
 * an archive node (exit 3); mismatches are results, returned as checks with ok = false.
 */
import pLimit from 'p-limit'
import type { Db } from '../store/db.js'
import type { Dao } from '../store/daos.js'
import { daoKind } from '../store/imports.js'
import { balancesAt, delegationsAt, resolveTokenBlock, votingPowerAt, type AccountWeight } from '../store/tokenQueries.js'
import { getGovernorCursor, listGovernors, type StoredGovernor } from '../store/governors.js'
import { listGovernorProposals, proposalVoters, type GovernorProposal } from '../store/governorQueries.js'
import { getChainId, getHead } from '../sources/evm/blocks.js'
import type { RpcClient } from '../sources/evm/types.js'
import { createBlockTimes } from '../sources/governor/blockTimes.js'
import { readProposalChain } from '../sources/governor/readProposalChain.js'
import type { Tally } from '../analysis/rules/countingRule.js'
import { sumWeights } from '../analysis/weights.js'
import { ZERO_ADDRESS } from '../sources/token/decode.js'
import { SourceError, UsageError } from '../errors.js'
import { redact } from '../sources/evm/redact.js'
import { planAccountChecks, planAccounts, planBlocks, TOP_ACCOUNTS, type AccountCheck, type AccountCheckKind } from './plan.js'
import { balanceView, delegateView, probeTokenViews, totalSupplyView, votesView, type PlannedView, type TokenViews } from './tokenViews.js'
import { readViews } from './viewCalls.js'
import type { VerifyCheck, VerifyCheckKind, VerifyReport } from './types.js'

export type VerifyDaoParameters = {
  db: Db
  rpc: RpcClient
  dao: Dao
  seed: number
  /** Random accounts besides the top holders and delegates. */
  sample: number
  /** Every known account instead of a sample (and every voter at each snapshot). */
  all: boolean
  /** `--block`: also check this block. */
  block?: number
  /** Batches (and proposals) in flight. Default 4. */
  concurrency?: number
  /** Calls per JSON-RPC batch. Default 50. */
  batchSize?: number
  /** Called once the database and the RPC are found usable, before the checks run. */
  onStart?: () => void
  onProgress?: (text: string) => void
}


/** The stored token state at one block, keyed by account. */
type StoredState = { votes: Map<string, bigint>; balances: Map<string, bigint>; delegates: Map<string, string>; total: bigint }

function storedStateAt(db: Db, dao: Dao, blockNumber: number): StoredState {
  const byAddress = (ws: AccountWeight[]) => new Map(ws.map((w) => [w.address, w.weight]))
  const held = balancesAt(db, dao, blockNumber).weights
  const balances = byAddress(held)
  const total = sumWeights(held)
  return {
    votes: byAddress(votingPowerAt(db, dao, blockNumber).weights),
    balances,
    delegates: new Map(delegationsAt(db, dao, blockNumber).delegations.map((d) => [d.delegator, d.delegate])),
    total,
  }
}

/** Addresses of a weight map, largest weight first (ties by address). */
const largestFirst = (m: Map<string, bigint>) =>
  [...m].sort(([a, x], [b, y]) => (x === y ? (a < b ? -1 : 1) : x > y ? -1 : 1)).map(([a]) => a)

export async function verifyDao(p: VerifyDaoParameters): Promise<VerifyReport> {
  const { db, rpc, dao } = p
  const concurrency = p.concurrency ?? 4
  const progress = p.onProgress ?? (() => {})
  if (daoKind(db, dao) === 'imported')
    throw new UsageError(`DAO "${dao.name}" was imported from files, not indexed from a chain: there are no contracts to verify it against.`)
  const cursor = resolveTokenBlock(db, dao, undefined).blockNumber
  if (p.block !== undefined) resolveTokenBlock(db, dao, p.block)

  progress(`Checking ${rpc.label}`)
  const chainId = await getChainId(rpc)
  if (chainId !== dao.chainId)
    throw new UsageError(redact(`The RPC ${rpc.label} serves chain ${chainId} but "${dao.name}" was indexed from chain ${dao.chainId}; pass an RPC of chain ${dao.chainId} with --rpc.`))
  const head = await getHead(rpc, 0)
  if (head < cursor)
    throw new SourceError(redact(`The RPC ${rpc.label} is at block ${head}, behind block ${cursor} that "${dao.name}" is indexed to; use a synced node.`))
  p.onStart?.()

  // Plan: blocks first, then accounts from the stored state at the cursor and the drawn blocks.
  const proposals = listGovernorProposals(db, dao)
  const blocks = planBlocks({
    seed: p.seed,
    startBlock: dao.startBlock,
    cursor,
    ...(p.block !== undefined ? { requested: p.block } : {}),
    snapshots: proposals.flatMap((x) => (x.snapshotBlock === null ? [] : [x.snapshotBlock])),
  })
  progress(`Reading the stored state at ${blocks.length} block(s)`)
  const states = new Map<number, StoredState>()
  const population = new Set<string>()
  for (const b of blocks) {
    if (!b.reasons.some((r) => r !== 'snapshot')) continue
    const s = storedStateAt(db, dao, b.blockNumber)
    states.set(b.blockNumber, s)
    for (const a of [...s.balances.keys(), ...s.votes.keys()]) population.add(a)
    for (const [delegator, delegate] of s.delegates) population.add(delegator).add(delegate)
  }
  const voters: { address: string; blockNumber: number }[] = []
  for (const x of proposals) {
    const ranked = proposalVoters(db, dao, x).voters.map((v) => v.voter)
    for (const v of ranked) population.add(v)
    const snapshot = x.snapshotBlock
    if (snapshot !== null && blocks.some((b) => b.blockNumber === snapshot))
      for (const v of p.all ? ranked : ranked.slice(0, TOP_ACCOUNTS)) voters.push({ address: v, blockNumber: snapshot })
  }
  const now = states.get(cursor)!
  const accounts = planAccounts({
    seed: p.seed,
    holders: largestFirst(now.balances),
    delegates: largestFirst(now.votes),
    population: [...population],
    sample: p.sample,
    all: p.all,
  })
  const accountChecks = planAccountChecks({ blocks, accounts, voters })

  progress('Probing the token\'s views')
  const views = await probeTokenViews(rpc, dao.token)
  const pending: { view: PlannedView; check: VerifyCheckKind; subject: string; block: number; stored: string; show: Show }[] = []
  const missing = new Set<string>()
  const want = (check: VerifyCheckKind, subject: string, block: number, view: PlannedView | null, stored: string, show: Show, why: string) => {
    if (view) pending.push({ view, check, subject, block, stored, show })
    else missing.add(why)
  }
  const byBlock = new Map<number, AccountCheck[]>()
  for (const c of accountChecks) {
    const list = byBlock.get(c.blockNumber)
    if (list) list.push(c)
    else byBlock.set(c.blockNumber, [c])
  }
  for (const b of blocks) {
    const s = states.get(b.blockNumber) ?? storedStateAt(db, dao, b.blockNumber)
    for (const c of byBlock.get(b.blockNumber) ?? [])
      for (const kind of c.kinds) {
        const a = ACCOUNT_VIEWS[kind]
        want(kind, c.address, b.blockNumber, a.view(views, c.address, b.blockNumber, head), a.stored(s, c.address), a.show, a.missing)
      }
    want('total-supply', dao.token, b.blockNumber, totalSupplyView(views, b.blockNumber, head), String(s.total), amount, TOTAL_SUPPLY_MISSING)
  }
  const notes = [...missing].map((why) => `Not checked: ${why}.`)

  progress(`Reading ${pending.length} view(s) in batches`)
  const answers = await readViews({
    rpc,
    calls: pending.map((x) => x.view.call),
    concurrency,
    ...(p.batchSize !== undefined ? { batchSize: p.batchSize } : {}),
    onProgress: (done) => progress(`Read ${done} of ${pending.length} view(s)`),
  })
  const checks: VerifyCheck[] = pending.map((x, i) => {
    const chain = x.show(answers[i])
    return { check: x.check, subject: x.subject, block: x.block, stored: x.stored, chain, ok: chain === x.stored, via: x.view.via }
  })

  progress(`Reading ${proposals.length} proposal(s) from the governor(s)`)
  checks.push(...(await proposalChecks(db, dao, rpc, proposals, concurrency)))
  return { dao: dao.name, seed: p.seed, block: cursor, blocks, accounts: accounts.length, proposals: proposals.length, checks, notes }
}

/** How an answer is shown beside the stored value: both as the same string form. */
type Show = (answer: unknown) => string
const amount: Show = (v) => String(v as bigint)

/** Per account fact: the view that reads it, the stored value, and what to say when the token has no such view. */
type AccountView = {
  view: (t: TokenViews, account: string, block: number, reference: number) => PlannedView | null
  stored: (s: StoredState, account: string) => string
  show: Show
  missing: string
}

const ACCOUNT_VIEWS: Record<AccountCheckKind, AccountView> = {
  votes: {
    view: votesView,
    stored: (s, a) => String(s.votes.get(a) ?? 0n),
    show: amount,
    missing: 'voting power: the token answers neither getPastVotes / getPriorVotes nor getVotes / getCurrentVotes',
  },
  balance: {
    view: balanceView,
    stored: (s, a) => String(s.balances.get(a) ?? 0n),
    show: amount,
    missing: 'balances: the token has no balanceOf(address)',
  },
  delegate: {
    view: delegateView,
    stored: (s, a) => s.delegates.get(a) ?? ZERO_ADDRESS,
    show: (v) => String(v).toLowerCase(),
    missing: 'delegates: the token has no delegates(address)',
  },
}
const TOTAL_SUPPLY_MISSING = 'total supply: the token answers neither getPastTotalSupply nor totalSupply()'

const tallyText = (t: Tally) => `for ${t.for}, against ${t.against}, abstain ${t.abstain}`

/** Every proposal's tally, quorum and state as its governor's views say them at the governor's cursor. */
async function proposalChecks(db: Db, dao: Dao, rpc: RpcClient, proposals: GovernorProposal[], concurrency: number): Promise<VerifyCheck[]> {
  const governors = new Map(listGovernors(db, dao).map((g) => [g.address, g]))
  const times = createBlockTimes(rpc)
  const clocks = new Map<string, Promise<{ atBlock: number; now: number } | null>>()
  const clockOf = (g: StoredGovernor) => {
    let c = clocks.get(g.address)
    if (!c) {
      const atBlock = getGovernorCursor(db, dao.id, g.address)
      c = atBlock === null ? Promise.resolve(null) : g.clock === 'blocknumber' ? Promise.resolve({ atBlock, now: atBlock }) : times.timestamp(atBlock).then((now) => ({ atBlock, now }))
      clocks.set(g.address, c)
    }
    return c
  }
  const idCount = new Map<string, number>()
  for (const x of proposals) idCount.set(x.id.toString(), (idCount.get(x.id.toString()) ?? 0) + 1)
  const limit = pLimit(concurrency)
  const perProposal = await Promise.all(
    proposals.map((x) =>
      limit(async (): Promise<VerifyCheck[]> => {
        const governor = governors.get(x.governor)!
        const clock = await clockOf(governor)
        if (clock === null) return []
        const chain = await readProposalChain({ rpc, governor, proposalId: x.id, voteStart: x.voteStart, atBlock: clock.atBlock, now: clock.now, quorumKnown: false })
        const subject = idCount.get(x.id.toString())! > 1 ? `${x.id}@${x.governor}` : x.id.toString()
        const at = clock.atBlock
        const out: VerifyCheck[] = []
        const add = (check: VerifyCheckKind, block: number, stored: string, value: string | null, view: string, calledAt: number) =>
          out.push({ check, subject, block, stored, chain: value, ok: value === stored, via: calledAt === block ? view : `${view}@${calledAt}` })
        add('tally', at, tallyText(x.tally), chain.tally && tallyText(chain.tally), governor.kind === 'oz' ? 'proposalVotes' : 'proposals', at)
        // Reported at the snapshot block, the one the quorum applies to (OZ reads quorum(snapshot) at the cursor).
        if (x.quorum !== null) {
          const quorum = chain.quorum === null ? null : String(chain.quorum)
          if (governor.kind === 'oz') add('quorum', x.snapshotBlock ?? at, String(x.quorum), quorum, 'quorum(snapshot)', at)
          else add('quorum', x.snapshotBlock ?? at, String(x.quorum), quorum, 'quorumVotes', chain.quorumBlock ?? at)
        }
        if (x.checkedBlock !== null && x.state !== null) add('state', at, x.state, chain.state, 'state', at)
        return out
      }),
    ),
  )
  return perProposal.flat()
}
