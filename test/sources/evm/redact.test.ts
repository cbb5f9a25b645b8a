import { describe, expect, test } from 'vitest'
import { redact, registerSecret } from '../../../src/sources/evm/redact.js'

describe('redact', () => {
  test('a URL carrying a key is hidden wherever it appears, its parts too', () => {
    const key = 'k3yk3yk3yk3yk3yk3y'
    registerSecret(`https://eth.example.org/v2/${key}`)
    expect(redact(`failed: https://eth.example.org/v2/${key} (key ${key})`)).toBe('failed: <redacted> (key <redacted>)')
  })

  test('a URL with nothing secret stays readable, so the RPC label is not "<redacted>"', () => {
    registerSecret('http://127.0.0.1:8545')
    registerSecret('http://localhost:9545/')
    expect(redact('Verifying dao against http://127.0.0.1:8545')).toBe('Verifying dao against http://127.0.0.1:8545')
    expect(redact('RPC http://localhost:9545 is unreachable')).toBe('RPC http://localhost:9545 is unreachable')
  })

  test('user:password@ is a secret', () => {
    registerSecret('https://alice:s3cretpass@node.example.org')
    expect(redact('RPC https://alice:s3cretpass@node.example.org failed; s3cretpass')).toBe('RPC <redacted> failed; <redacted>')
  })
})
