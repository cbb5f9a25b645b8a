/** Names close to a mistyped one, for "did you mean" messages. */

/** Levenshtein distance (insertions, deletions, substitutions), case-sensitive. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    previous = current
  }
  return previous[b.length]!
}

/**
 * The candidates within an edit distance of a third of the name's length (at least 1,
 * at most 3), or that start with it or contain it; closest first.
 */
export function closeNames(name: string, candidates: readonly string[]): string[] {
  const wanted = name.toLowerCase()
  const limit = Math.min(3, Math.max(1, Math.floor(wanted.length / 3)))
  return candidates
    .map((c) => ({ c, d: editDistance(wanted, c) }))
    .filter(({ c, d }) => d <= limit || (wanted.length >= 3 && (c.startsWith(wanted) || c.includes(wanted))))
    .sort((x, y) => x.d - y.d || (x.c < y.c ? -1 : 1))
    .map(({ c }) => c)
}
