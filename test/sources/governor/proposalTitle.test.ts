import { describe, expect, test } from 'vitest'
import { proposalTitle } from '../../../src/sources/governor/proposalTitle.js'

describe('proposalTitle', () => {
  test.each([
    ['# Upgrade the oracle\n\nBody', 'Upgrade the oracle'],
    ['## Second level ##\ntext', 'Second level'],
    ['Intro paragraph\n\n# The heading\n', 'The heading'],
    ['   \n\nFirst line wins\nsecond', 'First line wins'],
    ['#NoSpaceIsNotAHeading\nnext', '#NoSpaceIsNotAHeading'],
    ['Title\r\n====\r\nbody', 'Title'],
    ['#   \n# Real\n', 'Real'],
    ['', ''],
  ])('%j -> %j', (description, title) => {
    expect(proposalTitle(description)).toBe(title)
  })

  test('long titles are cut to 200 characters', () => {
    const t = proposalTitle(`# ${'a'.repeat(300)}`)
    expect(t.length).toBe(200)
    expect(t.endsWith('…')).toBe(true)
  })
})
