/** A 0..1 share as a percentage for human formats: 0.08123 -> "8.12%". JSON keeps the float. */
export function percent(share: number, digits = 2): string {
  return `${(share * 100).toFixed(digits)}%`
}
