import { describe, expect, test } from 'vitest'
import { applyLabels, labelMap } from '../../src/analysis/labels.js'
import { parseLabelsCsv } from '../../src/config/labelsCsv.js'
import { nakamoto } from '../../src/analysis/nakamoto.js'
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

  test('no labels: lowercased, repeated addresses summed', () => {
    const r = applyLabels({ weights: [{ address: A('A'), weight: 1n }, { address: A('a'), weight: 2n }], labels: new Map() })
    expect(r).toMatchObject({ weights: [{ address: A('a'), weight: 3n }], excluded: [], merged: [], excludedWeight: 0n })
  })
})
