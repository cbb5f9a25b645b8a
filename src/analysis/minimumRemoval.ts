/** One removable voter: removing it adds `key` toward the target and spends `cost` of the budget. */
export type RemovalItem = { id: string; key: bigint; cost: bigint }

export type MinimumRemovalParameters = {
  items: readonly RemovalItem[]
  /** Reach Σ key >= target. target <= 0 needs nothing (count 0). */
  target: bigint
  /** Keep Σ cost <= budget; undefined means no budget. */
  budget?: bigint
  /** Search nodes allowed before giving up on exactness (default 1,000,000). */
  maxNodes?: number
}

export type MinimumRemovalResult = {
  /** Size of the smallest set meeting both constraints; null if none (or none found). */
  count: number | null
  /** Ids of one such set, largest key first. */
  chosen: string[]
  /** True when `count` is proven minimal (or proven impossible when null). */
  exact: boolean
}

/**
 * Smallest set of items with Σ key >= target and Σ cost <= budget.
 *
 * Why this shape: removing voters moves a margin (key, e.g. `against − for` of each
 * voter) and may spend quorum slack (cost, the voter's quorum-counting amount).
 *
 * Exactness:
 * - Items with key <= 0 never help (dropping one from a feasible set keeps it feasible),
 *   nor do items with cost > budget. They are ignored.
 * - Without a budget, or when the k0 largest keys already fit the budget, the greedy
 *   prefix is optimal: any k items sum to at most the k largest keys, so k0 (the
 *   shortest prefix reaching the target) is a lower bound it attains.
 * - Otherwise the problem is a two-constraint knapsack (NP-hard in general). Items of
 *   cost 0 are always best taken largest first, so a branch-and-bound search runs over
 *   the costly items only (next-included-item recursion, key descending, equal items
 *   deduplicated), completing each branch with the largest free items, pruned by the
 *   bound "items still needed ignoring cost". It is exact when it finishes within
 *   `maxNodes`; otherwise it returns the best set found (an upper bound) with
 *   exact = false (and count null if it found none).
 */
export function minimumRemoval({ items, target, budget, maxNodes = 1_000_000 }: MinimumRemovalParameters): MinimumRemovalResult {
  if (target <= 0n) return { count: 0, chosen: [], exact: true }
  const candidates = sortByKeyDesc(items.filter((it) => it.key > 0n && (budget === undefined || it.cost <= budget)))
  // k0: shortest prefix reaching the target ignoring cost.
  let sum = 0n
  let cost = 0n
  let k0 = -1
  for (const [i, it] of candidates.entries()) {
    sum += it.key
    cost += it.cost
    if (sum >= target) {
      k0 = i + 1
      break
    }
  }
  if (k0 < 0) return { count: null, chosen: [], exact: true }
  if (budget === undefined || cost <= budget)
    return { count: k0, chosen: candidates.slice(0, k0).map((it) => it.id), exact: true }
  return searchWithBudget(candidates, target, budget, maxNodes)
}

/**
 * `[...items].sort(byKeyDesc)`, the same order (stable), with bigint comparisons only
 * where two keys round to the same double: `Number(key)` is monotonic, so the doubles
 * order every other pair, and a comparator on doubles is many times faster in V8.
 */
function sortByKeyDesc(items: RemovalItem[]): RemovalItem[] {
  const keys = items.map((it) => Number(it.key))
  const order = items.map((_, i) => i)
  order.sort((a, b) => keys[b]! - keys[a]! || byKeyDesc(items[a]!, items[b]!) || a - b)
  return order.map((i) => items[i]!)
}

function byKeyDesc(a: RemovalItem, b: RemovalItem): number {
  if (a.key !== b.key) return a.key > b.key ? -1 : 1
  if (a.cost !== b.cost) return a.cost < b.cost ? -1 : 1
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

function searchWithBudget(
  candidates: RemovalItem[],
  target: bigint,
  budget: bigint,
  maxNodes: number,
): MinimumRemovalResult {
  const free = candidates.filter((it) => it.cost === 0n)
  const costly = candidates.filter((it) => it.cost > 0n)
  const freePrefix: bigint[] = [0n]
  for (const it of free) freePrefix.push(freePrefix[freePrefix.length - 1]! + it.key)

  /** Fewest free items reaching `need`, or Infinity. */
  const minFree = (need: bigint): number => {
    if (need <= 0n) return 0
    if (freePrefix[free.length]! < need) return Infinity
    let lo = 1
    let hi = free.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (freePrefix[mid]! >= need) hi = mid
      else lo = mid + 1
    }
    return lo
  }
  /** Fewest items of costly[from..] ∪ free reaching `need` ignoring cost, or Infinity past `limit`. */
  const lowerBound = (from: number, need: bigint, limit: number): number => {
    let i = from
    let j = 0
    let acc = 0n
    for (let count = 1; count <= limit; count++) {
      const a = costly[i]
      const b = free[j]
      if (!a && !b) return Infinity
      if (a && (!b || a.key >= b.key)) {
        acc += a.key
        i++
      } else {
        acc += b!.key
        j++
      }
      if (acc >= need) return count
    }
    return Infinity
  }

  // Upper bound first: greedy in key order, skipping what does not fit the budget.
  let best = Infinity
  let bestSet: RemovalItem[] = []
  {
    const chosen: RemovalItem[] = []
    let keySum = 0n
    let costSum = 0n
    for (const it of candidates) {
      if (costSum + it.cost > budget) continue
      chosen.push(it)
      keySum += it.key
      costSum += it.cost
      if (keySum >= target) {
        best = chosen.length
        bestSet = [...chosen]
        break
      }
    }
  }

  let nodes = 0
  let aborted = false
  const stack: RemovalItem[] = []
  const visit = (start: number, keySum: bigint, costSum: bigint): void => {
    const need = target - keySum
    const completion = minFree(need)
    if (stack.length + completion < best) {
      best = stack.length + completion
      bestSet = [...stack, ...free.slice(0, completion)]
    }
    for (let j = start; j < costly.length; j++) {
      if (++nodes > maxNodes) {
        aborted = true
        return
      }
      const it = costly[j]!
      // Equal items are interchangeable: only the first of a run starts a branch here.
      if (j > start && it.key === costly[j - 1]!.key && it.cost === costly[j - 1]!.cost) continue
      const limit = best - stack.length - 1
      if (limit < 1) return
      // Items from j on are no larger than costly[j], so the bound only grows with j.
      if (stack.length + lowerBound(j, need, limit) >= best) return
      if (costSum + it.cost > budget) continue
      stack.push(it)
      visit(j + 1, keySum + it.key, costSum + it.cost)
      stack.pop()
      if (aborted) return
    }
  }
  visit(0, 0n, 0n)

  if (best === Infinity) return { count: null, chosen: [], exact: !aborted }
  return { count: best, chosen: [...bestSet].sort(byKeyDesc).map((it) => it.id), exact: !aborted }
}
