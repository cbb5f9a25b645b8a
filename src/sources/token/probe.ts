/**
 * What kind of token is at an address, told from the chain: code present, ERC721 via
 * ERC-165, a votes token via `delegates(address)`, and the block it was deployed in.
 */
import type { RpcClient } from '../evm/types.js'
import { tryCall } from '../evm/call.js'
import { getCode } from '../evm/blocks.js'
import { SourceError, UsageError } from '../../errors.js'
import type { TokenStandard } from '../../store/daos.js'

export type TokenInfo = { address: string; standard: TokenStandard; symbol: string | undefined }

const ERC721_INTERFACE_ID = '0x80ac58cd'

export async function probeToken(rpc: RpcClient, address: string, chainId: number): Promise<TokenInfo> {
  const code = await getCode(rpc, address, 'latest')
  if (code === '0x' || code === '')
    throw new UsageError(`${address} has no contract code on chain ${chainId}; check the --token address and the --rpc network.`)
  const probeAccount = '0x0000000000000000000000000000000000000001'
  const delegate = await tryCall(rpc, address, 'function delegates(address) view returns (address)', [probeAccount])
  if (delegate === undefined)
    throw new UsageError(
      `${address} is a contract but not a votes token (it has no delegates(address)); pass the governance token's address.`,
    )
  const isNft = await tryCall<boolean>(rpc, address, 'function supportsInterface(bytes4) view returns (bool)', [ERC721_INTERFACE_ID])
  const decimals = await tryCall(rpc, address, 'function decimals() view returns (uint8)')
  const standard: TokenStandard = isNft === true ? 'erc721' : decimals !== undefined ? 'erc20' : 'unknown'
  const symbol = await tryCall<string>(rpc, address, 'function symbol() view returns (string)')
  return { address, standard, symbol }
}

/**
 * The first block whose state has code at `address`, by binary search over eth_getCode
 * (about 25 calls on mainnet). Needs historical state: on a node that cannot serve it the
 * error says to pass --from-block rather than guessing a start.
 */
export async function findDeploymentBlock(rpc: RpcClient, address: string, head: number): Promise<number> {
  let lo = 0
  let hi = head
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2)
    let code: string
    try {
      code = await getCode(rpc, address, mid)
    } catch (cause) {
      throw new SourceError(
        `Cannot find the token's deployment block: the RPC did not serve code at block ${mid} (an archive node is needed for that); pass --from-block.`,
        { cause },
      )
    }
    if (code === '0x' || code === '') lo = mid + 1
    else hi = mid
  }
  return lo
}
