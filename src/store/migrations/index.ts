/**
 * Forward-only migrations; `PRAGMA user_version` is the number of the last one applied.
 * Append new steps, never edit a released one.
 */
import { v1 } from './v1.js'

export const MIGRATIONS: readonly string[] = [v1]
