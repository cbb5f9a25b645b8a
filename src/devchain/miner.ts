/**
 * Scripted chain histories on anvil: unsigned transactions from impersonated accounts,
 * mined explicitly block by block, each block checked to hold exactly what was sent.
 * Shared by the test scenarios and `govaudit demo`.
 */
import { dataSlice, getAddress, keccak256, toQuantity, toUtf8Bytes } from 'ethers'
import { DevchainError } from './devchainError.js'
import type { DevRpc } from './devRpc.js'
import type { Prng } from './prng.js'

export type Tx = { from: string; to?: string; data: string; gas: number; label: string }

export type Log = { topics: string[]; data: string }
export type Receipt = { transactionHash: string; status: string; contractAddress: string | null; logs: Log[] }
export type MinedBlock = { number: number; txs: string[] }

/**
 * Sends unsigned transactions one after another with explicit nonces (so anvil keeps them
 * in sending order), mines a block on demand and checks that block: exactly the sent
 * transactions, in order, all successful.
 */
export class Miner {
  readonly blocks: MinedBlock[] = []
  private readonly nonces = new Map<string, number>()
  private pending: Array<{ hash: string; label: string }> = []

  constructor(private readonly rpc: DevRpc) {}

  async loadNonces(addresses: readonly string[]): Promise<void> {
    const counts = await this.rpc.batch<string>(addresses.map((a) => ({ method: 'eth_getTransactionCount', params: [a, 'pending'] })))
    addresses.forEach((a, i) => this.nonces.set(a, Number(counts[i])))
  }

  async send(tx: Tx): Promise<string> {
    const nonce = this.nonces.get(tx.from)
    if (nonce === undefined) throw new DevchainError(`scenario: no nonce loaded for ${tx.from}`)
    const request: Record<string, string> = { from: tx.from, data: tx.data, gas: toQuantity(tx.gas), nonce: toQuantity(nonce) }
    if (tx.to) request.to = tx.to
    const hash = await this.rpc.request<string>('eth_sendTransaction', [request])
    this.nonces.set(tx.from, nonce + 1)
    this.pending.push({ hash, label: tx.label })
    return hash
  }

  /** Sends `txs` spread over blocks of `min`..`max` transactions each. */
  async sendInBlocks(prng: Prng, txs: readonly Tx[], min: number, max: number): Promise<void> {
    for (let i = 0; i < txs.length; ) {
      const size = prng.between(min, max)
      for (const tx of txs.slice(i, i + size)) await this.send(tx)
      i += size
      await this.mine()
    }
  }

  async mine(): Promise<{ number: number; receipts: Receipt[] }> {
    await this.rpc.request('evm_mine')
    const [block, receipts] = await this.rpc.batch<unknown>([
      { method: 'eth_getBlockByNumber', params: ['latest', false] },
      { method: 'eth_getBlockReceipts', params: ['latest'] },
    ])
    const { number, transactions } = block as { number: string; transactions: string[] }
    const sent = this.pending
    this.pending = []
    const got = transactions.map((h) => h.toLowerCase())
    if (got.length !== sent.length || sent.some((s, i) => s.hash.toLowerCase() !== got[i])) {
      throw new DevchainError(`scenario: block ${Number(number)} does not hold the ${sent.length} transactions sent, in order.`, {
        details: `sent ${sent.map((s) => s.hash).join(', ')}\nmined ${got.join(', ')}\n(is interval mining on?)`,
      })
    }
    const list = receipts as Receipt[]
    list.forEach((r, i) => {
      if (r.status !== '0x1') {
        throw new DevchainError(`scenario: transaction reverted in block ${Number(number)}: ${sent[i]?.label}.`, {
          details: `tx ${r.transactionHash}`,
        })
      }
    })
    const mined = { number: Number(number), txs: got }
    this.blocks.push(mined)
    return { number: mined.number, receipts: list }
  }

  /** Mine empty blocks (one second apart) until the head is `block`. */
  async mineUntil(block: number): Promise<void> {
    if (this.pending.length > 0) throw new DevchainError('scenario: mineUntil with transactions pending')
    const head = Number(await this.rpc.request<string>('eth_blockNumber'))
    if (block <= head) return
    await this.rpc.request('anvil_mine', [toQuantity(block - head), toQuantity(1)])
  }

  lastBlock(): number {
    const last = this.blocks.at(-1)
    if (!last) throw new DevchainError('scenario: no block mined')
    return last.number
  }
}

const ETHER = 10n ** 18n

/**
 * Runs `play` with automine off and `accounts` impersonated and funded, then restores the
 * node's automine setting (even when `play` throws; its error is the one reported).
 */
export async function withManualMining<T>(rpc: DevRpc, accounts: readonly string[], play: (miner: Miner) => Promise<T>): Promise<T> {
  const automine = await rpc.request<boolean>('anvil_getAutomine')
  const miner = new Miner(rpc)
  let failed = false
  try {
    await rpc.batch([
      ...accounts.flatMap((a) => [
        { method: 'anvil_impersonateAccount', params: [a] },
        { method: 'anvil_setBalance', params: [a, toQuantity(1_000n * ETHER)] },
      ]),
      { method: 'evm_setAutomine', params: [false] },
    ])
    await miner.loadNonces(accounts)
    return await play(miner)
  } catch (error) {
    failed = true
    throw error
  } finally {
    try {
      await rpc.request('evm_setAutomine', [automine])
    } catch (restoreError) {
      // After a failure the scenario's own error is the one to report; it is already thrown.
      if (!failed) throw restoreError
    }
  }
}

/** Lowercase address derived from the seed: the same people for the same seed. */
export function deriveAddress(seed: number | string, label: string): string {
  return getAddress(dataSlice(keccak256(toUtf8Bytes(`govaudit-scenario:${seed}:${label}`)), 12)).toLowerCase()
}
