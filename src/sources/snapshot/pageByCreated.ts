/**
 * Read every object of a hub collection ordered by `created`, within the hub's limits
 * (`first` <= 1000, `skip` <= 5000), de-duplicated by id.
 *
 * Pages are taken with a `created_gte` cursor, not `skip`: each page starts at the last
 * `created` second of the previous one (that second is read again, and its objects
 * de-duplicated by id), so no object is missed however many share a second. When a whole
 * page shares one second the cursor cannot advance; that second is then read alone with
 * `created: X` and `skip` 0, 1000, … 5000 (at most 6,000 objects in one second; more is a
 * SourceError, never a silent gap), and the cursor moves to X + 1.
 */
import { SourceError } from '../../errors.js'
import { HUB_LIMITS } from './hubClient.js'

export type PageRequest = {
  /** Extra `where` fields: `{ created_gte }` or `{ created }`. */
  where: { created_gte: number } | { created: number }
  first: number
  skip: number
}

export type PageByCreatedParameters<T> = {
  /** Fetch one page, ordered by created ascending (ties in a stable order). */
  fetchPage: (request: PageRequest) => Promise<T[]>
  idOf: (item: T) => string
  createdOf: (item: T) => number
  /** Start at this created (inclusive). Default 0. */
  from?: number
  /** Page size, <= 1000. Default 1000. */
  first?: number
  /** What is being read, for messages. */
  what: string
}

export async function pageByCreated<T>({ fetchPage, idOf, createdOf, from = 0, first = HUB_LIMITS.first, what }: PageByCreatedParameters<T>): Promise<T[]> {
  if (first < 1 || first > HUB_LIMITS.first) throw new RangeError(`first must be in [1, ${HUB_LIMITS.first}]; got ${first}`)
  const seen = new Set<string>()
  const out: T[] = []
  const take = (page: T[]) => {
    for (const item of page) {
      const id = idOf(item)
      if (seen.has(id)) continue
      seen.add(id)
      out.push(item)
    }
  }
  let cursor = from
  for (;;) {
    const page = await fetchPage({ where: { created_gte: cursor }, first, skip: 0 })
    checkOrder(page, createdOf, cursor, what)
    take(page)
    if (page.length < first) return out
    const last = createdOf(page[page.length - 1]!)
    if (last > cursor) {
      cursor = last
      continue
    }
    // A full page in one second: read that second alone with skip, from its start, so every
    // page of it comes from the same query (the hub's order among equal `created` is only
    // guaranteed stable for one query shape); the overlap with the page above is de-duplicated.
    for (let skip = 0; ; skip += first) {
      if (skip > HUB_LIMITS.skip)
        throw new SourceError(
          `More than ${HUB_LIMITS.skip + first} ${what} share the created second ${cursor}; the hub's skip limit cannot page through them`,
        )
      const rest = await fetchPage({ where: { created: cursor }, first, skip })
      checkOrder(rest, createdOf, cursor, what)
      take(rest)
      if (rest.length < first) break
    }
    cursor += 1
  }
}

function checkOrder<T>(page: T[], createdOf: (item: T) => number, from: number, what: string): void {
  let prev = from
  for (const item of page) {
    const c = createdOf(item)
    if (c < prev) throw new SourceError(`The Snapshot hub answered ${what} out of created order (${c} after ${prev}); cannot page them safely`)
    prev = c
  }
}
