/** A positive-integer benchmark knob from the environment (BENCH_EVENTS=...), or its default. */
export function positiveIntEnv(name: string, dflt: number): number {
  const v = process.env[name]
  if (v === undefined || v === '') return dflt
  const n = Number(v)
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${name} must be a positive integer; got ${v}`)
  return n
}
