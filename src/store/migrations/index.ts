/**
 * Forward-only migrations; `PRAGMA user_version` is the number of the last one applied.
 * Append new steps, never edit a released one.
 */
import { v1 } from './v1.js'
import { v2 } from './v2.js'
import { v3 } from './v3.js'
import { v4 } from './v4.js'
import { v5 } from './v5.js'

export const MIGRATIONS: readonly string[] = [v1, v2, v3, v4, v5]
