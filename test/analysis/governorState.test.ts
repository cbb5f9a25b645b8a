import { describe, expect, test } from 'vitest'
import { governorState, statesAgree, type GovernorStateParameters } from '../../src/analysis/governorState.js'
import { rules } from '../../src/analysis/rules/index.js'

const base: GovernorStateParameters = {
  rule: rules.ozSimple,
  tally: { for: 60n, against: 40n, abstain: 0n },
  quorum: 50n,
  now: 100,
  voteStart: 10,
  deadline: 20,
  canceled: false,
  queued: false,
  executed: false,
}
const at = (p: Partial<GovernorStateParameters>) => governorState({ ...base, ...p })

describe('governorState', () => {
  test('timing: pending while now <= voteStart, active while now <= deadline (inclusive)', () => {
    expect(at({ now: 10 })).toMatchObject({ state: 'pending', outcome: 'pending' })
    expect(at({ now: 11 })).toMatchObject({ state: 'active', outcome: 'active' })
    expect(at({ now: 20 })).toMatchObject({ state: 'active', outcome: 'active' })
    expect(at({ now: 21 })).toMatchObject({ state: 'succeeded', outcome: 'passed' })
  })

  test('the counting rule decides: ties and quorum edges', () => {
    expect(at({ tally: { for: 40n, against: 40n, abstain: 100n } })).toMatchObject({ state: 'defeated', outcome: 'defeated' })
    expect(at({ tally: { for: 30n, against: 0n, abstain: 20n } })).toMatchObject({ state: 'succeeded', outcome: 'passed' }) // for + abstain = quorum
    expect(at({ rule: rules.bravo, tally: { for: 30n, against: 0n, abstain: 20n } })).toMatchObject({ state: 'defeated', outcome: 'quorum-failed' })
    expect(at({ rule: rules.bravo, tally: { for: 50n, against: 49n, abstain: 0n } })).toMatchObject({ outcome: 'passed' }) // for = quorum
  })

  test('lifecycle: executed over canceled over timing; queued only after passing', () => {
    expect(at({ executed: true, queued: true })).toMatchObject({ state: 'executed', outcome: 'passed', contradiction: null })
    expect(at({ canceled: true, now: 5 })).toMatchObject({ state: 'canceled', outcome: 'canceled' })
    expect(at({ queued: true })).toMatchObject({ state: 'queued', outcome: 'passed' })
    expect(at({ queued: true, tally: { for: 10n, against: 60n, abstain: 50n } })).toMatchObject({
      state: 'defeated',
      contradiction: 'queued although the indexed votes say defeated',
    })
    expect(at({ executed: true, now: 15 }).contradiction).toMatch(/before its voting ended/)
  })

  test('an ended proposal with an unknown quorum has no derived state', () => {
    expect(at({ quorum: null })).toMatchObject({ state: null, outcome: null })
    expect(at({ quorum: null, now: 15 })).toMatchObject({ state: 'active' })
  })

  test('statesAgree accepts Bravo expired for queued only', () => {
    expect(statesAgree('queued', 'expired')).toBe(true)
    expect(statesAgree('succeeded', 'expired')).toBe(false)
    expect(statesAgree('defeated', 'defeated')).toBe(true)
  })
})
