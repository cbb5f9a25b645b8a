/** Every known DAO, sorted by name. Each file cites the sources its facts were checked against. */
import type { Preset } from './types.js'
import { aave } from './aave.js'
import { arbitrum } from './arbitrum.js'
import { compound } from './compound.js'
import { ens } from './ens.js'
import { gitcoin } from './gitcoin.js'
import { lido } from './lido.js'
import { lilNouns } from './lilNouns.js'
import { nouns } from './nouns.js'
import { obol } from './obol.js'
import { optimism } from './optimism.js'
import { scroll } from './scroll.js'
import { uniswap } from './uniswap.js'
import { zksync } from './zksync.js'

export const PRESETS: readonly Preset[] = [aave, arbitrum, compound, ens, gitcoin, lido, lilNouns, nouns, obol, optimism, scroll, uniswap, zksync]
