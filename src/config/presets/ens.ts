import type { Preset } from './types.js'
import { SOURCES } from './sources.js'

export const ens: Preset = {
  name: 'ens',
  title: 'ENS',
  chainId: 1,
  chainName: 'Ethereum',
  token: {
    address: '0xC18360217D8F7Ab5e7c516566761Ea12Ce7F9D72',
    symbol: 'ENS',
    votes: 'erc20votes',
    fromBlock: 13533418,
    note: 'ENSToken inherits OpenZeppelin ERC20Votes (verified source of the token address).',
    sources: [
      SOURCES.anticaptureConstants,
      SOURCES.anticaptureAbi('ens/abi/token.ts'),
      'https://github.com/costa-group/gasol_ml/blob/main/examples/most-called/0xc18360217d8f7ab5e7c516566761ea12ce7f9d72/0xc18360217d8f7ab5e7c516566761ea12ce7f9d72.sol',
    ],
  },
  governors: [
    {
      address: '0x323A76393544d5ecca80cd6ef2A560C6a395b7E3',
      kind: 'oz',
      label: 'ENS Governor',
      fromBlock: 13533772,
      sources: [SOURCES.anticaptureConstants, SOURCES.senateSeed],
    },
  ],
  snapshot: { space: 'ens.eth', sources: [SOURCES.anticaptureDashboard('ens'), SOURCES.senateSeed] },
}
