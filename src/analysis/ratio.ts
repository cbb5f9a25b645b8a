import { UsageError } from '../errors.js'

/** An exact rational `num / den` with `den > 0`. Thresholds and quorum fractions are ratios. */
export type Ratio = { num: bigint; den: bigint }

/** One half: the default Nakamoto threshold. */
export const HALF: Ratio = { num: 1n, den: 2n }

export type ParseRatioOptionParameters = {
  /** What the user typed: `0.5`, `.333`, `2/3` or `50%`. */
  text: string
  /** The flag named in the error message, e.g. `--threshold`. */
  flag: string
  /**
   * `open` (default) accepts only 0 < r < 1 (a threshold); `closed` accepts 0 <= r <= 1
   * (a share limit such as `--max-whale-decided`).
   */
  interval?: 'open' | 'closed'
}

const DECIMAL = /^(\d*)(?:\.(\d*))?$/
const FRACTION = /^(\d+)\s*\/\s*(\d+)$/

/**
 * Parse a ratio exactly (no float on the way): a decimal (`0.5`, `.333`, `1`), a fraction
 * of integers (`2/3`) or a percentage (`50%`, `33.3%`). The result is reduced by the gcd.
 * Throws UsageError naming the flag for anything else, or for a value outside the interval:
 * `--threshold must be in (0, 1); got 1.5`. Exponents (`5e-1`), signs and blanks are refused.
 */
export function parseRatioOption({ text, flag, interval = 'open' }: ParseRatioOptionParameters): Ratio {
  const raw = text.trim()
  const bounds = interval === 'open' ? '(0, 1)' : '[0, 1]'
  const parsed = parseExact(raw)
  if (parsed === undefined)
    throw new UsageError(`${flag} must be a number in ${bounds} such as 0.5 or 2/3; got ${text}`)
  const { num, den } = parsed
  const inside = interval === 'open' ? num > 0n && num < den : num >= 0n && num <= den
  if (!inside) throw new UsageError(`${flag} must be in ${bounds}; got ${text}`)
  return reduceRatio({ num, den })
}

/** `parseRatioOption` for `--threshold`, open interval: usable directly as a commander option parser. */
export function parseRatio(text: string): Ratio {
  return parseRatioOption({ text, flag: '--threshold' })
}

function parseExact(raw: string): Ratio | undefined {
  let body = raw
  let percent = false
  if (body.endsWith('%')) {
    percent = true
    body = body.slice(0, -1).trimEnd()
  }
  const fraction = percent ? null : FRACTION.exec(body)
  if (fraction) {
    const den = BigInt(fraction[2]!)
    if (den === 0n) return undefined
    return { num: BigInt(fraction[1]!), den }
  }
  const decimal = DECIMAL.exec(body)
  if (!decimal) return undefined
  const whole = decimal[1] ?? ''
  const frac = decimal[2] ?? ''
  if (whole.length + frac.length === 0) return undefined
  const den = 10n ** BigInt(frac.length) * (percent ? 100n : 1n)
  return { num: BigInt(whole + frac || '0'), den }
}

/** Greatest common divisor of two non-negative bigints; gcd(0, 0) = 0. */
export function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a
  let y = b < 0n ? -b : b
  while (y !== 0n) [x, y] = [y, x % y]
  return x
}

/** The same ratio in lowest terms (den > 0 kept); 0/x becomes 0/1. */
export function reduceRatio({ num, den }: Ratio): Ratio {
  if (den <= 0n) throw new RangeError(`ratio denominator must be > 0; got ${den}`)
  if (num === 0n) return { num: 0n, den: 1n }
  const g = gcd(num, den)
  return { num: num / g, den: den / g }
}

/**
 * `part / total` as a float for display, computed last from exact integers. Keeps ~64
 * significant bits before rounding, so tiny shares of huge totals (2^256) are not zeroed.
 * `total === 0n` gives 0 (an empty population has no shares). Negative totals are refused.
 */
export function share(part: bigint, total: bigint): number {
  if (total === 0n) return 0
  if (total < 0n) throw new RangeError(`share total must be >= 0; got ${total}`)
  if (part < 0n) return -share(-part, total)
  if (part === 0n) return 0
  const k = Math.max(0, bitLength(total) - bitLength(part) + 64)
  const q = (part << BigInt(k)) / total
  const half = Math.floor(k / 2)
  return Number(q) * 2 ** -half * 2 ** -(k - half)
}

/** Number of bits of a non-negative bigint (0n has 0). */
function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length
}

/** A ratio as a float for display. */
export function ratioToNumber({ num, den }: Ratio): number {
  return share(num, den)
}
