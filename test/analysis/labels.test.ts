import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import { entriesOf } from '../../src/analysis/population.js'
import { applyLabels, labelMap } from '../../src/analysis/labels.js'
import { parseLabelsCsv } from '../../src/config/labelsCsv.js'
import { nakamoto } from '../../src/analysis/nakamoto.js'
import { concentration } from '../../src/analysis/concentration.js'
import { byWeightDesc } from '../../src/analysis/weights.js'
import { UsageError } from '../../src/errors.js'

const A = (c: string) => `0x${c.repeat(40)}`

describe('parseLabelsCsv', () => {
  test('header, comments, blank lines, quoted fields, exclude spellings; addresses lowercased', () => {
    const text = [
      'address,label,entity,exclude',
      '# exchanges',
      `${A('A')},"Coinbase, hot 1",Coinbase`,
      '',
      `${A('b')},Coinbase 2,Coinbase,no`,
      `${A('c')},"Treasury ""main""",,true`,
      `${A('d')},Timelock,,X`,
      `  ${A('e')} , Alice `,
    ].join('\r\n')
    expect(parseLabelsCsv({ text })).toEqual([
      { address: A('a'), label: 'Coinbase, hot 1', entity: 'Coinbase', line: 3 },
      { address: A('b'), label: 'Coinbase 2', entity: 'Coinbase', line: 5 },
      { address: A('c'), label: 'Treasury "main"', exclude: true, line: 6 },
      { address: A('d'), label: 'Timelock', exclude: true, line: 7 },
      { address: A('e'), label: 'Alice', line: 8 },
    ])
  })

  test.each([
    [`${A('a')},x\n0x123,y`, 'labels.csv line 2: address must be 0x followed by 40 hex digits; got "0x123"'],
    [`${A('a')},`, `labels.csv line 1: label of ${A('a')} is empty`],
    [`${A('a')},x,,maybe`, 'labels.csv line 1: exclude must be true or false; got "maybe"'],
    [`${A('a')},x,e,true,extra`, 'labels.csv line 1: expected address,label[,entity][,exclude]; got 5 fields'],
    [`${A('a')},"x`, 'labels.csv line 1: unclosed double quote'],
    [`${A('a')},x\n\n${A('A')},y`, `labels.csv line 3: ${A('a')} is already labelled on line 1`],
  ])('%j -> %s', (text, message) => {
    expect(() => parseLabelsCsv({ text, source: 'labels.csv' })).toThrow(UsageError)
    expect(() => parseLabelsCsv({ text, source: 'labels.csv' })).toThrow(message)
  })
})

