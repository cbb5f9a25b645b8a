/**
 * Exact non-negative decimal numbers ("12", "12.50", ".5") for imported weights and
 * `--quorum`. No float anywhere: a value is `units / 10^decimals` with trailing
 * fractional zeros dropped, so "1.50" and "1.5" are the same amount (1 decimal).
 */

export type DecimalAmount = {
  /** The digits as an integer: value × 10^decimals. */
  units: bigint
  /** Significant fractional digits (trailing zeros removed). */
  decimals: number
}

const DECIMAL = /^(\d*)(?:\.(\d*))?$/

/** Parse "123", "123.45", "0.5", ".5", "5." exactly; undefined for anything else (signs, exponents, blanks). */
export function parseDecimalAmount(text: string): DecimalAmount | undefined {
  const m = DECIMAL.exec(text)
  if (!m) return undefined
  const whole = m[1] ?? ''
  const frac = (m[2] ?? '').replace(/0+$/, '')
  if (whole === '' && (m[2] ?? '') === '') return undefined
  return { units: BigInt(`${whole}${frac}` || '0'), decimals: frac.length }
}

/** The amount as an integer in units of 10^-scale; `scale` must be >= its decimals (exact). */
export function scaleAmount(amount: DecimalAmount, scale: number): bigint {
  if (scale < amount.decimals) throw new RangeError(`scale ${scale} is below the amount's ${amount.decimals} decimals`)
  return amount.units * 10n ** BigInt(scale - amount.decimals)
}

/**
 * The smallest integer q with q ≥ value × 10^scale. For a quorum compared as
 * `votes >= quorum` with votes integers in units of 10^-scale, comparing with q is the same
 * comparison exactly (votes ≥ v ⇔ votes ≥ ⌈v⌉ for integer votes).
 */
export function ceilScaled(amount: DecimalAmount, scale: number): bigint {
  if (scale >= amount.decimals) return scaleAmount(amount, scale)
  const div = 10n ** BigInt(amount.decimals - scale)
  return (amount.units + div - 1n) / div
}

/** Display an integer in units of 10^-scale as a decimal string ("1250", 2 -> "12.50"). */
export function formatScaled(units: bigint, scale: number): string {
  if (scale === 0) return units.toString()
  const s = units.toString().padStart(scale + 1, '0')
  return `${s.slice(0, -scale)}.${s.slice(-scale)}`
}
