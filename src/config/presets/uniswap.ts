import type { Preset } from './types.js'
import { SOURCES } from './sources.js'

export const uniswap: Preset = {
  name: 'uniswap',
  title: 'Uniswap',
  chainId: 1,
  chainName: 'Ethereum',
  token: {
    address: '0x1f9840a85d5aF5bf1D1762F925BDADdC4201F984',
    symbol: 'UNI',
    votes: 'comp',
    fromBlock: 10861674,
    note: 'Uni.sol is a fork of Compound\'s Comp (same delegation events).',
    sources: [SOURCES.uniswapDocs, SOURCES.anticaptureConstants],
  },
  governors: [
    {
      address: '0x5e4be8Bc9637f0EAA1A755019e06A68ce081D58F',
      kind: 'alpha',
      label: 'GovernorAlpha (deprecated)',
      fromBlock: undefined,
      sources: [SOURCES.uniswapDocs],
    },
    {
      address: '0xC4e172459f1E7939D522503B81AFAaC1014CE6F6',
      kind: 'alpha',
      label: 'GovernorAlpha v2 (deprecated)',
      fromBlock: undefined,
      sources: [SOURCES.uniswapDocs],
    },
    {
      address: '0x408ED6354d4973f66138C91495F2f2FCbd8724C3',
      kind: 'bravo',
      label: 'GovernorBravo (current)',
      fromBlock: 13059157,
      sources: [SOURCES.uniswapDocs, SOURCES.anticaptureConstants],
    },
  ],
  snapshot: { space: 'uniswapgovernance.eth', sources: [SOURCES.anticaptureDashboard('uni')] },
}
