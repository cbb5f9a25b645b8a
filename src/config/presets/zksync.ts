import type { Preset } from './types.js'
import { SOURCES } from './sources.js'

const L2BEAT_ZKSYNC = 'https://github.com/l2beat/l2beat/blob/main/packages/config/src/projects/shared-zk-stack/zksync2/diffHistory.md'
const ZK_TOKEN = 'https://github.com/zksync-association/zk-governance/blob/461c4fa2e2d38ac83a8f008401f5297995cc7339/l2-contracts/src/ZkTokenV1.sol'

export const zksync: Preset = {
  name: 'zksync',
  title: 'ZKsync',
  chainId: 324,
  chainName: 'ZKsync Era',
  token: {
    address: '0x5A7d6b2F92C77FAD6CCaBd7EE0624E64907Eaf3E',
    symbol: 'ZK',
    votes: 'erc20votes',
    fromBlock: 34572100,
    note: 'ZkTokenV1 inherits ERC20VotesUpgradeable.',
    sources: [SOURCES.anticaptureConstants, ZK_TOKEN, L2BEAT_ZKSYNC],
  },
  governors: [
    {
      address: '0xb83FF6501214ddF40C91C9565d095400f3F45746',
      kind: 'oz',
      label: 'ZkTokenGovernor (Token Program Proposals)',
      fromBlock: 55519658,
      sources: [SOURCES.anticaptureConstants, SOURCES.anticaptureAbi('zk/abi/governor.ts'), L2BEAT_ZKSYNC],
    },
    {
      address: '0x76705327e682F2d96943280D99464Ab61219e34f',
      kind: 'oz',
      label: 'ZkProtocolGovernor (protocol upgrade proposals)',
      fromBlock: undefined,
      sources: [L2BEAT_ZKSYNC],
    },
  ],
  snapshot: undefined,
}
