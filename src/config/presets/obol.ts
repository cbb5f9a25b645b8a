import type { Preset } from './types.js'
import { SOURCES } from './sources.js'

const OBOL_DOCS = 'https://github.com/ObolNetwork/obol-gitbook/blob/main/community-and-governance/obol-token/README.md'

export const obol: Preset = {
  name: 'obol',
  title: 'Obol Collective',
  chainId: 1,
  chainName: 'Ethereum',
  token: {
    address: '0x0B010000b7624eb9B3DfBC279673C76E9D29D5F7',
    symbol: 'OBOL',
    votes: 'erc20votes',
    fromBlock: 15570746,
    sources: [OBOL_DOCS, SOURCES.anticaptureConstants, SOURCES.anticaptureAbi('obol/abi/token.ts')],
  },
  governors: [
    {
      address: '0xcB1622185A0c62A80494bEde05Ba95ef29Fbf85c',
      kind: 'oz',
      label: 'Obol Governor (Token House)',
      fromBlock: 21883431,
      sources: [OBOL_DOCS, SOURCES.anticaptureConstants, SOURCES.anticaptureAbi('obol/abi/governor.ts')],
    },
  ],
  snapshot: undefined,
}
