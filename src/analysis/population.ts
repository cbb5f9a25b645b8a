import { UsageError } from '../errors.js'
import type { Weighted } from './weights.js'

/**
 * The holders a measure is taken over, read by index: what `nakamoto`, `concentration` and
 * the ranking in `weightOrder` need from a weight list, and nothing that forces a million
 * `{ address, weight }` objects into being.
 *
 * Two kinds: `listPopulation` over an array of `Weighted` (every caller that has one), and
 * `packedPopulation` over fixed-width records as the store reads them (a million holders
 * in one buffer: building and collecting a million objects and bigints was most of the
 * time a measure took). Both answer every question exactly; only their speed differs.
 */
export interface Population {
  /** Entries, zero weights included (they are not holders: every measure skips them). */
  readonly size: number
  address(i: number): string
  weight(i: number): bigint
  /** Entry i as an object: for a list population, the very object it holds. */
  entry(i: number): Weighted
  /** Sign of weight(i) − weight(j), exactly. */
  compare(i: number, j: number): number
  /**
   * Every entry's weight as the nearest double (`Number(weight)`: monotonic, so it ranks
   * like the weight up to ties), how many are positive, and their exact sum. UsageError
   * for a negative weight.
   */
  keys(): PopulationKeys
  /** Σ w² and Σ multiplier[i]·w_i over every entry, exactly. */
  moments(multiplier: Uint32Array): { squares: bigint; weighted: bigint }
  /** For each count c (ascending), the exact sum of the weights of order[0], …, order[c − 1]. */
  prefixSums(order: Uint32Array, counts: readonly number[]): bigint[]
  /** Ascending indices of the entries whose address, lowercased, is one of `addresses` (lowercase keys). */
  indicesOf(addresses: ReadonlyMap<string, unknown>): number[]
}

export type PopulationKeys = { keys: Float64Array; population: number; sum: bigint }

/** What a measure accepts: a plain weight list, packed records as the store reads them, or either as a population. */
export type Weights = readonly Weighted[] | PackedRecords | Population

export function asPopulation(weights: Weights): Population {
  if (isList(weights)) return listPopulation(weights)
  if (!('bytes' in weights)) return weights
  // One population per records object, so measures taken on the same read share its scan.
  let p = packedCache.get(weights)
  if (p === undefined) packedCache.set(weights, (p = packedPopulation(weights)))
  return p
}

const packedCache = new WeakMap<PackedRecords, Population>()

/** Every entry as an object (zero weights too): for code that needs the list itself. */
export function entriesOf(weights: Weights): readonly Weighted[] {
  if (isList(weights)) return weights
  const p = asPopulation(weights)
  return Array.from({ length: p.size }, (_, i) => p.entry(i))
}

/** Number of entries, zero weights included. */
export const sizeOf = (weights: Weights): number => (isList(weights) ? weights.length : weights.size)

// (Array.isArray does not narrow a readonly array type.)
const isList = (weights: Weights): weights is readonly Weighted[] => Array.isArray(weights)

export function listPopulation(weights: readonly Weighted[]): Population {
  return {
    size: weights.length,
    address: (i) => weights[i]!.address,
    weight: (i) => weights[i]!.weight,
    entry: (i) => weights[i]!,
    compare: (i, j) => compareBigints(weights[i]!.weight, weights[j]!.weight),
    keys() {
      const n = weights.length
      const keys = new Float64Array(n)
      let population = 0
      let sum = 0n
      for (let i = 0; i < n; i++) {
        const w = weights[i]!
        const key = Number(w.weight) // zero iff the weight is 0n, negative iff it is negative
        if (key < 0) throw new UsageError(`weight of ${w.address} must be >= 0; got ${w.weight}`)
        keys[i] = key
        if (key > 0) {
          population++
          sum += w.weight
        }
      }
      return { keys, population, sum }
    },
    moments(multiplier) {
      let squares = 0n
      let weighted = 0n
      for (let i = 0; i < weights.length; i++) {
        const w = weights[i]!.weight
        if (w === 0n) continue
        squares += w * w
        weighted += BigInt(multiplier[i]!) * w
      }
      return { squares, weighted }
    },
    prefixSums: (order, counts) => bigintPrefixSums((i) => weights[i]!.weight, order, counts),
    indicesOf: (addresses) => stringIndicesOf((i) => weights[i]!.address, 0, weights.length, addresses),
  }
}

