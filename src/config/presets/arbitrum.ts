import type { Preset } from './types.js'
import { SOURCES } from './sources.js'

export const arbitrum: Preset = {
  name: 'arbitrum',
  title: 'Arbitrum DAO',
  chainId: 42161,
  chainName: 'Arbitrum One',
  token: {
    address: '0x912CE59144191C1204E64559FE8253a0e49E6548',
    symbol: 'ARB',
    votes: 'erc20votes',
    // The block the cited indexer starts ARB at (a lower bound of the deployment block).
    fromBlock: 70398200,
    note: 'L2ArbitrumToken inherits ERC20VotesUpgradeable.',
    sources: [SOURCES.arbitrumDeployed, SOURCES.arbitrumToken, SOURCES.anticaptureConstants],
  },
  governors: [
    {
      address: '0xf07DeD9dC292157749B6Fd268E37DF6EA38395B9',
      kind: 'oz',
      label: 'Core Governor (constitutional proposals)',
      fromBlock: undefined,
      sources: [SOURCES.arbitrumDeployed, SOURCES.senateSeed],
    },
    {
      address: '0x789fC99093B09aD01C34DC7251D0C89ce743e5a4',
      kind: 'oz',
      label: 'Treasury Governor (non-constitutional proposals)',
      fromBlock: undefined,
      sources: [SOURCES.arbitrumDeployed, SOURCES.senateSeed],
    },
  ],
  snapshot: { space: 'arbitrumfoundation.eth', sources: [SOURCES.senateSeed] },
}
