import { describe, expect, test } from 'vitest'
import { isMissingStateError } from '../../src/verify/viewCalls.js'

describe('isMissingStateError: what nodes without a block\'s state answer', () => {
  test.each([
    ['geth (hash scheme)', 'missing trie node 5f3c0e2d9a4b7c81e6f0a3d2b9c4e7f1a8d3c6b9e2f5a8d1c4b7e0f3a6d9c2b5 (path ) <nil>'],
    ['geth (path scheme)', 'historical state not available in path scheme yet'],
    ['geth, block unknown to a pruned node', 'header not found'],
    ['reth', 'state at block #17000000 is pruned'],
    ['besu', 'World state unavailable for block 17000000'],
    ['infura', 'project ID does not have access to archive state'],
  ])('%s', (_, message) => expect(isMissingStateError(message)).toBe(true))

  test.each([['execution reverted'], ['invalid opcode: INVALID'], ['project ID request rate exceeded'], ['method not found']])('not: %s', (message) =>
    expect(isMissingStateError(message)).toBe(false),
  )
})
