/** Errors keep their class, exit code, name and code across the worker boundary. */
import { describe, expect, test } from 'vitest'
import { SourceError, StoreError } from '../../src/errors.js'
import { RpcResponseError } from '../../src/sources/evm/rpc.js'
import { fromThreadError, toThreadError } from '../../src/sync/threadError.js'

/** As postMessage carries it: structured clone of the plain form. */
const roundTrip = (e: unknown) => fromThreadError(structuredClone(toThreadError(e)))

describe('threadError', () => {
  test('a GovauditError comes back as its class with message and details', () => {
    const back = roundTrip(new StoreError('disk full', { details: 'SQLITE_FULL' }))
    expect(back).toBeInstanceOf(StoreError)
    expect(back).toMatchObject({ name: 'StoreError', shortMessage: 'disk full', details: 'SQLITE_FULL', exitCode: 4 })
  })

  test('a subclass comes back as the class that carries its exit code, under its own name', () => {
    const back = roundTrip(new RpcResponseError('rpc', 'eth_getLogs', { code: -32005, message: 'too many' }, 200))
    expect(back).toBeInstanceOf(SourceError)
    expect(back).toMatchObject({ name: 'RpcResponseError', exitCode: 3 })
  })

  test("another error keeps its name and SQLite's code (the CLI maps SqliteError to exit 4)", () => {
    const sqlite = Object.assign(new Error('UNIQUE constraint failed: transfer.dao_id'), { name: 'SqliteError', code: 'SQLITE_CONSTRAINT_PRIMARYKEY' })
    expect(roundTrip(sqlite)).toMatchObject({ name: 'SqliteError', code: 'SQLITE_CONSTRAINT_PRIMARYKEY', message: sqlite.message })
    expect(roundTrip('just a string')).toMatchObject({ name: 'Error', message: 'just a string' })
  })
})
