/**
 * Running the BUILT CLI as a child process (`node bin/govaudit.js ...`), as a user would:
 * `npm test` builds dist/ first. Also temp dirs, CSV writing/reading and file checksums.
 */
import { execFile } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { mulberry32 } from '../../src/analysis/mulberry32.js'

export const ROOT = path.resolve(import.meta.dirname, '../..')
const BIN = path.join(ROOT, 'bin/govaudit.js')

if (!fs.existsSync(path.join(ROOT, 'dist/cli/main.js')))
  throw new Error('dist/ is missing: run `npm run build` before these tests (npm test does).')

export type CliRun = { code: number; stdout: string; stderr: string }

/** Run govaudit with `args`; never rejects. Env without GOVAUDIT_* so only the flags (and `extraEnv`) count. */
export function cli(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' }
  delete env.GOVAUDIT_DB
  delete env.GOVAUDIT_RPC_URL
  Object.assign(env, extraEnv)
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: ROOT, env, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0
      resolve({ code, stdout, stderr })
    })
  })
}

/** stdout parsed as JSON (throws with stderr attached when it is not). */
export function json<T = any>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T
  } catch (e) {
    throw new Error(`stdout is not JSON (exit ${run.code}): ${run.stdout}\nstderr: ${run.stderr}`, { cause: e })
  }
}

const made: string[] = []

/** Remove every temp dir made so far (each test file calls it in afterAll). */
export function removeTmpDirs(): void {
  for (const d of made.splice(0)) fs.rmSync(d, { recursive: true, force: true })
}

/** A fresh temp dir, removed by removeTmpDirs. */
export function tmpDir(prefix = 'govaudit-cli-'): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix))
  made.push(d)
  return d
}

export function writeCsv(file: string, header: string, rows: readonly (readonly (string | number | bigint)[])[]): string {
  fs.writeFileSync(file, [header, ...rows.map((r) => r.join(','))].join('\n') + '\n')
  return file
}

export function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex')
}

/** Parse our CSV output (header + rows; quoted fields allowed) into records. */
export function parseCsv(text: string): Record<string, string>[] {
  const lines = text.trimEnd().split('\n')
  const split = (line: string): string[] => {
    const out: string[] = []
    let f = ''
    let q = false
    for (let i = 0; i < line.length; i++) {
      const c = line[i]!
      if (q) {
        if (c === '"' && line[i + 1] === '"') (f += '"'), i++
        else if (c === '"') q = false
        else f += c
      } else if (c === '"') q = true
      else if (c === ',') out.push(f), (f = '')
      else f += c
    }
    out.push(f)
    return out
  }
  const header = split(lines[0]!)
  return lines.slice(1).map((l) => Object.fromEntries(split(l).map((v, i) => [header[i]!, v])))
}

/** A deterministic address for holder i (lowercase, so no checksum needed). */
export const addr = (i: number): string => `0x${(0xa0000 + i).toString(16).padStart(40, '0')}`

/** mulberry32 seeded integers in [0, n) for fixtures. */
export function prng(seed: number): (n: number) => number {
  const next = mulberry32(seed)
  return (n) => next() % n
}

/** Run the same command in several formats at once: { json, table, ... }. */
export async function inFormats<F extends string>(args: readonly string[], formats: readonly F[]): Promise<Record<F, CliRun>> {
  const runs = await Promise.all(formats.map((format) => cli([...args, '--format', format])))
  return Object.fromEntries(formats.map((format, i) => [format, runs[i]!])) as Record<F, CliRun>
}

/** Run several argument lists at once. */
export const cliAll = (argLists: readonly (readonly string[])[]): Promise<CliRun[]> => Promise.all(argLists.map((a) => cli(a)))
