import { getAddress, JsonRpcSigner, type JsonRpcProvider, toQuantity } from 'ethers'

export type ImpersonatedSignerParameters = {
  provider: JsonRpcProvider
  address: string
  /** Set the account's ether balance (wei) first; default 1,000 ether. null leaves it alone. */
  balance?: bigint | null
}

/**
 * A signer that sends unsigned eth_sendTransaction as `address` on anvil (after
 * anvil_impersonateAccount), so tests need no private keys. Anvil only.
 */
export async function impersonatedSigner({
  provider,
  address,
  balance = 1_000n * 10n ** 18n,
}: ImpersonatedSignerParameters): Promise<JsonRpcSigner> {
  const account = getAddress(address)
  await provider.send('anvil_impersonateAccount', [account])
  if (balance !== null) await provider.send('anvil_setBalance', [account, toQuantity(balance)])
  return new JsonRpcSigner(provider, account)
}
