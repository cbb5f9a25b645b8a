import { afterAll, beforeAll } from 'vitest'
import { type StartAnvilParameters, type StartAnvilResult, startAnvil } from '../../src/devchain/anvil.js'
import { createDevRpc } from '../../src/devchain/devRpc.js'

export type UseAnvilResult = {
  /** Valid inside tests and hooks registered after useAnvil(). */
  readonly url: string
  readonly anvil: StartAnvilResult
}

/**
 * Starts a real anvil before the tests of the enclosing describe (or file) and stops it
 * after them. Read `.url` inside tests, not at collection time.
 */
export function useAnvil(parameters: StartAnvilParameters = {}): UseAnvilResult {
  let current: StartAnvilResult | undefined
  beforeAll(async () => {
    current = await startAnvil(parameters)
  })
  afterAll(async () => {
    await current?.stop()
  })
  const get = () => {
    if (!current) throw new Error('useAnvil: anvil is not running yet; read .url inside a test or hook')
    return current
  }
  return {
    get url() {
      return get().url
    },
    get anvil() {
      return get()
    },
  }
}

/** Mines `blocks` empty blocks (default 1) and returns the new head. */
export async function mine(url: string, blocks = 1): Promise<number> {
  const rpc = createDevRpc(url)
  await rpc.request('anvil_mine', [`0x${blocks.toString(16)}`])
  return Number(await rpc.request<string>('eth_blockNumber'))
}

/** evm_snapshot: returns an id for revertTo(). */
export async function snapshot(url: string): Promise<string> {
  return createDevRpc(url).request<string>('evm_snapshot')
}

/** evm_revert to a snapshot id (each id can be reverted to once). */
export async function revertTo(url: string, id: string): Promise<void> {
  const ok = await createDevRpc(url).request<boolean>('evm_revert', [id])
  if (!ok) throw new Error(`evm_revert(${id}) failed: unknown or already used snapshot`)
}
