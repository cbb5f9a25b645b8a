import { expect, test } from 'vitest'
import { pageByCreated, type PageRequest } from '../../../src/sources/snapshot/pageByCreated.js'
import { prng } from './fixtures.js'

type Item = { id: string; created: number }

/** An in-memory collection answering pages exactly as the hub: created ascending then id, with its limits. */
function collection(items: Item[]) {
  const sorted = [...items].sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1))
  const stats = { pages: 0, maxSkip: 0 }
  const fetchPage = async ({ where, first, skip }: PageRequest): Promise<Item[]> => {
    if (first > 1000 || skip > 5000) throw new Error(`limit broken: first ${first} skip ${skip}`)
    stats.pages++
    stats.maxSkip = Math.max(stats.maxSkip, skip)
    const match = 'created' in where ? (i: Item) => i.created === where.created : (i: Item) => i.created >= where.created_gte
    return sorted.filter(match).slice(skip, skip + first)
  }
  return { fetchPage, stats }
}

test('120,000 items with heavy clustering (one second holds 5,500) come back complete, each once', async () => {
  const rand = prng(11)
  const items: Item[] = []
  let t = 1000
  for (let i = 0; i < 120_000; i++) {
    if (i === 50_000) t += 1 // the 5,500-item second starts here
    else if (!(i > 50_000 && i < 55_500) && rand() < 0.02) t += 1 + Math.floor(rand() * 5)
    items.push({ id: `v${i}`, created: t })
  }
  const { fetchPage, stats } = collection(items)
  const got = await pageByCreated({ fetchPage, idOf: (x) => x.id, createdOf: (x) => x.created, what: 'votes' })
  expect(got).toHaveLength(120_000)
  expect(new Set(got.map((x) => x.id)).size).toBe(120_000)
  expect(stats.maxSkip).toBe(5000)
})

test('page size below the limit and a start cursor', async () => {
  const items = Array.from({ length: 50 }, (_, i) => ({ id: `x${i}`, created: 100 + Math.floor(i / 7) }))
  const { fetchPage } = collection(items)
  const got = await pageByCreated({ fetchPage, idOf: (x) => x.id, createdOf: (x) => x.created, what: 'items', first: 5, from: 103 })
  expect(got.map((x) => x.id).sort()).toEqual(items.filter((x) => x.created >= 103).map((x) => x.id).sort())
})

test('an answer out of created order is refused, not paged past', async () => {
  const fetchPage = async (): Promise<Item[]> => [{ id: 'a', created: 5 }, { id: 'b', created: 3 }]
  await expect(pageByCreated({ fetchPage, idOf: (x) => x.id, createdOf: (x) => x.created, what: 'votes of 0xp' })).rejects.toThrow(/out of created order/)
})
