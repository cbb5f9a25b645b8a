import { AbiCoder, concat, dataSlice, getAddress, id as keccakText, Interface, keccak256, solidityPacked, toQuantity, toUtf8Bytes, ZeroAddress } from 'ethers'
import { loadArtifact } from './artifacts.js'
import { DevchainError } from './devchainError.js'
import { createDevRpc, type DevRpc, type DevRpcTarget } from './devRpc.js'
import { Miner, type Tx } from './miner.js'
import {
  DEFAULT_GOVERNOR_PARAMETERS,
  GOVERNOR_FIXTURE_SPECS,
  governorConstructorArgs,
  type GovernorFixture,
  type GovernorFixtureSpec,
  type GovernorParameters,
} from './governorFixtures.js'

export type PlayGovernorScenarioParameters = DevRpcTarget & {
  fixture: GovernorFixture
  /** Same seed, same accounts and transactions. Default 1. */
  seed?: number | string
  /** Reuse this deployed token (of the fixture's token contract) owned by `owner`: two governors over one token. */
  token?: { address: string; owner: string }
  parameters?: GovernorParameters
}

/** What each proposal of the scenario is made to exercise (the chain's own views are the truth, not this). */
export type ProposalPlan =
  | 'succeeded'
  | 'defeated-by-votes'
  | 'defeated-by-quorum'
  | 'canceled'
  | 'queued'
  | 'executed'
  | 'extended'
  | 'exact-quorum'
  | 'abstain-quorum'
  | 'active'
  | 'pending'

export type ScenarioProposal = {
  id: bigint
  plan: ProposalPlan
  description: string
  createdBlock: number
}

export type ScenarioVote = { proposalId: bigint; voter: string; block: number; kind: 'nominal' | 'reason' | 'params' | 'fractional' }

export type PlayGovernorScenarioResult = {
  fixture: GovernorFixture
  spec: GovernorFixtureSpec
  parameters: GovernorParameters
  /** Lowercase, like every address here. */
  token: string
  governor: string
  timelock: string | null
  owner: string
  /** v0 (the proposer) .. v9: self-delegated holders who vote. */
  voters: string[]
  /** Holders who delegate to a voter during the scenario, and one who never delegates. */
  others: string[]
  /** First block with a scenario transaction (the token's deployment, or the governor's when the token is given). */
  deployBlock: number
  governorBlock: number
  /** Last block with scenario transactions; one empty block is mined after it. */
  lastBlock: number
  proposals: ScenarioProposal[]
  votes: ScenarioVote[]
  /** Delegation changes mined in the same block as a snapshot or as votes. */
  sameBlockDelegations: { block: number; delegator: string; delegate: string; at: 'snapshot' | 'vote' }[]
}

const E = 10n ** 18n
const DEAD = '0x000000000000000000000000000000000000dead'
const GAS = { deploy: 12_000_000, call: 1_000_000 }
const AMOUNTS: bigint[] = [100n, 300n, 250n, 200n, 150n, 120n, 80n, 50n, 30n, 20n].map((x) => x * E)

type Action = { targets: string[]; values: bigint[]; signatures: string[]; calldatas: string[] }
type Proposal = ScenarioProposal & { action: Action; descriptionHash: string }

/**
 * Plays a governance history on anvil for one governor fixture: deploys the token (unless
 * given), a TimelockController for OZ, and the governor; mints and delegates; then ten
 * proposals covering succeeded, defeated by votes, defeated by quorum, canceled, queued,
 * executed, extended (OZ late quorum) or exact-quorum (Bravo/Alpha), abstain-decided
 * quorum, active and pending at the end; votes for / against / abstain, with reason, with
 * params, fractional (partial, several per voter, then nominal for the rest), a delegation
 * in the snapshot block (it counts) and one in the same block as the delegate's vote (it
 * does not).
 *
 * Mining is manual (one `evm_mine` per scenario block, transactions checked in order and
 * successful) with one second between blocks, so block and timestamp clocks advance
 * alike; idle stretches are skipped with `anvil_mine`. Automine and the timestamp
 * interval are restored at the end. Needs anvil without interval mining.
 */
