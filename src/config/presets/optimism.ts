import type { Preset } from './types.js'
import { SOURCES } from './sources.js'

export const optimism: Preset = {
  name: 'optimism',
  title: 'Optimism Collective (Token House)',
  chainId: 10,
  chainName: 'OP Mainnet',
  token: {
    address: '0x4200000000000000000000000000000000000042',
    symbol: 'OP',
    votes: 'erc20votes',
    fromBlock: 6490467,
    sources: [SOURCES.anticaptureConstants, SOURCES.anticaptureAbi('op/abi/token.ts')],
  },
  governors: [
    {
      address: '0xcDF27F107725988f2261Ce2256bDfCdE8B382B10',
      kind: 'oz',
      label: 'Optimism Governor (OpenZeppelin-based)',
      fromBlock: 71801427,
      note: 'Besides OZ\'s ProposalCreated it emits ProposalCreated variants with a proposalType and with a votingModule (other topic0s): proposals created that way are invisible to the standard OZ topics.',
      sources: [SOURCES.anticaptureConstants, SOURCES.anticaptureAbi('op/abi/governor.ts'), SOURCES.senateSeed],
    },
  ],
  snapshot: { space: 'opcollective.eth', sources: [SOURCES.senateSeed] },
}
