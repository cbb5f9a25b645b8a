import type { Preset } from './types.js'
import { SOURCES } from './sources.js'

export const gitcoin: Preset = {
  name: 'gitcoin',
  title: 'Gitcoin',
  chainId: 1,
  chainName: 'Ethereum',
  token: {
    address: '0xDe30da39c46104798bB5aA3fe8B9e0e1F348163F',
    symbol: 'GTC',
    votes: 'comp',
    fromBlock: 12422079,
    note: 'Comp-style token (Comp\'s DelegateChanged and DelegateVotesChanged).',
    sources: [SOURCES.anticaptureConstants, SOURCES.anticaptureAbi('gtc/abi/token.ts')],
  },
  governors: [
    {
      address: '0xDbD27635A534A3d3169Ef0498beB56Fb9c937489',
      kind: 'alpha',
      label: 'GovernorAlpha (retired)',
      fromBlock: 12497481,
      sources: [SOURCES.anticaptureConstants, SOURCES.senateSeed],
    },
    {
      address: '0x9D4C63565D5618310271bF3F3c01b2954C1D1639',
      kind: 'oz',
      label: 'Gitcoin Governor (OpenZeppelin, current)',
      fromBlock: 17813942,
      note: 'Its ABI has COUNTING_MODE() and VoteCastWithParams: an OpenZeppelin Governor.',
      sources: [SOURCES.anticaptureConstants, SOURCES.anticaptureAbi('gtc/abi/governor.ts'), SOURCES.anticaptureDashboard('gtc')],
    },
  ],
  snapshot: { space: 'gitcoindao.eth', sources: [SOURCES.anticaptureDashboard('gtc'), SOURCES.senateSeed] },
}
