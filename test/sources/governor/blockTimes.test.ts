/** findSnapshotBlock on a real chain whose blocks are irregularly spaced in time. */
import { describe, expect, test } from 'vitest'
import { useAnvil } from '../../helpers/anvil.js'
import { createDevRpc } from '../../../src/devchain/devRpc.js'
import { createRpcClient } from '../../../src/sources/evm/rpc.js'
import { createBlockTimes, findSnapshotBlock } from '../../../src/sources/governor/blockTimes.js'

describe('findSnapshotBlock', () => {
  const chain = useAnvil()

  test('the last block whose timestamp is <= T, for every T in range', async () => {
    const dev = createDevRpc(chain.url)
    const start = Number((await dev.request<{ timestamp: string }>('eth_getBlockByNumber', ['latest', false])).timestamp) + 10
    const gaps = [1, 7, 1, 30, 2, 2, 13, 1]
    let ts = start
    for (const g of gaps) {
      ts += g
      await dev.request('evm_mine', [ts])
    }
    const head = Number(await dev.request<string>('eth_blockNumber'))
    const times = createBlockTimes(createRpcClient({ url: chain.url }))
    const stamps: number[] = []
    for (let b = 0; b <= head; b++) stamps.push(await times.timestamp(b))
    const low = head - gaps.length
    for (let t = stamps[low]!; t < stamps[head]!; t++) {
      let expected = low
      for (let b = low; b <= head; b++) if (stamps[b]! <= t) expected = b
      expect(await findSnapshotBlock({ times, timestamp: t, low, high: head }), `T = ${t}`).toBe(expected)
    }
    // Outside [ts(low), ts(high)) there is no answer.
    expect(await findSnapshotBlock({ times, timestamp: stamps[low]! - 1, low, high: head })).toBeNull()
    expect(await findSnapshotBlock({ times, timestamp: stamps[head]!, low, high: head })).toBeNull()
  })
})
