import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { UsageError } from '../../src/errors.js'
import { parseRatio, parseRatioOption, ratioToNumber, share } from '../../src/analysis/ratio.js'

describe('parseRatio', () => {
  test.each([
    ['0.5', 1n, 2n],
    ['.5', 1n, 2n],
    ['0.333', 333n, 1000n],
    ['2/3', 2n, 3n],
    ['4 / 6', 2n, 3n],
    ['50%', 1n, 2n],
    ['33.3%', 333n, 1000n],
    [' 0.25 ', 1n, 4n],
  ])('%s parses exactly', (text, num, den) => {
    expect(parseRatio(text)).toEqual({ num, den })
  })

  test('out of (0, 1) names the flag and the value', () => {
    expect(() => parseRatio('1.5')).toThrow(UsageError)
    expect(() => parseRatio('1.5')).toThrow('--threshold must be in (0, 1); got 1.5')
  })

  test.each(['0', '1', '1/1', '0/5', '100%', '0.0', '1.0'])('%s is outside the open interval', (text) => {
    expect(() => parseRatio(text)).toThrow(`--threshold must be in (0, 1); got ${text}`)
  })

  test.each(['', 'abc', '5e-1', '-0.5', '1/0', '0.5.5', '.', '1/2/3', 'NaN', '+0.5'])('%j is not a ratio', (text) => {
    expect(() => parseRatio(text)).toThrow(UsageError)
  })

  test('closed interval accepts 0 and 1 for share limits', () => {
    expect(parseRatioOption({ text: '0', flag: '--max-whale-decided', interval: 'closed' })).toEqual({ num: 0n, den: 1n })
    expect(parseRatioOption({ text: '1', flag: '--max-whale-decided', interval: 'closed' })).toEqual({ num: 1n, den: 1n })
    expect(() => parseRatioOption({ text: '1.01', flag: '--max-whale-decided', interval: 'closed' })).toThrow(
      '--max-whale-decided must be in [0, 1]; got 1.01',
    )
  })

  test('any decimal in (0, 1) round-trips exactly', () =>
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999 }), (k) => {
        const text = `0.${String(k).padStart(6, '0')}`
        const r = parseRatio(text)
        return r.num * 1_000_000n === BigInt(k) * r.den
      }),
    ))
})

describe('share', () => {
  test('edges', () => {
    expect(share(0n, 0n)).toBe(0)
    expect(share(5n, 0n)).toBe(0)
    expect(share(0n, 7n)).toBe(0)
    expect(share(7n, 7n)).toBe(1)
    expect(share(1n, 3n)).toBeCloseTo(1 / 3, 15)
    expect(ratioToNumber({ num: 2n, den: 3n })).toBeCloseTo(2 / 3, 15)
  })

  test('huge totals near 2^256 keep precision, tiny shares are not zeroed', () => {
    const T = 2n ** 256n - 1n
    expect(share(T / 2n, T)).toBeCloseTo(0.5, 15)
    // 1 unit of 10^40: a float of 1/10^40, not 0 as a fixed 10^18 scale would give.
    expect(share(1n, 10n ** 40n) / 1e-40).toBeCloseTo(1, 12)
  })

  test('matches float division to ~1 ulp for random big values', () =>
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 2n ** 256n }), fc.bigInt({ min: 1n, max: 2n ** 256n }), (a, b) => {
        const [part, total] = a <= b ? [a, b] : [b, a]
        const expected = Number(part) / Number(total)
        return Math.abs(share(part, total) - expected) <= 4 * Number.EPSILON * expected
      }),
    ))
})
