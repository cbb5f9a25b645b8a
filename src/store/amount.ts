/**
 * uint256 amounts are stored as 64 lowercase hex digits (the token tables keep the same 32
 * bytes as a BLOB, schema v5, and hand them to JavaScript in this form: tokenColumns.ts):
 * exact, and fixed width so that SQLite's ordering is numeric ordering (ORDER BY votes
 * DESC is correct). Only this module converts between that form and bigint.
 */
import { StoreError } from '../errors.js'

const MAX_UINT256 = (1n << 256n) - 1n

export function toWord(value: bigint): string {
  if (value < 0n || value > MAX_UINT256) throw new StoreError(`Amount ${value} does not fit in uint256.`)
  return value.toString(16).padStart(64, '0')
}

export function fromWord(word: string): bigint {
  const damaged = () => new StoreError(`Stored amount "${word}" is not 64 hex digits: the database is damaged.`)
  if (word.length !== 64) throw damaged()
  try {
    return BigInt(`0x${word}`)
  } catch {
    throw damaged() // a non-hex digit
  }
}
