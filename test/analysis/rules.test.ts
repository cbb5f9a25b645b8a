import { describe, expect, test } from 'vitest'
import { ruleFor, rules } from '../../src/analysis/rules/index.js'
import { UsageError } from '../../src/errors.js'

describe('rules', () => {
  const t = (f: bigint, a: bigint, ab: bigint) => ({ for: f, against: a, abstain: ab })

  test('bravo: for > against && for >= quorumVotes; abstain never counts', () => {
    expect(rules.bravo.voteSucceeded(t(10n, 10n, 0n))).toBe(false) // tie defeated
    expect(rules.bravo.voteSucceeded(t(11n, 10n, 0n))).toBe(true)
    expect(rules.bravo.quorumReached(t(10n, 0n, 0n), 10n)).toBe(true) // exactly at quorum
    expect(rules.bravo.quorumReached(t(9n, 0n, 100n), 10n)).toBe(false)
  })

  test('oz-simple: quorum <= for + abstain; against never counts', () => {
    expect(rules.ozSimple.quorumReached(t(4n, 100n, 6n), 10n)).toBe(true)
    expect(rules.ozSimple.quorumReached(t(4n, 100n, 5n), 10n)).toBe(false)
    expect(rules.ozSimple.voteSucceeded(t(5n, 5n, 100n))).toBe(false)
  })

  test('oz-bravo-quorum: only for counts toward quorum', () => {
    expect(rules.ozBravoQuorum.quorumReached(t(9n, 0n, 100n), 10n)).toBe(false)
    expect(rules.ozBravoQuorum.quorumSupports).toEqual(['for'])
  })

  test.each([
    ['support=bravo&quorum=for,abstain', 'oz-simple'],
    ['support=bravo&quorum=abstain,for', 'oz-simple'],
    ['support=bravo,fractional&quorum=for,abstain&params=fractional', 'oz-simple'],
    ['support=bravo,override&quorum=for,abstain&overridable=true', 'oz-simple'],
    ['support=bravo&quorum=bravo', 'oz-bravo-quorum'],
    ['support=bravo&quorum=for', 'oz-bravo-quorum'],
    ['bravo', 'bravo'],
    ['Alpha', 'bravo'],
    ['governor-bravo', 'bravo'],
    ['oz-simple', 'oz-simple'],
  ])('ruleFor(%j) -> %s', (name, id) => {
    expect(ruleFor(name).id).toBe(id)
  })

  test.each(['oz', 'support=approval&quorum=for', 'quorum=for,abstain', 'whatever'])('ruleFor(%j) refuses to guess', (name) => {
    expect(() => ruleFor(name)).toThrow(UsageError)
  })
})
