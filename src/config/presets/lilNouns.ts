import type { Preset } from './types.js'
import { SOURCES } from './sources.js'

export const lilNouns: Preset = {
  name: 'lil-nouns',
  title: 'Lil Nouns DAO',
  chainId: 1,
  chainName: 'Ethereum',
  token: {
    address: '0x4b10701Bfd7BFEdc47d50562b76b436fbB5BdB3B',
    symbol: undefined, // not verified from a public source
    votes: 'erc721votes',
    fromBlock: 14736710,
    note: 'A fork of the Nouns token (same delegation events): one vote per Lil Noun.',
    sources: [SOURCES.anticaptureConstants, SOURCES.anticaptureAbi('lil-nouns/abi/index.ts')],
  },
  governors: [
    {
      address: '0x5d2C31ce16924C2a71D317e5BbFd5ce387854039',
      kind: 'bravo',
      label: 'Lil Nouns DAO proxy (fork of NounsDAOLogic)',
      fromBlock: 14736719,
      note: 'Same events as the Nouns DAO governor (Bravo topics plus ProposalCreatedWithRequirements).',
      sources: [SOURCES.anticaptureConstants, SOURCES.anticaptureAbi('lil-nouns/abi/index.ts')],
    },
  ],
  snapshot: undefined,
}
