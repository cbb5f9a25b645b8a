import { UsageError } from '../errors.js'

/** Finite non-negative floats as exact integers on one scale: value_i = scaled_i · 2^exponent. */
export type Dyadic = { scaled: bigint[]; exponent: number }

const view = new DataView(new ArrayBuffer(8))

/**
 * Every finite double is exactly m · 2^e (m < 2^53). Bringing all values to the smallest
 * exponent gives bigints whose sums and comparisons are exact — so Snapshot's float
 * `vp` can be added up without rounding, whatever the order. (Exact with respect to the
 * floats as given; the hub's own float sums may differ in the last bits.)
 * Throws UsageError for NaN, ±Infinity or negative values, naming `what`.
 */
export function toDyadic(values: readonly number[], what = 'vp'): Dyadic {
  const parts = values.map((x, i) => {
    if (!Number.isFinite(x) || x < 0) throw new UsageError(`${what} must be a finite number >= 0; got ${x} (item ${i + 1})`)
    return decompose(x)
  })
  let exponent = Infinity
  for (const p of parts) if (p.mantissa !== 0n && p.exp < exponent) exponent = p.exp
  if (exponent === Infinity) exponent = 0
  return { scaled: parts.map((p) => (p.mantissa === 0n ? 0n : p.mantissa << BigInt(p.exp - exponent))), exponent }
}

/** `scaled · 2^exponent` as a float (rounded), for display. */
export function fromDyadic(scaled: bigint, exponent: number): number {
  const half = Math.trunc(exponent / 2)
  return Number(scaled) * 2 ** half * 2 ** (exponent - half)
}

function decompose(x: number): { mantissa: bigint; exp: number } {
  view.setFloat64(0, x)
  const hi = view.getUint32(0)
  const lo = view.getUint32(4)
  const biased = (hi >>> 20) & 0x7ff
  let mantissa = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo)
  let exp = -1074
  if (biased !== 0) {
    mantissa |= 1n << 52n
    exp = biased - 1075
  }
  if (mantissa === 0n) return { mantissa, exp: 0 }
  while ((mantissa & 1n) === 0n) {
    mantissa >>= 1n
    exp++
  }
  return { mantissa, exp }
}
