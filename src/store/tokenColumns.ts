/**
 * How the token tables' byte columns (schema v5) meet JavaScript, which sees addresses as
 * lowercase 0x hex and amounts as 64 hex digits (amount.ts): the conversions happen in
 * SQL, where they are C loops, so rows and parameters keep their text shapes.
 */

/** SQL for an address column as lowercase `0x` text. */
export const addressText = (column: string): string => `'0x' || lower(hex(${column}))`

/** SQL for an amount column as 64 lowercase hex digits. */
export const amountText = (column: string): string => `lower(hex(${column}))`

/** SQL for a bound `0x` address (or hash) parameter, as stored. */
export const ADDRESS_PARAM = 'unhex(substr(?, 3))'

/** SQL for a bound parameter of bare hex digits (an address without `0x`, an amount), as stored. */
export const DIGITS_PARAM = 'unhex(?)'