export async function playGovernorScenario(p: PlayGovernorScenarioParameters): Promise<PlayGovernorScenarioResult> {
  const rpc = createDevRpc(p.url !== undefined ? p.url : { provider: p.provider })
  const seed = p.seed ?? 1
  const automine = await rpc.request<boolean>('anvil_getAutomine')
  let failed = false
  try {
    await rpc.request('evm_setAutomine', [false])
    await rpc.request('anvil_setBlockTimestampInterval', [1])
    return await play(rpc, p.fixture, seed, p.token, p.parameters ?? DEFAULT_GOVERNOR_PARAMETERS)
  } catch (error) {
    failed = true
    throw error
  } finally {
    try {
      await rpc.request('anvil_removeBlockTimestampInterval', [])
      await rpc.request('evm_setAutomine', [automine])
    } catch (restoreError) {
      if (!failed) throw restoreError
    }
  }
}

async function play(
  rpc: DevRpc,
  fixture: GovernorFixture,
  seed: number | string,
  givenToken: PlayGovernorScenarioParameters['token'],
  parameters: GovernorParameters,
): Promise<PlayGovernorScenarioResult> {
  const spec = GOVERNOR_FIXTURE_SPECS[fixture]
  const account = (label: string) => getAddress(dataSlice(keccak256(toUtf8Bytes(`govaudit-governor:${fixture}:${seed}:${label}`)), 12)).toLowerCase()
  const owner = givenToken?.owner.toLowerCase() ?? account('owner')
  const voters = AMOUNTS.map((_, i) => account(`v${i}`))
  const [d0, d1, u0] = [account('d0'), account('d1'), account('u0')] as [string, string, string]
  await rpc.batch(
    [owner, ...voters, d0, d1, u0].flatMap((a) => [
      { method: 'anvil_impersonateAccount', params: [a] },
      { method: 'anvil_setBalance', params: [a, toQuantity(1_000n * E)] },
    ]),
  )
  const miner = new Miner(rpc)
  await miner.loadNonces([owner, ...voters, d0, d1, u0])

  const tokenArtifact = loadArtifact(spec.token)
  const governorArtifact = loadArtifact(spec.contract)
  const timelockArtifact = loadArtifact('GovTimelock')
  const tokenAbi = new Interface(tokenArtifact.abi)
  const gov = new Interface(governorArtifact.abi)
  const timelockAbi = new Interface(timelockArtifact.abi)

  // Block: token (unless given) and the OZ timelock.
  let token = givenToken?.address.toLowerCase()
  let timelock: string | null = null
  if (!token) await miner.send({ from: owner, data: concat([tokenArtifact.bytecode, tokenAbi.encodeDeploy(['Gov Token', 'GOV'])]), gas: GAS.deploy, label: `deploy ${spec.token}` })
  if (spec.timelock)
    await miner.send({
      from: owner,
      data: concat([timelockArtifact.bytecode, timelockAbi.encodeDeploy([parameters.timelockDelay, [], [ZeroAddress], owner])]),
      gas: GAS.deploy,
      label: 'deploy GovTimelock',
    })
  const first = await miner.mine()
  if (!token) token = first.receipts[0]?.contractAddress?.toLowerCase()
  if (spec.timelock) timelock = first.receipts.at(-1)?.contractAddress?.toLowerCase() ?? null
  if (!token || (spec.timelock && !timelock)) throw new DevchainError('The scenario deployments returned no contract address.')
  const deployBlock = first.number

  // Block: the governor.
  await miner.send({
    from: owner,
    data: concat([governorArtifact.bytecode, gov.encodeDeploy(governorConstructorArgs(spec, { token, timelock, parameters }))]),
    gas: GAS.deploy,
    label: `deploy ${spec.contract}`,
  })
  const deployed = await miner.mine()
  const governor = deployed.receipts[0]?.contractAddress?.toLowerCase()
  if (!governor) throw new DevchainError(`Deploying ${spec.contract} returned no contract address.`)
  const governorBlock = deployed.number

  const call = (from: string, to: string, data: string, label: string): Tx => ({ from, to, data, gas: GAS.call, label })
  const govTx = (from: string, fn: string, args: unknown[], label: string) => call(from, governor, gov.encodeFunctionData(fn, args), label)
  const tokenTx = (from: string, fn: string, args: unknown[], label: string) => call(from, token!, tokenAbi.encodeFunctionData(fn, args), label)

  // Block: roles, mints. Block: self-delegations.
  if (timelock) {
    for (const role of ['PROPOSER_ROLE', 'CANCELLER_ROLE'])
      await miner.send(call(owner, timelock, timelockAbi.encodeFunctionData('grantRole', [keccakText(role), governor]), `grant ${role}`))
  }
  for (const [i, v] of voters.entries()) await miner.send(tokenTx(owner, 'mint', [v, AMOUNTS[i]], `mint to v${i}`))
  for (const [a, amount] of [[d0, 60n * E], [d1, 40n * E], [u0, 400n * E]] as const) await miner.send(tokenTx(owner, 'mint', [a, amount], `mint to ${a}`))
  await miner.mine()
  for (const v of voters) await miner.send(tokenTx(v, 'delegate', [v], `self-delegate ${v}`))
  await miner.mine()

  // Proposals and how to act on them.
  const abi = AbiCoder.defaultAbiCoder()
  const simple: Action = { targets: [DEAD], values: [0n], signatures: [''], calldatas: ['0x'] }
  const complex: Action =
    spec.kind === 'oz'
      ? { targets: [token, DEAD], values: [0n, 0n], signatures: ['', ''], calldatas: [tokenAbi.encodeFunctionData('transfer', [DEAD, 1n]), '0x'] }
      : {
          targets: [token, DEAD],
          values: [0n, 0n],
          signatures: ['transfer(address,uint256)', ''],
          calldatas: [abi.encode(['address', 'uint256'], [DEAD, 1n]), '0x'],
        }
  const proposer = voters[0]!
  const proposals: Proposal[] = []
  const description = (n: number, plan: ProposalPlan) => {
    const title = `P${n} ${plan} (${fixture})`
    if (n === 3) return `${title}\nNo heading: the first line is the title.`
    if (n === 8) return `Intro line before any heading\n\n## ${title} — Élan ✓\n\nBody with | pipes | and, commas.`
    return `# ${title}\n\nProposal ${n} of the ${fixture} governor scenario (seed ${seed}).`
  }
  const propose = async (plans: ProposalPlan[]) => {
    const pending: { hash: string; plan: ProposalPlan; text: string; action: Action }[] = []
    for (const plan of plans) {
      const n = proposals.length + pending.length + 1
      const text = description(n, plan)
      const action = plan === 'defeated-by-votes' ? complex : simple
      const args =
        spec.kind === 'oz'
          ? [action.targets, action.values, action.calldatas, text]
          : [action.targets, action.values, action.signatures, action.calldatas, text]
      pending.push({ hash: await miner.send(govTx(proposer, 'propose', args, `propose P${n}`)), plan, text, action })
    }
    const mined = await miner.mine()
    for (const x of pending) {
      const receipt = mined.receipts.find((r) => r.transactionHash.toLowerCase() === x.hash.toLowerCase())
      const log = receipt?.logs.map((l) => gov.parseLog(l)).find((e) => e?.name === 'ProposalCreated')
      if (!log) throw new DevchainError(`propose in tx ${x.hash} emitted no ProposalCreated.`)
      proposals.push({
        id: log.args[0] as bigint,
        plan: x.plan,
        description: x.text,
        createdBlock: mined.number,
        action: x.action,
        descriptionHash: keccakText(x.text),
      })
    }
    return mined.number
  }
  const byPlan = (plan: ProposalPlan) => proposals.find((x) => x.plan === plan)!
  const ozArgs = (x: Proposal) => [x.action.targets, x.action.values, x.action.calldatas, x.descriptionHash]

  const votes: ScenarioVote[] = []
  const pendingVotes: Omit<ScenarioVote, 'block'>[] = []
  const vote = async (voter: string, plan: ProposalPlan, support: 0 | 1 | 2, o: { reason?: string; params?: string } = {}) => {
    const x = byPlan(plan)
    if (support === 2 && !spec.abstain) return // GovernorAlpha has no abstain
    let tx: Tx
    let kind: ScenarioVote['kind'] = 'nominal'
    if (spec.kind === 'alpha') tx = govTx(voter, 'castVote', [x.id, support === 1], `vote ${voter} on ${plan}`)
    else if (o.params !== undefined && spec.kind === 'oz' && !spec.fractional) {
      tx = govTx(voter, 'castVoteWithReasonAndParams', [x.id, support, o.reason ?? '', o.params], `vote+params ${voter} on ${plan}`)
      kind = 'params'
    } else if (o.reason !== undefined) {
      tx = govTx(voter, 'castVoteWithReason', [x.id, support, o.reason], `vote+reason ${voter} on ${plan}`)
      kind = 'reason'
    } else tx = govTx(voter, 'castVote', [x.id, support], `vote ${voter} on ${plan}`)
    await miner.send(tx)
    pendingVotes.push({ proposalId: x.id, voter, kind })
  }
  const fractional = async (voter: string, plan: ProposalPlan, against: bigint, forVotes: bigint, abstain: bigint, reason = '') => {
    const x = byPlan(plan)
    const params = solidityPacked(['uint128', 'uint128', 'uint128'], [against, forVotes, abstain])
    await miner.send(govTx(voter, 'castVoteWithReasonAndParams', [x.id, 255, reason, params], `fractional ${voter} on ${plan}`))
    pendingVotes.push({ proposalId: x.id, voter, kind: 'fractional' })
  }
  const mineVotes = async () => {
    const mined = await miner.mine()
    for (const v of pendingVotes.splice(0)) votes.push({ ...v, block: mined.number })
    return mined.number
  }
  const [v1, v2, v3, v4, v5, v6, v7, v8, v9] = voters.slice(1) as [string, string, string, string, string, string, string, string, string]
  const sameBlockDelegations: PlayGovernorScenarioResult['sameBlockDelegations'] = []

  // Block c: eight proposals at once (one snapshot, one deadline).
  const c = await propose([
    'succeeded',
    'defeated-by-votes',
    'defeated-by-quorum',
    'canceled',
    'queued',
    'executed',
    spec.lateQuorum ? 'extended' : 'exact-quorum',
    'abstain-quorum',
  ])
  const { votingDelay, votingPeriod, lateQuorumExtension, timelockDelay } = parameters
  const snapshotBlock = c + votingDelay // the clock advances 1 per block, blocks and seconds alike
  const deadlineBlock = snapshotBlock + votingPeriod

  // c+1: cancel while pending (OZ allows only that, by the proposer).
  const canceled = byPlan('canceled')
  if (spec.kind === 'oz') await miner.send(govTx(proposer, 'cancel', ozArgs(canceled), 'cancel'))
  else await miner.send(govTx(spec.kind === 'alpha' ? owner : proposer, 'cancel', [canceled.id], 'cancel'))
  await miner.mine()
  await miner.mineUntil(snapshotBlock - 1)

  // The snapshot block: d0 delegates to v4 (counts at the snapshot).
  await miner.send(tokenTx(d0, 'delegate', [v4], 'd0 -> v4'))
  sameBlockDelegations.push({ block: await miner.mine().then((m) => m.number), delegator: d0, delegate: v4, at: 'snapshot' })

  // First voting block: many votes; d1 delegates to v3 in the block v3 votes (does not count).
  if (spec.fractional) await fractional(v1, 'succeeded', 50n * E, 100n * E, 0n, 'split, part one')
  else await vote(v1, 'succeeded', 1)
  await miner.send(tokenTx(d1, 'delegate', [v3], 'd1 -> v3'))
  await vote(v3, 'succeeded', 0)
  await vote(v9, 'succeeded', 2, { params: '0xdeadbeef', reason: 'abstaining, with params' })
  await vote(v1, 'defeated-by-votes', 0)
  await vote(v5, 'defeated-by-votes', 2)
  await vote(v8, 'defeated-by-quorum', 1)
  await vote(v9, 'defeated-by-quorum', 1)
  await vote(v2, 'queued', 1)
  await vote(v6, 'queued', 1)
  await vote(v7, 'queued', 0)
  await vote(v1, 'executed', 1)
  await vote(v5, 'executed', 1)
  await vote(v8, 'executed', 0)
  await vote(v6, 'abstain-quorum', 1)
  await vote(v1, 'abstain-quorum', 2)
  await vote(v9, 'abstain-quorum', 0)
  const firstVoting = await mineVotes()
  sameBlockDelegations.push({ block: firstVoting, delegator: d1, delegate: v3, at: 'vote' })

  // Next block: votes with reasons; fractional voters vote again.
  await vote(v4, 'succeeded', 1, { reason: 'For: d0 delegated to me in the snapshot block.' })
  await vote(v4, 'defeated-by-votes', 1, { reason: 'I like the transfer — really 👍' })
  if (spec.fractional) {
    await fractional(v1, 'succeeded', 0n, 100n * E, 20n * E, 'split, part two (30 left unspent)')
    await fractional(v2, 'succeeded', 10n * E, 200n * E, 0n)
  }
  await mineVotes()
  if (spec.fractional) {
    await vote(v2, 'succeeded', 1, { reason: 'the rest of my weight' }) // nominal after partial: the remaining 40
    await mineVotes()
  }

  // The deadline block: the late-quorum / exact-quorum proposal.
  await miner.mineUntil(deadlineBlock - 1)
  if (spec.lateQuorum) await vote(v2, 'extended', 1, { reason: 'quorum at the last block' })
  else {
    await vote(v3, 'exact-quorum', 1)
    await vote(v8, 'exact-quorum', 0)
  }
  await mineVotes()

  // After the deadline: queue two; the extended proposal gets a late vote against.
  const queue = (x: Proposal) => (spec.kind === 'oz' ? govTx(proposer, 'queue', ozArgs(x), 'queue') : govTx(proposer, 'queue', [x.id], 'queue'))
  const execute = (x: Proposal) => (spec.kind === 'oz' ? govTx(proposer, 'execute', ozArgs(x), 'execute') : govTx(proposer, 'execute', [x.id], 'execute'))
  await miner.send(queue(byPlan('queued')))
  await miner.send(queue(byPlan('executed')))
  if (spec.lateQuorum) await vote(v1, 'extended', 0, { reason: 'in the extension' })
  const queuedAt = await mineVotes()
  await miner.mineUntil(queuedAt + timelockDelay - 1)
  await miner.send(execute(byPlan('executed')))
  await miner.mine()
  await miner.mineUntil(deadlineBlock + lateQuorumExtension + 1)

  // An active proposal with a vote, then a pending one.
  const active = await propose(['active'])
  await miner.mineUntil(active + votingDelay)
  await vote(v5, 'active', 1)
  await mineVotes()
  const lastBlock = await propose(['pending'])
  await miner.mine() // so that past lookups at lastBlock are defined

  return {
    fixture,
    spec,
    parameters,
    token,
    governor,
    timelock,
    owner,
    voters,
    others: [d0, d1, u0],
    deployBlock,
    governorBlock,
    lastBlock,
    proposals: proposals.map(({ id, plan, description: text, createdBlock }) => ({ id, plan, description: text, createdBlock })),
    votes,
    sameBlockDelegations,
  }
}

