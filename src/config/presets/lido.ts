import type { Preset } from './types.js'
import { SOURCES } from './sources.js'

export const lido: Preset = {
  name: 'lido',
  title: 'Lido DAO',
  chainId: 1,
  chainName: 'Ethereum',
  token: {
    address: '0x5A98FcBEA516Cf06857215779Fd812CA3beF1B32',
    symbol: 'LDO',
    votes: 'unsupported',
    unsupportedReason:
      'LDO is an Aragon MiniMe token without delegation: it emits no DelegateChanged or DelegateVotesChanged, and Lido votes in Aragon Voting weigh balances at the vote\'s snapshot block',
    // Deployment block not verified from a public source: `index` would find it on chain.
    fromBlock: undefined,
    sources: [SOURCES.lidoDeployed, SOURCES.lidoTemplate],
  },
  governors: [
    {
      address: '0x2e59A20f205bB85a89C53f1936454680651E618e',
      kind: 'aragon-voting',
      label: 'Aragon Voting',
      fromBlock: undefined,
      sources: [SOURCES.lidoDeployed],
    },
  ],
  snapshot: { space: 'lido-snapshot.eth', sources: [SOURCES.senateSeed] },
}
