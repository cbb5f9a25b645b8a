import type { Weighted } from './weights.js'
import { asPopulation, type Population, type Weights } from './population.js'

export type WeightOrderResult = {
  /** Entries with weight > 0: the population every measure is stated over. */
  population: number
  /**
   * Input indices of those entries, largest key first. Runs of equal keys (weights equal,
   * or so close that they round to the same double) are in no particular order until
   * `settleRun` sorts them.
   */
  order: Uint32Array
  /** `Number(weights[i].weight)` for every input entry: exact weights rounded to doubles. */
  keys: Float64Array
  /**
   * `keys[order[r]]` for every rank r: the keys in ranking order, so that walking the
   * ranking (runs of equal keys, shares) reads memory in order instead of jumping.
   */
  ranked: Float64Array
  /** Set once every run was settled (by weight at least): later 'any' passes have nothing to do. */
  settledByWeight?: true
}

/**
 * A full ranking and the exact sum of the weights: what `weightOrder` returns, and what
 * `nakamoto` and `concentration` take as `ranking` to share one ranking of one population.
 */
export type WeightRanking = WeightOrderResult & { sum: bigint }

export type Ties = 'address' | 'any'

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1
const LO = LITTLE_ENDIAN ? 0 : 1
const HI = 1 - LO
const SMALL = 4096

/**
 * The positive entries of `weights` ordered largest first, for the measures that rank
 * holders (Nakamoto, Gini, top-N). Throws UsageError naming a negative weight, as
 * `assertWeights` does.
 *
 * Why not `positiveWeights(weights).sort(byWeightDesc)`: comparing bigints is a runtime
 * call in V8, and a comparator sort of 1,000,000 holders takes seconds. Instead each
 * weight becomes its double key once (`Number(w)` rounds correctly, so it is monotonic:
 * w1 < w2 ⇒ key1 <= key2), the keys are ordered by an LSD radix sort on their IEEE-754
 * bits (which order non-negative doubles like their values; weights beyond 2^1024 become
 * Infinity, still the largest), and only runs of equal keys need exact comparisons:
 * `settleRun` does that, when and where a caller needs it. Memory stays in typed arrays
 * (about 40 bytes per holder), and the weights are read once, in input order.
 */
export function weightOrder(weights: Weights): WeightRanking {
  const { keys, population, sum } = weightKeys(weights)
  return { population, keys, sum, ...descendingOrder(keys, population) }
}

/** A ranking over `order` (e.g. a `topOrder` head): its `ranked` keys gathered. */
export function rankingOf(keys: Float64Array, population: number, order: Uint32Array): WeightOrderResult {
  return { population, keys, order, ranked: Float64Array.from(order, (i) => keys[i]!) }
}

/**
 * The keys and population of `weightOrder` without the order, and the exact sum of the
 * weights (read in the same pass: every measure needs it). UsageError for a negative weight.
 */
export function weightKeys(weights: Weights): { keys: Float64Array; population: number; sum: bigint } {
  return asPopulation(weights).keys()
}

/**
 * The head of the `weightOrder` order: every positive entry whose key is at least the
 * `count`-th largest key, descending by key (runs unsettled). It holds at least `count`
 * entries (all, when count >= population) and, ties at its last key included, is exactly
 * the first entries of the full ranking: everything left out has a smaller key, hence a
 * smaller weight. One pass with a `count`-entry heap: O(n log count).
 */
export function topOrder(keys: Float64Array, population: number, count: number): Uint32Array {
  if (count >= population) return descendingOrder(keys, population).order
  // Min-heap of input indices by key: the root is the smallest of the largest `count` so far.
  const heap = new Uint32Array(count)
  let size = 0
  const down = (from: number) => {
    let p = from
    for (;;) {
      const l = 2 * p + 1
      if (l >= size) return
      const c = l + 1 < size && keys[heap[l + 1]!]! < keys[heap[l]!]! ? l + 1 : l
      if (keys[heap[c]!]! >= keys[heap[p]!]!) return
      ;[heap[p], heap[c]] = [heap[c]!, heap[p]!]
      p = c
    }
  }
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!
    if (key <= 0) continue
    if (size < count) {
      let p = size++
      heap[p] = i
      while (p > 0) {
        const parent = (p - 1) >> 1
        if (keys[heap[parent]!]! <= key) break
        ;[heap[p], heap[parent]] = [heap[parent]!, heap[p]!]
        p = parent
      }
    } else if (key > keys[heap[0]!]!) {
      heap[0] = i
      down(0)
    }
  }
  const floor = keys[heap[0]!]!
  const head: number[] = []
  for (let i = 0; i < keys.length; i++) if (keys[i]! >= floor) head.push(i)
  return Uint32Array.from(head.sort((a, b) => keys[b]! - keys[a]! || a - b))
}

/**
 * Sorts, in place, the run of equal keys that starts at rank `start` of `order` and
 * returns the rank where it ends. `address`: exactly byWeightDesc (weight, then address,
 * then input index for identical entries), as every listed ranking wants. `any`: by
 * exact weight only, equal weights left as they are (sums and Gini do not see ties);
 * a run whose weights are all equal is not sorted at all.
 */
