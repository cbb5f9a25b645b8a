/**
 * `govaudit decisive` on imported votes: outcomes and decisive counts recomputed here by
 * enumerating every subset of voters (test/cli/brute.ts), for the rule and quorum given.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { addr, cli, cliAll, inFormats, json, parseCsv, removeTmpDirs, tmpDir, writeCsv } from './harness.js'
import { BRAVO, OZ_SIMPLE, bruteDecisive, bruteNakamoto, bruteOutcome, labelled, votersOf, type Rule } from './brute.js'
import { castWeights, makeFixture, sum, type Fixture } from './fixture.js'

afterAll(removeTmpDirs)

let f: Fixture
/** A quorum that some proposals meet and some do not: the mean `for` total, in file units. */
let quorum: bigint
beforeAll(async () => {
  f = await makeFixture(18)
  const fors = f.proposals.map((id) => votersOf(f.votes.filter((v) => v.proposalId === id)).reduce((a, v) => a + v.for, 0n))
  quorum = fors.reduce((a, b) => a + b, 0n) / BigInt(fors.length)
})

const rowsOf = (id: string) => f.votes.filter((v) => v.proposalId === id)

function expectedFor(rule: Rule, q: bigint, whales: number, key?: (voter: string) => string) {
  const proposals = f.proposals.map((id) => {
    const voters = votersOf(rowsOf(id), key)
    const outcome = bruteOutcome(voters, q, rule)
    const decisive = outcome === 'quorum-failed' ? null : bruteDecisive(voters, q, rule)
    return { id, outcome, decisive, voters: voters.length, whaleDecided: decisive !== null && decisive <= whales }
  })
  const decided = proposals.filter((p) => p.outcome !== 'quorum-failed')
  const whale = decided.filter((p) => p.whaleDecided).length
  return { proposals, decided: decided.length, whaleDecided: whale, share: decided.length ? whale / decided.length : 0 }
}

