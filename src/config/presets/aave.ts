import type { Preset } from './types.js'
import { SOURCES } from './sources.js'

export const aave: Preset = {
  name: 'aave',
  title: 'Aave',
  chainId: 1,
  chainName: 'Ethereum',
  token: {
    address: '0x7Fc66500c84A76Ad7e9c93437bFc5Ac33E2DDaE9',
    symbol: 'AAVE',
    votes: 'unsupported',
    unsupportedReason:
      'AAVE is an Aave governance token: since its governance-v3 upgrade (block 18870593) it emits DelegateChanged(address,address,uint8) with separate voting and proposition power and no DelegateVotesChanged, and Aave voting power also counts stkAAVE and aAAVE, so govaudit cannot read it from ERC20Votes/Comp events',
    fromBlock: 10926829,
    sources: [SOURCES.aaveToken, SOURCES.anticaptureConfig('aave'), SOURCES.anticaptureAbi('aave/abi/aave.v3.ts')],
  },
  governors: [
    {
      address: '0xEC568fffba86c094cf06b22134B23074DFE2252c',
      kind: 'aave-v2',
      label: 'AaveGovernanceV2 (retired)',
      fromBlock: undefined,
      sources: [SOURCES.aaveGovernanceV2, SOURCES.senateSeed],
    },
    {
      address: '0x9AEE0B04504CeF83A65AC3f0e838D0593BCb2BC7',
      kind: 'aave-v3',
      label: 'Aave Governance V3 (current; votes cast on voting machines)',
      fromBlock: undefined,
      sources: [SOURCES.aaveGovernanceV3],
    },
  ],
  snapshot: { space: 'aave.eth', sources: [SOURCES.senateSeed] },
}