export type PackedRecords = {
  /** `size` records of `stride` bytes each, each starting with its address in ASCII (`0x…`, as `address(i)` reads it). */
  bytes: Uint8Array
  size: number
  stride: number
  /** Where in a record its weight starts: 32 bytes, big-endian (uint256 as SQLite's `unhex` gives it). */
  wordOffset: number
  /** The address of record i. */
  address(i: number): string
}

const WORD = 32
const LIMB_BITS = 16
const LIMBS = WORD / 2
// Largest integer every double below it holds exactly: accumulators are flushed into
// bigints before they could pass it.
const EXACT = 2 ** 53
// ASCII case bit of four characters at once: lowercases A–F, leaves digits and 'x' as they are.
const LOWER = 0x20202020
const BYTE_POWER = Float64Array.from({ length: WORD + 1 }, (_, i) => 2 ** (8 * i))

/**
 * A population over packed uint256 records, never negative. Sums are exact without a
 * bigint per holder: each weight is split into 16-bit limbs, limbs are summed (and
 * multiplied) as doubles, which hold every integer below 2^53 exactly, and each column is
 * moved into a bigint before it could reach that bound. Keys are `Number(weight)` exactly:
 * the top 64 significant bits, with a sticky bit for anything below them, rounded once.
 */
export function packedPopulation({ bytes, size, stride, wordOffset, address }: PackedRecords): Population {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const at = (i: number) => i * stride + wordOffset
  // One pass gives the keys, the sum and the widest weight (how many limbs the moments need).
  let scanned: (PopulationKeys & { widest: number }) | undefined
  const population: Population = {
    size,
    address,
    weight(i) {
      // Most amounts fit in the low 128 bits: fewer limbs, fewer bigints built.
      const o = at(i)
      const lo = view.getBigUint64(o + 24)
      if ((view.getUint32(o) | view.getUint32(o + 4) | view.getUint32(o + 8) | view.getUint32(o + 12)) === 0)
        return view.getUint32(o + 16) === 0 && view.getUint32(o + 20) === 0 ? lo : (view.getBigUint64(o + 16) << 64n) | lo
      return (view.getBigUint64(o) << 192n) | (view.getBigUint64(o + 8) << 128n) | (view.getBigUint64(o + 16) << 64n) | lo
    },
    entry: (i) => ({ address: address(i), weight: population.weight(i) }),
    compare(i, j) {
      const a = at(i)
      const b = at(j)
      for (let k = 0; k < WORD; k += 4) {
        const x = view.getUint32(a + k)
        const y = view.getUint32(b + k)
        if (x !== y) return x < y ? -1 : 1
      }
      return 0
    },
    keys() {
      scanned ??= scan()
      return { keys: scanned.keys, population: scanned.population, sum: scanned.sum }
    },
    moments(multiplier) {
      scanned ??= scan()
      const limbs = Math.ceil(scanned.widest / 2)
      const l = new Float64Array(LIMBS)
      const square = new Float64Array(2 * LIMBS)
      const weightedColumn = new Float64Array(LIMBS)
      let squares = 0n
      let weighted = 0n
      let largest = 1
      for (let i = 0; i < size; i++) if (multiplier[i]! > largest) largest = multiplier[i]!
      // A square column gains at most `limbs` products below 2^32 (doubled: 2^33) per entry;
      // a weighted column one product below largest · 2^16.
      const every = Math.max(1, Math.min(Math.floor(EXACT / (limbs * 2 ** 33)), Math.floor(EXACT / (largest * 2 ** LIMB_BITS))))
      const flush = () => {
        for (let c = 0; c < 2 * limbs; c++) {
          squares += BigInt(square[c]!) << BigInt(LIMB_BITS * c)
          square[c] = 0
        }
        for (let c = 0; c < limbs; c++) {
          weighted += BigInt(weightedColumn[c]!) << BigInt(LIMB_BITS * c)
          weightedColumn[c] = 0
        }
      }
      for (let i = 0, pending = 0; i < size; i++) {
        const end = at(i) + WORD
        const m = multiplier[i]!
        for (let a = 0; a < limbs; a++) l[a] = limb(end, a)
        for (let a = 0; a < limbs; a++) {
          const x = l[a]!
          if (x === 0) continue
          weightedColumn[a]! += m * x
          square[2 * a]! += x * x
          for (let b = a + 1; b < limbs; b++) square[a + b]! += 2 * x * l[b]!
        }
        if (++pending === every) {
          flush()
          pending = 0
        }
      }
      flush()
      return { squares, weighted }
    },
    prefixSums(order, counts) {
      scanned ??= scan()
      const limbs = Math.ceil(scanned.widest / 2)
      // A column gains less than 2^16 an entry: exact for any population below 2^37.
      const column = new Float64Array(LIMBS)
      const sums: bigint[] = []
      let r = 0
      for (const count of counts) {
        for (; r < count; r++) {
          const end = at(order[r]!) + WORD
          for (let l = 0; l < limbs; l++) column[l]! += limb(end, l)
        }
        let sum = 0n
        for (let l = 0; l < limbs; l++) sum += BigInt(column[l]!) << BigInt(LIMB_BITS * l)
        sums.push(sum)
      }
      return sums
    },
    indicesOf(addresses) {
      // A million address strings cost more than the lookups: compare the first four
      // characters after '0x' as one number (lowercased), and build a string only then.
      const heads = new Set<number>()
      for (const a of addresses.keys()) {
        if (a.length < 6) return stringIndicesOf(address, 0, size, addresses)
        heads.add((((a.charCodeAt(2) << 24) | (a.charCodeAt(3) << 16) | (a.charCodeAt(4) << 8) | a.charCodeAt(5)) | LOWER) >>> 0)
      }
      const found: number[] = []
      for (let i = 0; i < size; i++) {
        const o = i * stride
        if (o + 6 > bytes.length || !heads.has((view.getUint32(o + 2) | LOWER) >>> 0)) continue
        if (addresses.has(address(i).toLowerCase())) found.push(i)
      }
      return found
    },
  }
  function scan(): PopulationKeys & { widest: number } {
    const keys = new Float64Array(size)
    let positive = 0
    let widest = 0
    const sum = new Float64Array(LIMBS)
    for (let i = 0; i < size; i++) {
      const o = at(i)
      const end = o + WORD
      let b = o
      while (b < end - 4 && view.getUint32(b) === 0) b += 4
      while (b < end && bytes[b] === 0) b++
      const length = end - b
      if (length === 0) continue
      positive++
      if (length > widest) widest = length
      keys[i] = keyOf(b, length)
      for (let l = 0; 2 * l < length; l++) sum[l]! += limb(end, l)
    }
    // Each column holds at most size · (2^16 − 1): exact for any population below 2^37.
    let total = 0n
    for (let l = 0; l < LIMBS; l++) total += BigInt(sum[l]!) << BigInt(LIMB_BITS * l)
    return { keys, population: positive, sum: total, widest }
  }
  /** Limb l (0 = least significant) of the word that ends at byte `end`. */
  function limb(end: number, l: number): number {
    return (bytes[end - 2 - 2 * l]! << 8) | bytes[end - 1 - 2 * l]!
  }
  /** Number(weight) of the word whose first non-zero byte is at `b`, `length` bytes to its end. */
  function keyOf(b: number, length: number): number {
    if (length <= 6) {
      let v = 0
      for (let k = b; k < b + length; k++) v = v * 256 + bytes[k]!
      return v
    }
    if (length === 7) return view.getUint32(b) * 16777216 + ((bytes[b + 4]! << 16) | (bytes[b + 5]! << 8) | bytes[b + 6]!)
    // hi ≥ 2^24, so hi·2^32 + lo has ≥ 57 significant bits: bit 0 lies below the rounding
    // bit, where a sticky 1 for the bytes beyond makes the one rounding the correct one.
    let lo = view.getUint32(b + 4)
    for (let k = b + 8; k < b + length; k++)
      if (bytes[k] !== 0) {
        lo += 1 - (lo & 1)
        break
      }
    return (view.getUint32(b) * 4294967296 + lo) * BYTE_POWER[length - 8]!
  }
  return population
}

