import type { Preset } from './types.js'
import { SOURCES } from './sources.js'

export const nouns: Preset = {
  name: 'nouns',
  title: 'Nouns DAO',
  chainId: 1,
  chainName: 'Ethereum',
  token: {
    address: '0x9C8fF314C9Bc7F6e59A9d9225Fb22946427eDC03',
    symbol: 'NOUN',
    votes: 'erc721votes',
    fromBlock: 12985438,
    note: 'An ERC721 emitting Comp\'s DelegateChanged and DelegateVotesChanged: one vote per Noun.',
    sources: [SOURCES.anticaptureConstants, SOURCES.anticaptureAbi('nouns/abi/token.ts')],
  },
  governors: [
    {
      address: '0x6f3E6272A167e8AcCb32072d08E0957F9c79223d',
      kind: 'bravo',
      label: 'Nouns DAO proxy (Bravo-derived NounsDAOLogic)',
      fromBlock: 12985453,
      note: 'Emits Bravo\'s ProposalCreated and VoteCast topics, plus ProposalCreatedWithRequirements; later versions use a dynamic quorum per proposal (quorum BPS), not a fixed quorumVotes().',
      sources: [SOURCES.anticaptureConstants, SOURCES.anticaptureAbi('nouns/abi/governor.ts'), SOURCES.anticaptureDashboard('nouns')],
    },
  ],
  // The cited DAO page lists no Snapshot space for Nouns.
  snapshot: undefined,
}
