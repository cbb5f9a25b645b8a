import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { ceilScaled, formatScaled, parseDecimalAmount, scaleAmount } from '../../src/config/decimalAmount.js'
import { normalizeProposalId, parseHoldersCsv, parseVotesCsv } from '../../src/config/importCsv.js'
import { UsageError } from '../../src/errors.js'

const a = (i: number) => `0x${i.toString(16).padStart(40, '0')}`

describe('decimal amounts', () => {
  test('worked: "12.50" is 125 with 1 decimal; at scale 3 it is 12500; formatted back "12.500"', () => {
    const x = parseDecimalAmount('12.50')!
    expect(x).toEqual({ units: 125n, decimals: 1 })
    expect(scaleAmount(x, 3)).toBe(12500n)
    expect(formatScaled(12500n, 3)).toBe('12.500')
    expect(parseDecimalAmount('.5')).toEqual({ units: 5n, decimals: 1 })
    for (const bad of ['', '.', '-1', '1e3', '+2', '1.2.3', ' 1']) expect(parseDecimalAmount(bad)).toBeUndefined()
  })

  test('format(scale(parse(s))) round-trips any decimal exactly', () =>
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 40n }), fc.nat({ max: 30 }), fc.nat({ max: 5 }), (units, decimals, extra) => {
        const text = formatScaled(units, decimals)
        const parsed = parseDecimalAmount(text)!
        expect(formatScaled(scaleAmount(parsed, decimals + extra), decimals + extra)).toBe(formatScaled(units * 10n ** BigInt(extra), decimals + extra))
      }),
    ))

  test('x >= ceilScaled(q, s) exactly when x / 10^s >= q, for integer x', () =>
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.nat({ max: 8 }), fc.nat({ max: 8 }), (x, qUnits, qDec, s) => {
        const q = parseDecimalAmount(formatScaled(qUnits, qDec))!
        // x / 10^s >= q.units / 10^q.decimals  <=>  x · 10^q.decimals >= q.units · 10^s
        expect(x >= ceilScaled(q, s)).toBe(x * 10n ** BigInt(q.decimals) >= q.units * 10n ** BigInt(s))
      }),
    ))
})

describe('parseVotesCsv', () => {
  test('header optional, columns in any order, BOM and CRLF, words or numbers for support', () => {
    const withHeader = parseVotesCsv({ text: `\uFEFFweight,support,voter,proposal_id\r\n7,FOR,${a(1)},042\r\n3,0,${a(2)},42\r\n`, source: 'v.csv' })
    const without = parseVotesCsv({ text: `42,${a(1)},1,7\n42,${a(2)},against,3\n`, source: 'v.csv' })
    const noLines = (r: typeof without) => ({ ...r, rows: r.rows.map(({ line: _, ...x }) => x) })
    expect(noLines(withHeader)).toEqual(noLines(without))
    expect(withHeader.rows.map((r) => r.line)).toEqual([2, 3]) // the header is line 1
    expect(without).toEqual({
      scale: 0,
      proposals: ['42'],
      rows: [
        { line: 1, proposalId: '42', voter: a(1), support: 1, weight: 7n },
        { line: 2, proposalId: '42', voter: a(2), support: 0, weight: 3n },
      ],
    })
  })

  test('scale is the most significant decimals of the file; every weight scaled by it', () => {
    // 1.50 has 1 significant decimal, 0.125 has 3 -> scale 3: 1500, 125, 2000.
    const r = parseVotesCsv({ text: `p,${a(1)},for,1.50\np,${a(2)},for,0.125\np,${a(3)},abstain,2\n`, source: 'v' })
    expect(r.scale).toBe(3)
    expect(r.rows.map((x) => x.weight)).toEqual([1500n, 125n, 2000n])
  })

  test('a split vote (same voter, other support) is kept; the same support twice is a bad row', () => {
    expect(parseVotesCsv({ text: `1,${a(1)},for,1\n1,${a(1)},against,2\n`, source: 'v' }).rows).toHaveLength(2)
    expect(() => parseVotesCsv({ text: `1,${a(1)},for,1\n1,${a(1)},1,2\n`, source: 'v' })).toThrow(/line 2: .* already voted for on proposal 1 on line 1/)
  })

  test('weights beyond uint256 after scaling, unknown header columns, and spaces in ids are bad rows', () => {
    const max = ((1n << 256n) - 1n).toString()
    expect(() => parseVotesCsv({ text: `1,${a(1)},for,${max}\n1,${a(2)},for,0.5\n`, source: 'v' })).toThrow(/line 1: weight × 10\^1 does not fit in uint256/)
    expect(() => parseVotesCsv({ text: `proposal_id,voter,support,weight,title\n`, source: 'v' })).toThrow(/line 1: header .* unknown title/)
    expect(() => parseVotesCsv({ text: `a b,${a(1)},for,1\n`, source: 'v' })).toThrow(/proposal_id must be/)
    const e = (() => {
      try {
        parseHoldersCsv({ text: `address,weight\n${a(1)},x\n${a(1)},2\n${a(1)},3\n`, source: 'h.csv' })
      } catch (err) {
        return err
      }
    })()
    expect(e).toBeInstanceOf(UsageError)
    expect((e as UsageError).shortMessage).toBe(
      `h.csv has 2 bad rows; nothing was imported. Fix them and run the import again:\n  line 2: weight must be a non-negative number such as 1000 or 12.5; got "x"\n  line 4: ${a(1)} is already listed on line 3`,
    )
  })

  test('proposal ids: decimal canonical, hex lowercase, others as given', () => {
    expect(normalizeProposalId(' 0042 ')).toBe('42')
    expect(normalizeProposalId('0xABCdef')).toBe('0xabcdef')
    expect(normalizeProposalId('PIP-7')).toBe('PIP-7')
    expect(normalizeProposalId('')).toBeUndefined()
  })
})