/**
 * `base` with the entries at `zeroed` counted as weight 0 and `added` appended: what
 * labels make of a packed population (excluded and merged addresses leave it, entity rows
 * join it) without copying the million entries that keep their weight. A zero weight is
 * not a holder, so every measure sees exactly the population labels describe.
 */
export function relabelledPopulation({ base, zeroed, added }: { base: Population; zeroed: readonly number[]; added: readonly Weighted[] }): Population {
  const n = base.size
  const gone = new Uint8Array(n)
  for (const i of zeroed) gone[i] = 1
  const removed = [...new Set(zeroed)].map((i) => ({ i, weight: base.weight(i) }))
  const weight = (i: number): bigint => (i >= n ? added[i - n]!.weight : gone[i] ? 0n : base.weight(i))
  const address = (i: number): string => (i >= n ? added[i - n]!.address : base.address(i))
  let keys: PopulationKeys | undefined
  return {
    size: n + added.length,
    address,
    weight,
    entry: (i) => (i < n && !gone[i] ? base.entry(i) : { address: address(i), weight: weight(i) }),
    compare: (i, j) => (i < n && j < n && !gone[i] && !gone[j] ? base.compare(i, j) : compareBigints(weight(i), weight(j))),
    keys() {
      if (keys) return keys
      const own = base.keys()
      const all = new Float64Array(n + added.length)
      all.set(own.keys)
      let population = own.population
      let sum = own.sum
      for (const { i, weight } of removed) {
        if (all[i]! > 0) population--
        sum -= weight
        all[i] = 0
      }
      const extra = listPopulation(added).keys()
      all.set(extra.keys, n)
      return (keys = { keys: all, population: population + extra.population, sum: sum + extra.sum })
    },
    moments(multiplier) {
      const own = base.moments(multiplier.subarray(0, n))
      const extra = listPopulation(added).moments(multiplier.subarray(n))
      let { squares, weighted } = own
      for (const { i, weight } of removed) {
        squares -= weight * weight
        weighted -= BigInt(multiplier[i]!) * weight
      }
      return { squares: squares + extra.squares, weighted: weighted + extra.weighted }
    },
    prefixSums: (order, counts) => bigintPrefixSums(weight, order, counts),
    // Entries labels took out are no longer there to be found.
    indicesOf: (addresses) => [...base.indicesOf(addresses).filter((i) => !gone[i]), ...stringIndicesOf(address, n, n + added.length, addresses)],
  }
}

/** `prefixSums` one bigint at a time. */
function bigintPrefixSums(weight: (i: number) => bigint, order: Uint32Array, counts: readonly number[]): bigint[] {
  const sums: bigint[] = []
  let sum = 0n
  let r = 0
  for (const count of counts) {
    for (; r < count; r++) sum += weight(order[r]!)
    sums.push(sum)
  }
  return sums
}

/** `indicesOf` by string, for entries from..to − 1 (govaudit's addresses are lowercase: only others are lowercased). */
function stringIndicesOf(address: (i: number) => string, from: number, to: number, addresses: ReadonlyMap<string, unknown>): number[] {
  const found: number[] = []
  for (let i = from; i < to; i++) {
    const a = address(i)
    if (addresses.has(a) || (UPPERCASE.test(a) && addresses.has(a.toLowerCase()))) found.push(i)
  }
  return found
}

const UPPERCASE = /[A-Z]/

const compareBigints = (x: bigint, y: bigint): number => (x === y ? 0 : x < y ? -1 : 1)
