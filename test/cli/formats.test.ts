/**
 * Every command in every --format its --help lists, on one prepared database: stdout parses
 * (JSON.parse for json, a CSV header and rows of the same width for csv, pipe tables for
 * markdown), carries no ANSI escapes, and stderr holds no data. The commands and their
 * formats are read from the built CLI's own --help, so a new command or format without an
 * invocation here fails the test.
 */
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { cli, parseCsv, removeTmpDirs, sha256, tmpDir, type CliRun } from './harness.js'
import { preparedDb, type PreparedDb } from './preparedDb.js'

/** `only`: run in just these of the command's formats (default: every one its --help lists). */
type Invocation = { args: string[]; code?: 0 | 1; only?: string[] }

/** How to run each command that has --format (besides the flag itself); `p` is the prepared database. */
const INVOCATIONS: Record<string, (p: PreparedDb) => Invocation[]> = {
  list: (p) => [{ args: ['list', '--db', p.db] }],
  presets: () => [{ args: ['presets'] }],
  nakamoto: (p) => [
    { args: ['nakamoto', 'demo', '--db', p.db] },
    { args: ['nakamoto', 'csvdao', '--labels', p.labelsFile, '--db', p.db], only: ['csv'] },
    { args: ['nakamoto', 'demo', '--proposal', p.governorProposal, '--db', p.db], only: ['markdown'] },
  ],
  concentration: (p) => [
    { args: ['concentration', 'demo', '--basis', 'balance', '--db', p.db] },
    { args: ['concentration', 'csvdao', '--db', p.db], only: ['json'] },
  ],
  decisive: (p) => [
    { args: ['decisive', 'demo', '--db', p.db] },
    { args: ['decisive', 'csvdao', '--rule', 'bravo', '--labels', p.labelsFile, '--db', p.db], only: ['csv'] },
  ],
  proposals: (p) => [
    { args: ['proposals', 'demo', '--db', p.db] },
    { args: ['proposals', 'demo', '--source', 'snapshot', '--db', p.db], only: ['json', 'csv', 'markdown'] },
  ],
  votes: (p) => [
    { args: ['votes', 'demo', '--proposal', p.governorProposal, '--db', p.db] },
    { args: ['votes', 'demo', '--source', 'snapshot', '--proposal', p.snapshotProposal, '--db', p.db], only: ['json', 'csv', 'markdown'] },
  ],
  check: (p) => [
    { args: ['check', 'demo', '--min-nakamoto', '1', '--db', p.db] },
    { args: ['check', 'demo', '--min-nakamoto', '1000', '--db', p.db], code: 1, only: ['table', 'json'] },
  ],
  delegations: (p) => [{ args: ['delegations', 'demo', '--snapshot', '--db', p.db] }],
  report: (p) => [
    { args: ['report', 'demo', '--db', p.db] },
    { args: ['report', 'csvdao', '--db', p.db], only: ['json'] },
  ],
  verify: (p) => [{ args: ['verify', 'demo', '--rpc', p.rpc, '--sample', '2', '--seed', '7', '--db', p.db] }],
  rebuild: (p) => [
    { args: ['rebuild', 'demo', '--check', '--db', p.db] },
    { args: ['rebuild', 'csvdao', '--db', p.db], only: ['json'] },
  ],
  scan: (p) => [{ args: ['scan', scanConfig(p)] }],
  // A fresh database per run (the demo refuses to overwrite one); its json is test/e2e/demo.test.ts's.
  demo: () => [{ args: ['demo', '--db', path.join(tmpDir(), 'demo.db')], only: ['table', 'markdown'] }],
}

/** A scan of the prepared chain's DAO into a fresh folder (each call: its own databases). */
function scanConfig(p: PreparedDb): string {
  const file = path.join(tmpDir('govaudit-scan-'), 'scan.json')
  const daos = [{ name: 'demo', token: p.token, governors: [{ address: p.governor }] }]
  fs.writeFileSync(file, JSON.stringify({ rpc: p.rpc, dbDir: '.', defaults: { confirmations: 0 }, daos }))
  return file
}

