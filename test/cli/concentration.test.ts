/**
 * `govaudit concentration` on an imported DAO: Gini by its pairwise definition, HHI and
 * entropy from the shares, top-N by sorting — all recomputed here from the CSV rows.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { inFormats, json, parseCsv, removeTmpDirs } from './harness.js'
import { bruteGini, labelled, sameRatio, type W } from './brute.js'
import { castWeights, makeFixture, type Fixture } from './fixture.js'

afterAll(removeTmpDirs)

let f: Fixture
beforeAll(async () => {
  f = await makeFixture(11)
})

function expected(ws: readonly W[]) {
  const xs = ws.map((w) => w.weight).filter((w) => w > 0n).sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))
  const total = xs.reduce((a, b) => a + b, 0n)
  const topN = (n: number) => xs.slice(0, n).reduce((a, b) => a + b, 0n)
  const squares = xs.reduce((a, x) => a + x * x, 0n)
  return {
    population: xs.length,
    total,
    gini: bruteGini(xs),
    hhi: { num: 10000n * squares, den: total * total },
    entropy: -xs.reduce((a, x) => a + (Number(x) / Number(total)) * Math.log(Number(x) / Number(total)), 0),
    top: { top1: topN(1), top5: topN(5), top10: topN(10), top100: topN(100) },
    // Fewest of the largest holding strictly more than half.
    nakamoto: xs.length === 0 ? null : xs.findIndex((_, i) => 2n * topN(i + 1) > total) + 1,
  }
}

describe('concentration', () => {
  test('json equals the definitions over the imported holders; table, markdown and csv say the same', async () => {
    const e = expected(f.holders)
    const runs = await inFormats(['concentration', f.dao, '--db', f.db], ['json', 'table', 'markdown', 'csv'])
    for (const run of Object.values(runs)) expect(run).toMatchObject({ code: 0, stderr: '' })
    const out = json(runs.json)
    expect(out).toMatchObject({
      dao: f.dao, basis: 'imported', block: null, proposal: null, population: e.population, total: e.total.toString(),
      populationDescription: 'imported holders with weight > 0',
      entropyUnit: 'nats', scale: 0, nakamoto: e.nakamoto,
      topWeight: { top1: e.top.top1.toString(), top5: e.top.top5.toString(), top10: e.top.top10.toString(), top100: e.top.top100.toString() },
    })
    expect(sameRatio(e.gini, out.giniExact)).toBe(true)
    expect(out.gini).toBeCloseTo(Number(e.gini.num) / Number(e.gini.den), 12)
    expect(sameRatio(e.hhi, out.hhiExact)).toBe(true)
    expect(out.hhi).toBeCloseTo(Number(e.hhi.num) / Number(e.hhi.den), 9)
    expect(out.entropy).toBeCloseTo(e.entropy, 12)
    // 11 holders: the top-100 (and top-10 of 11) shares are read from the sorted weights.
    for (const k of ['top1', 'top5', 'top10', 'top100'] as const) expect(out[k]).toBeCloseTo(Number(e.top[k]) / Number(e.total), 12)
    expect(out.top100).toBe(1)

    for (const run of [runs.table, runs.markdown]) {
      expect(run.stdout).toMatch(new RegExp(`population:(\\*\\*)? ${e.population} imported holders with weight > 0; total ${e.total}`))
      expect(run.stdout).toContain(`over the ${e.population} imported holders with weight > 0`)
      expect(run.stdout).toContain(out.gini.toFixed(4))
      expect(run.stdout).toContain(out.hhi.toFixed(1))
      expect(run.stdout).toContain(`the 5 largest hold ${e.top.top5} of ${e.total}`)
      expect(run.stdout).toContain(`the fewest imported holders with weight > 0 holding more than half of ${e.total}`)
    }
    const [summary] = parseCsv(runs.csv.stdout)
    expect(summary).toMatchObject({ kind: 'summary', basis: 'imported', population: String(e.population), total: e.total.toString(), gini: String(out.gini), hhi: String(out.hhi), entropy: String(out.entropy), nakamoto: String(e.nakamoto) })
  })

  test('labels merge the cex wallets and drop the treasury, visible in every format', async () => {
    const merged = labelled(f.holders, f.labels)
    const e = expected(merged)
    const runs = await inFormats(['concentration', f.dao, '--db', f.db, '--labels', f.labelsFile], ['json', 'table', 'csv'])
    const out = json(runs.json)
    expect(out.population).toBe(e.population)
    expect(out.total).toBe(e.total.toString())
    expect(sameRatio(e.gini, out.giniExact)).toBe(true)
    expect(sameRatio(e.hhi, out.hhiExact)).toBe(true)
    expect(out.labels.merged.map((m: any) => m.entity)).toEqual(['cex'])
    expect(out.labels.excluded.map((x: any) => x.label)).toEqual(['treasury'])
    expect(runs.table.stdout).toMatch(/Labels from .*labels\.csv: merged entities: cex = /)
    expect(runs.table.stdout).toMatch(/Excluded: 0x[0-9a-f]{40} \(treasury, weight \d+\)/)
    expect(parseCsv(runs.csv.stdout).map((r) => r.kind)).toEqual(['summary', 'merged', 'excluded'])
  })

  test('--proposal measures the votes cast on it', async () => {
    const e = expected(castWeights(f.votes, '3'))
    const out = json((await inFormats(['concentration', f.dao, '--db', f.db, '--proposal', '3'], ['json'])).json)
    expect(out).toMatchObject({ basis: 'votes', proposal: '3', source: 'import', population: e.population, total: e.total.toString() })
    expect(sameRatio(e.gini, out.giniExact)).toBe(true)
  })
})