describe('applyLabels', () => {
  const rows = parseLabelsCsv({
    text: [`${A('a')},Coinbase 1,Coinbase`, `${A('b')},Coinbase 2,Coinbase`, `${A('c')},Treasury,,true`, `${A('e')},Alice`].join('\n'),
  })
  const weights = [
    { address: A('A'), weight: 30n },
    { address: A('b'), weight: 25n },
    { address: A('c'), weight: 400n },
    { address: A('e'), weight: 40n },
    { address: A('f'), weight: 5n },
  ]

  test('merges entities, excludes, names, and states all of it', () => {
    const r = applyLabels({ weights, labels: labelMap(rows) })
    expect(r.weights).toEqual([
      { address: 'entity:Coinbase', weight: 55n },
      { address: A('e'), weight: 40n },
      { address: A('f'), weight: 5n },
    ])
    expect(r.excluded).toEqual([{ address: A('c'), label: 'Treasury', weight: 400n }])
    expect(r.excludedWeight).toBe(400n)
    expect(r.merged).toEqual([{ entity: 'Coinbase', address: 'entity:Coinbase', addresses: [A('a'), A('b')], weight: 55n }])
    expect(r.names.get('entity:Coinbase')).toBe('Coinbase')
    expect(r.names.get(A('e'))).toBe('Alice')
    // Worked: without labels the treasury alone is a majority (400·2 > 500); with them,
    // Coinbase 55 of 100: 110 > 100 -> 1.
    expect(nakamoto({ weights }).k).toBe(1)
    expect(nakamoto({ weights: r.weights })).toMatchObject({ k: 1, total: 100n })
  })

  test('without labels: the input array itself, and every measure as without applyLabels', () =>
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat({ max: 0xfff }), { maxLength: 40 }), fc.array(fc.bigInt({ min: 0n, max: 2n ** 100n }), { minLength: 40, maxLength: 40 }), (ids, amounts) => {
        const ws = ids.map((id, i) => ({ address: `0x${id.toString(16).padStart(40, '0')}`, weight: amounts[i]! }))
        const none = applyLabels({ weights: ws, labels: new Map() })
        expect(none.weights).toBe(ws)
        expect(none).toMatchObject({ excluded: [], merged: [], excludedWeight: 0n, names: new Map() })
        // The labelled path with a label nobody holds must measure the same.
        const unused = applyLabels({ weights: ws, labels: labelMap(parseLabelsCsv({ text: `${A('9')},Nobody,Nobody,true` })) })
        expect(unused.weights).toEqual(ws)
        expect(nakamoto({ weights: none.weights })).toEqual(nakamoto({ weights: unused.weights }))
        expect(concentration({ weights: none.weights })).toEqual(concentration({ weights: unused.weights }))
      }),
      { numRuns: 50 },
    ))

  test('labelled: equals a plain merge-and-exclude over the input, whatever the order', () =>
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...'0123456789abcdef'), { minLength: 1, maxLength: 16 }),
        fc.array(fc.record({ entity: fc.option(fc.constantFrom('X', 'Y', 'x')), exclude: fc.boolean(), named: fc.boolean() }), { minLength: 16, maxLength: 16 }),
        fc.array(fc.bigInt({ min: 0n, max: 2n ** 80n }), { minLength: 16, maxLength: 16 }),
        (digits, kinds, amounts) => {
          const csv = digits.flatMap((d, i) => {
            const k = kinds[i]!
            return k.entity === null && !k.exclude && !k.named ? [] : [`${A(d)},L${d},${k.entity ?? ''},${k.exclude}`]
          })
          const map = labelMap(parseLabelsCsv({ text: csv.join('\n') }))
          const ws = digits.map((d, i) => ({ address: i % 3 === 0 ? A(d.toUpperCase()) : A(d), weight: amounts[i]! }))
          const r = applyLabels({ weights: ws, labels: map })
          const expected = new Map<string, bigint>()
          const excluded = new Map<string, bigint>()
          for (const w of ws) {
            const address = w.address.toLowerCase()
            const label = map.get(address)
            if (label?.exclude) excluded.set(address, w.weight)
            else {
              // Unlabelled entries pass through as given; labelled ones come out lowercase.
              const key = label?.entity !== undefined ? `entity:${label.entity}` : label ? address : w.address
              expected.set(key, (expected.get(key) ?? 0n) + w.weight)
            }
          }
          const sorted = (xs: readonly { address: string; weight: bigint }[]) => [...xs].sort(byWeightDesc)
          expect(sorted(entriesOf(r.weights))).toEqual(sorted([...expected].map(([address, weight]) => ({ address, weight }))))
          expect(r.excluded.map((e) => [e.address, e.weight])).toEqual(sorted([...excluded].map(([address, weight]) => ({ address, weight }))).map((e) => [e.address, e.weight]))
          expect(r.excludedWeight).toBe([...excluded.values()].reduce((a, b) => a + b, 0n))
          for (const m of r.merged) expect(m.weight).toBe(expected.get(m.address))
          for (const w of entriesOf(r.weights)) if (map.get(w.address)) expect(r.names.get(w.address)).toBe(map.get(w.address)!.label)
        },
      ),
      { numRuns: 100 },
    ))
})
