/** Reading a file the user named on the command line: a missing or unreadable one is a UsageError naming it. */
import crypto from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { UsageError } from '../errors.js'

export type InputFile = {
  /** As the user gave it (shown in messages and stored with imports). */
  path: string
  text: string
  /** sha256 of the bytes, hex: identifies the exact file an import came from. */
  sha256: string
}

export function readInputFile(file: string, flag: string): InputFile {
  let bytes: Buffer
  try {
    if (fs.statSync(file).isDirectory()) throw new UsageError(`${flag} ${file} is a folder; give a CSV file.`)
    bytes = fs.readFileSync(file)
  } catch (cause) {
    if (cause instanceof UsageError) throw cause
    const code = (cause as NodeJS.ErrnoException).code
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : (cause as Error).message
    throw new UsageError(`Cannot read ${flag} file ${path.normalize(file)}: ${why}.`, { cause })
  }
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch (cause) {
    throw new UsageError(`${flag} file ${file} is not UTF-8 text; save it as UTF-8 CSV.`, { cause })
  }
  return { path: file, text, sha256: crypto.createHash('sha256').update(bytes).digest('hex') }
}