describe('decisive with a rule and quorum', () => {
  test.each([
    ['bravo', 1, BRAVO],
    ['oz-simple', 2, OZ_SIMPLE],
  ] as const)('--rule %s --whales %i: every proposal and the share equal brute force', async (ruleName, whales, rule) => {
    const out = json(await cli(['decisive', f.dao, '--db', f.db, '--rule', ruleName, '--quorum', quorum.toString(), '--whales', String(whales), '--format', 'json']))
    const e = expectedFor(rule, quorum, whales)
    // The fixture is not degenerate: proposals that pass, fail quorum, and are or are not whale-decided.
    expect(e.decided).toBeGreaterThan(0)
    expect(e.proposals.some((p) => p.outcome === 'quorum-failed')).toBe(true)
    expect(e.whaleDecided).toBeGreaterThan(0)
    expect(e.whaleDecided).toBeLessThan(e.decided)
    expect(out).toMatchObject({ dao: f.dao, whales, decided: e.decided, whaleDecided: e.whaleDecided, assessed: 5, unassessed: 0 })
    expect(out.whaleDecidedShare).toBeCloseTo(e.share, 12)
    expect(out.proposals.map((p: any) => p.id)).toEqual(f.proposals)
    for (const [i, p] of out.proposals.entries()) {
      const x = e.proposals[i]!
      const t = votersOf(rowsOf(x.id)).reduce((a, v) => ({ f: a.f + v.for, a: a.a + v.against, b: a.b + v.abstain }), { f: 0n, a: 0n, b: 0n })
      expect(p).toMatchObject({
        source: 'import', id: x.id, title: null, outcome: x.outcome, for: t.f.toString(), against: t.a.toString(), abstain: t.b.toString(),
        quorum: quorum.toString(), voters: x.voters, decisive: x.decisive, whaleDecided: x.whaleDecided, exact: true,
        assessed: true, rule: ruleName, ruleFrom: 'flag', quorumFrom: 'flag',
      })
      expect(p.decisiveVoters).toHaveLength(x.decisive ?? 0)
      const cast = castWeights(f.votes, x.id)
      expect(p.nakamoto).toBe(bruteNakamoto(cast.map((w) => w.weight), sum(cast)))
    }
  })

  test('table, markdown and csv carry the same proposals and the share', async () => {
    const e = expectedFor(BRAVO, quorum, 1)
    const runs = await inFormats(['decisive', f.dao, '--db', f.db, '--rule', 'bravo', '--quorum', quorum.toString()], ['table', 'markdown', 'csv'])
    for (const run of Object.values(runs)) expect(run).toMatchObject({ code: 0, stderr: '' })
    const headline = `Whale-decided proposals of ${f.dao}: ${e.whaleDecided} of ${e.decided} decided`
    expect(runs.table.stdout).toContain(headline)
    expect(runs.markdown.stdout).toContain(`### ${headline}`)
    expect(runs.table.stdout).toContain('Rule bravo (support=bravo&quorum=bravo) from --rule; quorum from --quorum.')
    const rows = parseCsv(runs.csv.stdout)
    expect(rows.filter((r) => r.kind === 'proposal').map((r) => [r.id, r.outcome, r.decisive])).toEqual(
      e.proposals.map((p) => [p.id, p.outcome, p.decisive === null ? '' : String(p.decisive)]),
    )
    expect(rows.find((r) => r.kind === 'summary')).toMatchObject({ decided: String(e.decided), whales: '1' })
  })

  test('labels: the cex wallets vote as one voter; the excluded treasury leaves only the votes-cast Nakamoto', async () => {
    const entity = (v: string) => (f.labels.get(v)?.entity && !f.labels.get(v)?.exclude ? `entity:${f.labels.get(v)!.entity}` : v)
    const e = expectedFor(BRAVO, quorum, 1, entity)
    const [j, table] = await Promise.all([
      cli(['decisive', f.dao, '--db', f.db, '--rule', 'bravo', '--quorum', quorum.toString(), '--labels', f.labelsFile, '--format', 'json']),
      cli(['decisive', f.dao, '--db', f.db, '--rule', 'bravo', '--quorum', quorum.toString(), '--labels', f.labelsFile, '--proposal', '1']),
    ])
    const out = json(j)
    for (const [i, p] of out.proposals.entries()) {
      expect(p.decisive).toBe(e.proposals[i]!.decisive)
      expect(p.voters).toBe(e.proposals[i]!.voters)
      const cast = labelled(castWeights(f.votes, p.id), f.labels)
      expect(p.nakamoto).toBe(bruteNakamoto(cast.map((w) => w.weight), sum(cast)))
    }
    // Proposal 1 has voters 0..5: cex = addresses 0 and 1, treasury = address 2.
    const p1 = out.proposals[0]
    expect(p1.voters).toBe(5) // 6 addresses, two of them one entity
    expect(p1.labels.merged).toEqual([expect.objectContaining({ entity: 'cex', addresses: [...f.labels.keys()].slice(0, 2).sort() })])
    expect(p1.labels.excluded).toEqual([expect.objectContaining({ label: 'treasury' })])
    expect(out.labels).toMatchObject({ file: f.labelsFile, merged: [{ entity: 'cex' }], excluded: [{ label: 'treasury' }] })
    expect(table.stdout).toContain('merged entities (one voter each): cex = ')
    expect(table.stdout).toMatch(/Excluded from the votes-cast Nakamoto coefficient \(their votes still count in the tally\): 0x[0-9a-f]{40} \(treasury\)/)
  })
})

