/** fetchLogs' `targetLogs`: ranges follow the size of the answers, not only their success. */
import { describe, expect, test } from 'vitest'
import { adaptRange, type LogRangeState } from '../../../src/sources/evm/getLogs.js'

const state = (range: number): LogRangeState => ({ range, confirmedMax: undefined, successes: 0 })

describe('adaptRange', () => {
  test('without a target it is growRange: double every growAfter successes, up to maxRange', () => {
    const s = state(1000)
    for (let i = 0; i < 3; i++) adaptRange(s, 1_000_000, undefined, 1500, 3)
    expect(s.range).toBe(1500)
  })

  test('an answer over the target shrinks the range in proportion', () => {
    const s = { ...state(8000), successes: 2 }
    adaptRange(s, 10_000, 2_500, 100_000, 3)
    expect(s).toEqual({ range: 2000, confirmedMax: undefined, successes: 0 })
    adaptRange(s, 1_000_000, 2_500, 100_000, 3)
    expect(s.range).toBe(5) // never 0
    adaptRange(s, 10_000_000, 2_500, 100_000, 3)
    expect(s.range).toBe(1)
  })

  test('it grows only while answers stay under half the target, and holds in between', () => {
    const s = state(1000)
    for (let i = 0; i < 3; i++) adaptRange(s, 2_000, 2_500, 100_000, 3)
    expect(s.range).toBe(1000)
    for (let i = 0; i < 3; i++) adaptRange(s, 1_250, 2_500, 100_000, 3)
    expect(s.range).toBe(2000)
  })
})