/** Command names from `govaudit --help` (all but `help`). */
const commandsOf = (help: string): string[] =>
  [...(help.split(/\nCommands:\n/)[1]?.split(/\n\n/)[0] ?? '').matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help')

/** The formats a command's --help lists for --format (the option's description, wrapped or not). */
function formatsOf(help: string): string[] {
  const at = help.indexOf('--format <format>')
  if (at < 0) return []
  const block = help.slice(at).split(/\n(?= {2}-)|\n\n/)[0]!
  return [...new Set(block.match(/\b(table|json|csv|markdown)\b/g) ?? [])]
}

const ANSI = /\x1b\[/

/** One CSV block: a header and at least one row, every row as wide as the header. */
function expectCsv(block: string, what: string): void {
  const header = block.split('\n')[0]!
  expect(header, what).toMatch(/^[A-Za-z][\w ]*(,[A-Za-z][\w ]*)+$/)
  const rows = parseCsv(block)
  expect(rows.length, what).toBeGreaterThan(0)
  const width = header.split(',').length
  for (const row of rows) expect(Object.keys(row), `${what}: ${JSON.stringify(row)}`).toHaveLength(width)
}

/** Pipe tables: a header row, a --- separator, and body rows with as many cells. */
function expectMarkdown(text: string, what: string): void {
  const cells = (line: string) => line.replace(/\\\|/g, '').split('|').length
  const lines = text.split('\n')
  const separators = lines.flatMap((l, i) => (/^\|( *:?-{3,}:? *\|)+$/.test(l) ? [i] : []))
  expect(separators.length, `${what}: no markdown table`).toBeGreaterThan(0)
  for (const i of separators) {
    const header = lines[i - 1]!
    expect(header, what).toMatch(/^\|.*\|$/)
    const width = cells(header)
    expect(cells(lines[i]!), what).toBe(width)
    for (let j = i + 1; j < lines.length && lines[j]!.startsWith('|'); j++) expect(cells(lines[j]!), `${what}: ${lines[j]}`).toBe(width)
  }
}

function expectParses(format: string, run: CliRun, what: string): void {
  expect(run.stdout.length, `${what}: empty stdout; stderr: ${run.stderr}`).toBeGreaterThan(0)
  expect(run.stdout + run.stderr, what).not.toMatch(ANSI)
  if (format === 'json') expect(() => JSON.parse(run.stdout), what).not.toThrow()
  else if (format === 'csv') for (const block of run.stdout.trim().split(/\n\n+/)) expectCsv(block, what)
  else if (format === 'markdown') expectMarkdown(run.stdout, what)
  else expect(() => JSON.parse(run.stdout), `${what}: a table, not JSON`).toThrow()
}

let prepared: PreparedDb
let commands: { name: string; formats: string[] }[]

beforeAll(async () => {
  prepared = await preparedDb()
  const root = await cli(['--help'])
  const names = commandsOf(root.stdout)
  const helps = await Promise.all(names.map((name) => cli([name, '--help'])))
  commands = names.map((name, i) => ({ name, formats: formatsOf(helps[i]!.stdout) }))
}, 120_000)

afterAll(async () => {
  await prepared?.stop()
  removeTmpDirs()
})

describe('every command in every --format', () => {
  test('every command with --format has invocations here; index and import print no data', () => {
    expect(commands.map((c) => c.name)).toEqual(expect.arrayContaining(['index', 'import', 'list', 'nakamoto', 'check']))
    for (const { name, formats } of commands) if (formats.length > 0) expect(INVOCATIONS[name], `no invocation for ${name}`).toBeDefined()
    for (const writer of ['index', 'import']) expect(commands.find((c) => c.name === writer)!.formats, writer).toEqual([])
    // Every command offers JSON; the four-format commands keep all four.
    for (const { name, formats } of commands.filter((c) => c.formats.length > 0)) expect(formats, name).toContain('json')
    expect(commands.find((c) => c.name === 'nakamoto')!.formats).toEqual(['table', 'json', 'csv', 'markdown'])
  })

  test('stdout parses in each format, with the documented exit code and a database unchanged', async () => {
    const before = sha256(prepared.db)
    const runs = commands.flatMap(({ name, formats }) =>
      formats.flatMap((format) =>
        (INVOCATIONS[name]?.(prepared) ?? [])
          .filter((inv) => inv.only === undefined || inv.only.includes(format))
          .map((inv) => ({ format, inv, what: `${inv.args.join(' ')} --format ${format}` })),
      ),
    )
    expect(runs.length).toBeGreaterThan(40)
    // A small pool: the machine is shared.
    const results: CliRun[] = []
    for (let i = 0; i < runs.length; i += 6) results.push(...(await Promise.all(runs.slice(i, i + 6).map((r) => cli([...r.inv.args, '--format', r.format])))))
    for (const [i, { format, inv, what }] of runs.entries()) {
      const run = results[i]!
      expect(run.code, `${what}: ${run.stderr}`).toBe(inv.code ?? 0)
      expect(run.stderr, what).not.toMatch(/^govaudit: (?!warning)/m)
      expectParses(format, run, what)
    }
    expect(sha256(prepared.db)).toBe(before)
  }, 240_000)

  test('--quiet leaves stderr empty on success and stdout unchanged; progress never reaches stdout', async () => {
    /** Commands that print summaries or progress; writers get their own database each run. */
    const copy = () => {
      const file = path.join(tmpDir(), 'copy.db')
      fs.copyFileSync(prepared.db, file)
      return file
    }
    const argLists = () =>
      [
        ['nakamoto', 'demo', '--db', prepared.db, '--format', 'json'],
        ['report', 'demo', '--db', prepared.db, '--format', 'json'],
        ['verify', 'demo', '--rpc', prepared.rpc, '--sample', '2', '--seed', '7', '--db', prepared.db, '--format', 'json'],
        ['scan', scanConfig(prepared), '--format', 'json'],
        ['index', '--rpc', prepared.rpc, '--name', 'demo', '--confirmations', '0', '--db', copy()],
        ['import', 'quietdao', '--votes', prepared.votesFile, '--db', path.join(tmpDir(), 'q.db')],
      ].filter((a) => commands.some((c) => c.name === a[0]))
    const [loudArgs, quietArgs] = [argLists(), argLists()]
    const [loud, quiet] = await Promise.all([Promise.all(loudArgs.map((a) => cli(a))), Promise.all(quietArgs.map((a) => cli(['--quiet', ...a])))])
    for (const [i, l] of loud.entries()) {
      const what = loudArgs[i]![0]!
      expect(l.code, `${what}: ${l.stderr}`).toBe(0)
      expect(quiet[i], what).toMatchObject({ code: 0, stderr: '' })
      if (what === 'index' || what === 'import') {
        // Writers print nothing on stdout, only their summary on stderr.
        expect(l.stdout, what).toBe('')
        expect(l.stderr.length, what).toBeGreaterThan(0)
      } else {
        // JSON on stdout whatever stderr carried: no progress or summary leaked into it.
        expect(() => JSON.parse(l.stdout), what).not.toThrow()
        if (what !== 'scan') expect(quiet[i]!.stdout, what).toBe(l.stdout)
      }
    }
  }, 120_000)
})
