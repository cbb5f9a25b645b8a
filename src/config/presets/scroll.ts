import type { Preset } from './types.js'
import { SOURCES } from './sources.js'

export const scroll: Preset = {
  name: 'scroll',
  title: 'Scroll DAO',
  chainId: 534352,
  chainName: 'Scroll',
  token: {
    address: '0xd29687c813D741E2F938F4aC377128810E217b1b',
    symbol: 'SCR',
    votes: 'unsupported',
    unsupportedReason:
      'SCR has partial delegation: its DelegateChanged(address,(address,uint96)[],(address,uint96)[]) splits a holder\'s votes among several delegates, which the single-delegate DelegateChanged(address,address,address) that govaudit reads cannot represent',
    fromBlock: 8949006,
    sources: [SOURCES.anticaptureConstants, SOURCES.anticaptureAbi('scr/abi/token.ts')],
  },
  governors: [
    {
      address: '0x2f3F2054776bd3C2fc30d750734A8F539Bb214f0',
      kind: 'oz',
      label: 'Scroll Governor (OpenZeppelin-based)',
      fromBlock: 8963441,
      note: 'Also emits ProposalCreated variants (proposalType, votingModule), whose topic0s differ from OZ\'s.',
      sources: [SOURCES.anticaptureConstants, SOURCES.anticaptureAbi('scr/abi/governor.ts')],
    },
  ],
  snapshot: undefined,
}
