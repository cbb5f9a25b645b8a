/**
 * Parsers for command-line values. Each throws a UsageError whose one sentence names the
 * flag, what it accepts and what it got; commander calls them while parsing.
 */
import { getAddress } from 'ethers/address'
import { UsageError } from '../errors.js'

/** A 0x address; mixed case must carry a valid EIP-55 checksum. Returned lowercase. */
export function parseAddress(flag: string) {
  return (value: string): string => {
    if (!/^0x[0-9a-fA-F]{40}$/.test(value)) throw new UsageError(`${flag} must be a 0x-prefixed 20-byte hex address; got "${value}".`)
    try {
      return getAddress(value).toLowerCase()
    } catch {
      throw new UsageError(`${flag} ${value} has an invalid EIP-55 checksum; check the address (or write it all lowercase).`)
    }
  }
}

export function parseNonNegativeInt(flag: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number >= 0; got "${value}".`)
    const n = Number(value)
    if (!Number.isSafeInteger(n)) throw new UsageError(`${flag} is too large; got ${value}.`)
    return n
  }
}

export function parsePositiveInt(flag: string, max = Number.MAX_SAFE_INTEGER) {
  return (value: string): number => {
    const n = parseNonNegativeInt(flag)(value)
    if (n < 1 || n > max) throw new UsageError(`${flag} must be between 1 and ${max}; got ${value}.`)
    return n
  }
}

/** Blocks `index` and `scan` stay behind the head unless told otherwise: deep enough to be settled. */
export const DEFAULT_CONFIRMATIONS = 12

/** A block count, or "finalized" to follow the chain's finalized tag. */
export function parseConfirmations(value: string): number | 'finalized' {
  if (value === 'finalized') return 'finalized'
  return parseNonNegativeInt('--confirmations')(value)
}

/** DAO names appear in commands and file names: keep them simple. */
/**
 * A Snapshot space id: an ENS name (uniswapgovernance.eth) or a Snapshot X id (s:0x...).
 * Checked before the RPC or the hub is asked, so a typo costs no network round-trip.
 */
export function parseSnapshotSpace(value: string): string {
  if (!/^[a-z0-9][a-z0-9.:_-]{0,63}$/i.test(value))
    throw new UsageError(`--snapshot must be a Snapshot space id such as uniswapgovernance.eth (letters, digits, ".", ":", "_", "-"); got "${value}".`)
  return value
}

export function parseDaoName(value: string): string {
  if (!/^[a-z0-9][a-z0-9_.-]{0,63}$/i.test(value))
    throw new UsageError(`--name must be 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit; got "${value}".`)
  return value.toLowerCase()
}
