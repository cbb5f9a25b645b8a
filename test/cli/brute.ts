/**
 * Independent, slow definitions to check the CLI against: subset enumeration for the
 * Nakamoto coefficient and decisive voters, the pairwise definition of Gini. Small inputs
 * only (n <= ~14). Nothing here calls src/.
 */

export type W = { address: string; weight: bigint }

const subsets = (n: number) => Array.from({ length: 1 << n }, (_, mask) => mask)
const popcount = (x: number) => {
  let c = 0
  for (; x; x &= x - 1) c++
  return c
}

/** Smallest k such that SOME k-subset sums to more than num/den of total; null if none. */
export function bruteNakamoto(weights: readonly bigint[], total: bigint, num = 1n, den = 2n): number | null {
  const ws = weights.filter((w) => w > 0n)
  let best: number | null = null
  for (const mask of subsets(ws.length)) {
    let sum = 0n
    ws.forEach((w, i) => {
      if (mask & (1 << i)) sum += w
    })
    const k = popcount(mask)
    if (k > 0 && sum * den > total * num && (best === null || k < best)) best = k
  }
  return best
}

/** Gini by its pairwise definition: ΣΣ|xi − xj| / (2 n T), as an exact fraction num/den (unreduced). */
export function bruteGini(weights: readonly bigint[]): { num: bigint; den: bigint } {
  const xs = weights.filter((w) => w > 0n)
  const n = BigInt(xs.length)
  const total = xs.reduce((a, b) => a + b, 0n)
  let num = 0n
  for (const a of xs) for (const b of xs) num += a > b ? a - b : b - a
  return { num, den: 2n * n * total }
}

export const sameRatio = (a: { num: bigint; den: bigint }, text: string) => {
  const [n, d] = text.split('/').map(BigInt) as [bigint, bigint]
  return a.num * d === n * a.den
}

/** Sum per key, dropping excluded, merging entities: labels as DESIGN §7 defines them. */
export function labelled(
  weights: readonly W[],
  labels: ReadonlyMap<string, { entity?: string; exclude?: boolean }>,
): W[] {
  const out = new Map<string, bigint>()
  for (const w of weights) {
    const l = labels.get(w.address)
    if (l?.exclude) continue
    const key = l?.entity ? `entity:${l.entity}` : w.address
    out.set(key, (out.get(key) ?? 0n) + w.weight)
  }
  return [...out].map(([address, weight]) => ({ address, weight }))
}

export type V = { voter: string; for: bigint; against: bigint; abstain: bigint }
export type Rule = { quorumCounts: (t: V) => bigint }
export const BRAVO: Rule = { quorumCounts: (t) => t.for }
export const OZ_SIMPLE: Rule = { quorumCounts: (t) => t.for + t.abstain }

const tally = (vs: readonly V[]): V => vs.reduce((a, v) => ({ voter: '', for: a.for + v.for, against: a.against + v.against, abstain: a.abstain + v.abstain }), { voter: '', for: 0n, against: 0n, abstain: 0n })

export function bruteOutcome(vs: readonly V[], quorum: bigint, rule: Rule): 'passed' | 'defeated' | 'quorum-failed' {
  const t = tally(vs)
  if (rule.quorumCounts(t) < quorum) return 'quorum-failed'
  return t.for > t.against ? 'passed' : 'defeated'
}

/** Fewest voters whose removal changes pass/fail, over every subset; null if none does. */
export function bruteDecisive(vs: readonly V[], quorum: bigint, rule: Rule): number | null {
  const passes = (x: readonly V[]) => bruteOutcome(x, quorum, rule) === 'passed'
  const now = passes(vs)
  let best: number | null = null
  for (const mask of subsets(vs.length)) {
    const k = popcount(mask)
    if (k === 0 || (best !== null && k >= best)) continue
    if (passes(vs.filter((_, i) => !(mask & (1 << i)))) !== now) best = k
  }
  return best
}

/** Rows -> one V per voter key (after mapping voters through `key`). */
export function votersOf(rows: readonly { voter: string; support: number; weight: bigint }[], key = (v: string) => v): V[] {
  const m = new Map<string, V>()
  for (const r of rows) {
    const k = key(r.voter)
    const v = m.get(k) ?? { voter: k, for: 0n, against: 0n, abstain: 0n }
    if (r.support === 0) v.against += r.weight
    else if (r.support === 1) v.for += r.weight
    else v.abstain += r.weight
    m.set(k, v)
  }
  return [...m.values()]
}
