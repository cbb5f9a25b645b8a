import type { Preset } from './types.js'
import { SOURCES } from './sources.js'

export const compound: Preset = {
  name: 'compound',
  title: 'Compound',
  chainId: 1,
  chainName: 'Ethereum',
  token: {
    address: '0xc00e94Cb662C3520282E6f5717214004A7f26888',
    symbol: 'COMP',
    votes: 'comp',
    fromBlock: 9601359,
    sources: [SOURCES.compoundNetworks, SOURCES.anticaptureConstants],
  },
  governors: [
    {
      address: '0xc0dA01a04C3f3E0be433606045bB7017A7323E38',
      kind: 'alpha',
      label: 'GovernorAlpha (retired)',
      fromBlock: 9601447,
      sources: [SOURCES.compoundNetworks],
    },
    {
      address: '0xc0Da02939E1441F497fd74F78cE7Decb17B66529',
      kind: 'bravo',
      label: 'GovernorBravoDelegator (retired)',
      fromBlock: 12006099,
      sources: [SOURCES.compoundNetworks, SOURCES.senateSeed],
    },
    {
      address: '0x309a862bbC1A00e45506cB8A802D1ff10004c8C0',
      kind: 'oz',
      label: 'Compound Governor (OpenZeppelin, current)',
      fromBlock: 21688680,
      note: 'Emits OZ ProposalCreated, VoteCast and VoteCastWithParams (GovernorPreventLateQuorum).',
      sources: [SOURCES.anticaptureConstants, SOURCES.anticaptureAbi('comp/abi/governor.ts'), SOURCES.anticaptureDashboard('comp')],
    },
  ],
  snapshot: { space: 'comp-vote.eth', sources: [SOURCES.anticaptureDashboard('comp'), SOURCES.senateSeed] },
}