export function settleRun(weights: Weights, ranking: WeightOrderResult, start: number, ties: Ties): number {
  return settleRunOf(asPopulation(weights), ranking, start, ties)
}

function settleRunOf(p: Population, { order, ranked }: WeightOrderResult, start: number, ties: Ties): number {
  const key = ranked[start]!
  let end = start + 1
  while (end < order.length && ranked[end] === key) end++
  if (end - start === 1) return end
  if (ties === 'any') {
    // Below 2^53 a double holds every integer: equal keys are equal weights.
    if (key < 2 ** 53) return end
    const first = order[start]!
    let same = true
    for (let r = start + 1; r < end && same; r++) same = p.compare(order[r]!, first) === 0
    if (same) return end
  }
  // byWeightDesc: weight descending, then address ascending; identical entries by index.
  const byAddress = (a: number, b: number) => {
    const x = p.address(a)
    const y = p.address(b)
    return x < y ? -1 : x > y ? 1 : a - b
  }
  const run = Array.from(order.subarray(start, end)).sort(
    ties === 'address' ? (a, b) => p.compare(b, a) || byAddress(a, b) : (a, b) => p.compare(b, a),
  )
  order.set(run, start)
  return end
}

/**
 * The `count` largest positive entries in exactly `byWeightDesc` order, without sorting the
 * whole population (a report's top-N of a million holders): `topOrder`'s heap, then exact
 * comparisons only inside runs of equal keys.
 */
export function topWeights(weights: Weights, count: number): Weighted[] {
  const p = asPopulation(weights)
  const { keys, population } = p.keys()
  const ranking = rankingOf(keys, population, topOrder(keys, population, count))
  settleRuns(p, ranking, 'address', 0, Math.min(count, ranking.order.length))
  return Array.from(ranking.order.subarray(0, count), (i) => p.entry(i))
}

/** `settleRun` over every run that starts in ranks [from, to); returns where the last one ends. */
export function settleRuns(weights: Weights, ranking: WeightOrderResult, ties: Ties, from = 0, to = ranking.population): number {
  const whole = from === 0 && to >= ranking.population
  if (whole && ties === 'any' && ranking.settledByWeight) return ranking.population
  const p = asPopulation(weights)
  const { order, ranked } = ranking
  let r = from
  while (r < to) {
    // Most runs are one entry long: skip those without a call.
    if (r + 1 >= order.length || ranked[r + 1] !== ranked[r]) r++
    else r = settleRunOf(p, ranking, r, ties)
  }
  if (whole) ranking.settledByWeight = true
  return r
}

/**
 * Input indices with a positive key, descending by key, and those keys: LSD radix sort
 * (stable, four 16-bit digits, a digit every key shares skipped) of the keys' bits,
 * carrying each key with its index so every pass reads memory in order, then reversed;
 * a comparator sort on the keys below SMALL entries, and nothing at all when already
 * descending.
 */
function descendingOrder(keys: Float64Array, population: number): { order: Uint32Array; ranked: Float64Array } {
  let idx = new Uint32Array(population)
  let k = new Float64Array(population)
  for (let i = 0, j = 0; i < keys.length; i++)
    if (keys[i]! > 0) {
      idx[j] = i
      k[j++] = keys[i]!
    }
  // Already descending (a list that arrives ranked): nothing to sort.
  let sorted = true
  for (let j = 1; j < population && sorted; j++) sorted = k[j - 1]! >= k[j]!
  if (sorted) return { order: idx, ranked: k }
  // The radix passes cost 4 × 65,536 buckets whatever the size: small inputs sort directly.
  if (population <= SMALL) {
    const order = idx.sort((a, b) => keys[b]! - keys[a]! || a - b)
    return { order, ranked: Float64Array.from(order, (i) => keys[i]!) }
  }
  let idx2 = new Uint32Array(population)
  let k2 = new Float64Array(population)
  // The four 16-bit digit histograms in one read of the keys (a permutation does not change
  // them), each then turned into where its digits start, largest digit first: every pass
  // places the keys descending and stably, so the last one leaves them ranked.
  const counts = new Uint32Array(4 * 65536)
  const bits = new Uint32Array(k.buffer)
  for (let j = 0; j < population; j++) {
    const lo = bits[2 * j + LO]!
    const hi = bits[2 * j + HI]!
    counts[lo & 0xffff]!++
    counts[65536 + (lo >>> 16)]!++
    counts[131072 + (hi & 0xffff)]!++
    counts[196608 + (hi >>> 16)]!++
  }
  for (let pass = 0; pass < 4; pass++) {
    const count = counts.subarray(pass * 65536, (pass + 1) * 65536)
    const words = new Uint32Array(k.buffer)
    const word = pass < 2 ? LO : HI
    const shift = (pass & 1) * 16
    if (count[(words[word]! >>> shift) & 0xffff] === population) continue
    let sum = 0
    for (let d = 65535; d >= 0; d--) {
      const c = count[d]!
      count[d] = sum
      sum += c
    }
    for (let j = 0; j < population; j++) {
      const p = count[(words[2 * j + word]! >>> shift) & 0xffff]!++
      k2[p] = k[j]!
      idx2[p] = idx[j]!
    }
    ;[idx, idx2] = [idx2, idx]
    ;[k, k2] = [k2, k]
  }
  return { order: idx, ranked: k }
}
