/**
 * The governance half of the demo: an OpenZeppelin Governor (GovernorCountingSimple,
 * quorum 4% of supply at the snapshot) over the demo token, and a dozen proposals voted
 * on by the DAO's delegates. Moods are drawn per proposal so that some pass with broad
 * support, some are carried or sunk by a single whale, and one misses quorum.
 */
import { Interface, ZeroAddress } from 'ethers'
import { loadArtifact } from '../devchain/artifacts.js'
import { DevchainError } from '../devchain/devchainError.js'
import type { Miner, Tx } from '../devchain/miner.js'
import type { Prng } from '../devchain/prng.js'

export type DemoGovernanceParameters = {
  miner: Miner
  prng: Prng
  token: string
  owner: string
  /** Delegates with voting power, largest first, and the small self-delegated holders. */
  whales: string[]
  smallVoters: string[]
}

const VOTING_DELAY = 1
const VOTING_PERIOD = 12
const QUORUM_PERCENT = 4

const TITLES = [
  'Fund the grants program for Q3',
  'Raise the treasury diversification cap',
  'Deploy the protocol on a new L2',
  'Adopt a security council',
  'Renew the core contributor budget',
  'Lower the proposal threshold',
  'Buy back tokens with protocol fees',
  'Sunset the legacy staking pool',
  'Fund an independent audit',
  'Change the fee switch',
  'Create a delegate incentive program',
  'Emergency: pause a bridge',
]

export async function playDemoGovernance({ miner, prng, token, owner, whales, smallVoters }: DemoGovernanceParameters): Promise<{ governor: string; proposals: number }> {
  const timelockArtifact = loadArtifact('GovTimelock')
  const governorArtifact = loadArtifact('OzGovernor')
  const timelock = new Interface(timelockArtifact.abi)
  const gov = new Interface(governorArtifact.abi)

  await miner.send({ from: owner, data: `${timelockArtifact.bytecode}${timelock.encodeDeploy([0, [], [ZeroAddress], owner]).slice(2)}`, gas: 6_000_000, label: 'deploy timelock' })
  const t = await miner.mine()
  const timelockAddress = t.receipts[0]?.contractAddress
  if (!timelockAddress) throw new DevchainError('demo: the timelock deployment produced no contract address.')
  await miner.send({
    from: owner,
    data: `${governorArtifact.bytecode}${gov.encodeDeploy([token, timelockAddress, VOTING_DELAY, VOTING_PERIOD, QUORUM_PERCENT, 0]).slice(2)}`,
    gas: 12_000_000,
    label: 'deploy governor',
  })
  const g = await miner.mine()
  const governor = g.receipts[0]?.contractAddress?.toLowerCase()
  if (!governor) throw new DevchainError('demo: the governor deployment produced no contract address.')
  // Declared gas decides how many transactions anvil packs into a block: keep votes modest.
  const govTx = (from: string, fn: string, args: unknown[], label: string, gas = 300_000): Tx => ({ from, to: governor, data: gov.encodeFunctionData(fn, args), gas, label })

  // Every proposal in one block; their ids come from the ProposalCreated events.
  const proposer = whales[1] ?? owner
  for (const [i, title] of TITLES.entries())
    await miner.send(govTx(proposer, 'propose', [[token], [0n], ['0x'], `# ${title}\n\nDemo proposal ${i + 1}.`], `propose ${i + 1}`, 1_000_000))
  const created = await miner.mine()
  const ids = created.receipts.map((r) => {
    const log = r.logs.map((l) => gov.parseLog(l)).find((e) => e?.name === 'ProposalCreated')
    if (!log) throw new DevchainError(`demo: propose in tx ${r.transactionHash} emitted no ProposalCreated.`)
    return log.args[0] as bigint
  })
  await miner.mineUntil(created.number + VOTING_DELAY + 1)

  for (const [i, id] of ids.entries()) {
    if (i === TITLES.length - 1) continue // the emergency proposal draws no votes: it misses quorum
    // A mood for the crowd and independent whales: the crowd leans one way, each whale
    // follows it or not, so the largest voters sometimes carry a proposal alone.
    const crowdFor = prng.next() < 0.6
    for (const [w, whale] of whales.entries()) {
      if (prng.next() < 0.25) continue // abstains by not voting
      const withCrowd = prng.next() < (w === 0 ? 0.5 : 0.7)
      const support = prng.next() < 0.08 ? 2 : withCrowd === crowdFor ? 1 : 0
      await miner.send(govTx(whale, 'castVoteWithReason', [id, support, support === 1 ? 'aligned with the roadmap' : ''], `whale vote ${i}`))
    }
    for (const voter of smallVoters) {
      if (prng.next() < 0.5) continue
      await miner.send(govTx(voter, 'castVote', [id, prng.next() < 0.85 ? (crowdFor ? 1 : 0) : crowdFor ? 0 : 1], `small vote ${i}`))
    }
    await miner.mine()
  }
  await miner.mineUntil(created.number + VOTING_DELAY + VOTING_PERIOD + 2)
  return { governor, proposals: ids.length }
}