describe('decisive without a rule (imported votes)', () => {
  test('outcome assumed for > against with quorum 0, decisive null, left out of the share, and said', async () => {
    const { json: j, table } = await inFormats(['decisive', f.dao, '--db', f.db], ['json', 'table'])
    const out = json(j)
    expect(out).toMatchObject({ whaleDecidedShare: 0, decided: 0, whaleDecided: 0, assessed: 0, unassessed: 5 })
    for (const p of out.proposals) {
      const t = votersOf(rowsOf(p.id)).reduce((a, v) => ({ f: a.f + v.for, a: a.a + v.against }), { f: 0n, a: 0n })
      expect(p).toMatchObject({
        outcome: t.f > t.a ? 'passed' : 'defeated', quorum: '0', decisive: null, decisiveVoters: [], whaleDecided: false,
        assessed: false, rule: null, ruleFrom: null, quorumFrom: 'default-zero', assumption: expect.stringContaining('quorum 0'),
      })
    }
    expect(table.stdout).toContain('5 proposal(s) have no known counting rule or quorum')
    expect(table.stdout).toContain('(assumed)')
  })

  test('--proposal picks one; bad flags are usage errors', async () => {
    const [one, ...bad] = await cliAll([
      ['decisive', f.dao, '--db', f.db, '--proposal', '7', '--rule', 'oz-simple', '--format', 'json'],
      ['decisive', f.dao, '--db', f.db, '--quorum', '5'],
      ['decisive', f.dao, '--db', f.db, '--source', 'snapshot'],
      ['decisive', f.dao, '--db', f.db, '--rule', 'majority'],
      ['decisive', f.dao, '--db', f.db, '--whales', '-1'],
    ])
    const out = json(one!)
    expect(out.proposals.map((p: any) => p.id)).toEqual(['7'])
    expect(out.proposals[0]).toMatchObject({ quorum: '0', quorumFrom: 'default-zero', rule: 'oz-simple' })
    const messages = [/--quorum needs --rule/, /has no stored proposals from snapshot/, /--rule must be bravo, oz-simple/, /--whales must be a whole number/]
    for (const [i, run] of bad.entries()) {
      expect(run.code).toBe(2)
      expect(run.stdout).toBe('')
      expect(run.stderr).toMatch(messages[i]!)
    }
  })
})

describe('decisive, worked example with decimal weights', () => {
  test('a --quorum with more decimals than the votes is compared exactly (ceil in vote units)', async () => {
    const dir = tmpDir()
    const db = `${dir}/w.db`
    // Weights 10.5, 4.25, 0.5, 2 -> scale 2 -> A 1050 for, B 425 against, C 50 for, D 200 abstain.
    const file = writeCsv(`${dir}/v.csv`, 'proposal_id,voter,support,weight', [
      [5, addr(1), 'for', '10.5'],
      [5, addr(2), 'against', '4.25'],
      [5, addr(3), 'for', '0.5'],
      [5, addr(4), 'abstain', '2'],
    ])
    expect((await cli(['import', 'w', '--votes', file, '--db', db])).code).toBe(0)
    const [atQuorum, over] = (
      await cliAll([
        // oz-simple: for + abstain = 1050 + 50 + 200 = 1300; 12.995 -> ⌈1299.5⌉ = 1300 <= 1300: quorum reached.
        ['decisive', 'w', '--db', db, '--rule', 'oz-simple', '--quorum', '12.995', '--format', 'json'],
        // 13.001 -> ⌈1300.1⌉ = 1301 > 1300: quorum not reached.
        ['decisive', 'w', '--db', db, '--rule', 'oz-simple', '--quorum', '13.001', '--format', 'json'],
      ])
    ).map((r) => json(r).proposals[0])
    // Passed: for 1100 > against 425. Margin: removing A (1050 for) leaves 50 <= 425 -> 1 voter.
    // Quorum: removing D (200) leaves 1100 < 1300 -> also 1; the margin wins the tie.
    expect(atQuorum).toMatchObject({ outcome: 'passed', for: '1100', against: '425', abstain: '200', quorum: '1300', scale: 2, decisive: 1, decisiveVoters: [addr(1)], strategy: 'for-margin', whaleDecided: true })
    expect(over).toMatchObject({ outcome: 'quorum-failed', quorum: '1301', decisive: null, whaleDecided: false })
  })
})
