/**
 * The CLI's manners, on the built binary as a child process: every command's --help has
 * examples, --version is package.json's, usage errors are one line on stderr with nothing
 * on stdout (exit 2), --quiet silences summaries, errors are one sentence without a stack
 * unless --verbose, no colour codes in captured output, no spinner off a TTY.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest'
import { createContext } from '../../src/cli/context.js'
import { addr, cli, cliAll, removeTmpDirs, ROOT, tmpDir, writeCsv, type CliRun } from './harness.js'

afterAll(removeTmpDirs)

const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version

/** Command names from `govaudit --help`'s Commands section (all registered commands but `help`). */
function commandsOf(help: string): string[] {
  const section = help.split(/\nCommands:\n/)[1]?.split(/\n\n/)[0] ?? ''
  return [...section.matchAll(/^ {2}([a-z][a-z-]*)\b/gm)].map((m) => m[1]!).filter((c) => c !== 'help')
}

/** Each command's summary in `govaudit --help` (wrapped lines joined), by name. */
function summariesOf(help: string): [string, string][] {
  const section = help.split(/\nCommands:\n/)[1]?.split(/\n\n/)[0] ?? ''
  return section
    .split(/\n(?= {2}[a-z])/)
    .map((entry) => entry.replace(/\s*\n\s*/g, ' ').match(/^ {2}([a-z][a-z-]*)\b.*? {2,}(.*)$/))
    .flatMap((m) => (m && m[1] !== 'help' ? [[m[1]!, m[2]!.trim()] as [string, string]] : []))
}

const oneLine = (run: CliRun) => {
  expect(run.stdout).toBe('')
  expect(run.stderr.endsWith('\n')).toBe(true)
  expect(run.stderr.trimEnd().split('\n'), run.stderr).toHaveLength(1)
  expect(run.stderr).toMatch(/^govaudit: /)
}

describe('help and version', () => {
  let commands: string[]
  let rootHelp: string
  beforeAll(async () => {
    const root = await cli(['--help'])
    expect(root.code).toBe(0)
    expect(root.stdout).toContain('Examples:')
    rootHelp = root.stdout
    commands = commandsOf(root.stdout)
  })

  test('every command has a one-line summary in `govaudit --help`', () => {
    expect(commands).toEqual(
      expect.arrayContaining(['index', 'list', 'import', 'nakamoto', 'concentration', 'decisive', 'proposals', 'votes', 'demo', 'presets', 'check']),
    )
    for (const [c, summary] of summariesOf(rootHelp)) {
      expect(summary, `${c} has no summary`).toMatch(/^\S/)
      // A phrase, not a paragraph: commander wraps it, but it must not need --help to read.
      expect(summary.length, `${c}: ${summary}`).toBeLessThanOrEqual(100)
      expect(summary, c).not.toMatch(/\.\s/)
    }
  })

  test('every command has --help with examples, exit 0, on stdout', async () => {
    const runs = await cliAll(commands.map((c) => [c, '--help']))
    for (const [i, c] of commands.entries()) {
      const run = runs[i]!
      expect(run.code, `${c} --help: ${run.stderr}`).toBe(0)
      expect(run.stderr).toBe('')
      expect(run.stdout, `${c} --help`).toMatch(new RegExp(`^Usage: govaudit ${c}\\b`))
      expect(run.stdout, `${c} --help has no examples`).toContain('Examples:')
      expect(run.stdout, `${c} --help examples do not run ${c}`).toContain(`$ govaudit ${c}`)
      // commander wraps the description to the terminal (80 columns in a pipe): a line break
      // typed into a paragraph shows as a ragged short line. List items may start a line.
      const description = run.stdout.slice(run.stdout.indexOf('\n\n') + 2).split(/\n(?:Arguments|Options):/)[0]!.trimEnd()
      for (const paragraph of description.split('\n\n')) {
        const lines = paragraph.split('\n')
        for (const [k, line] of lines.slice(0, -1).entries()) {
          const next = lines[k + 1]!
          if (/^(\s|- |\d+\. )/.test(next)) continue
          expect(line.length + 1 + next.split(' ')[0]!.length, `${c} --help: a line break typed after "${line}"`).toBeGreaterThan(80)
        }
      }
    }
  })

  test('--version and -V print package.json\'s version', async () => {
    const [long, short] = await cliAll([['--version'], ['-V']])
    for (const run of [long!, short!]) expect(run).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' })
  })
})

describe('usage errors', () => {
  const cases: [string, string[], RegExp][] = [
    ['unknown command', ['frobnicate'], /^govaudit: unknown command 'frobnicate'/],
    ['unknown command with a suggestion', ['nakamato'], /^govaudit: unknown command 'nakamato'; did you mean nakamoto\? \(run with --help for usage\)$/m],
    ['unknown global option', ['--frobnicate'], /^govaudit: unknown option '--frobnicate'/],
    ['unknown command option', ['list', '--frobnicate'], /^govaudit: unknown option '--frobnicate'/],
    ['missing argument', ['nakamoto'], /^govaudit: missing required argument 'dao'/],
    ['bad option value', ['presets', '--format', 'xml'], /^govaudit: --format must be one of table, json, csv, markdown; got "xml"\.$/m],
  ]
  test('exit 2, one line on stderr, nothing on stdout', async () => {
    const runs = await cliAll(cases.map(([, args]) => args))
    for (const [i, [name, , pattern]] of cases.entries()) {
      expect(runs[i]!.code, name).toBe(2)
      oneLine(runs[i]!)
      expect(runs[i]!.stderr, name).toMatch(pattern)
    }
  })
})

describe('--quiet, --verbose, errors', () => {
  let dir: string
  let votes: string
  beforeAll(() => {
    dir = tmpDir()
    votes = writeCsv(path.join(dir, 'votes.csv'), 'proposal_id,voter,support,weight', [['1', addr(1), 'for', 10]])
  })

  test('--quiet silences the summary on stderr; data and exit code are unchanged', async () => {
    const [loud, quiet, quietAfter] = await cliAll([
      ['import', 'loud', '--votes', votes, '--db', path.join(dir, 'loud.db')],
      ['--quiet', 'import', 'quiet', '--votes', votes, '--db', path.join(dir, 'quiet.db')],
      ['import', 'quiet2', '--votes', votes, '--db', path.join(dir, 'quiet2.db'), '-q'],
    ])
    expect(loud).toMatchObject({ code: 0, stdout: '' })
    expect(loud!.stderr).toContain('loud: created (imported DAO)')
    expect(quiet).toEqual({ code: 0, stdout: '', stderr: '' })
    expect(quietAfter).toEqual({ code: 0, stdout: '', stderr: '' })
  })

  test('an error is one sentence with no stack; --verbose adds the cause and the stack', async () => {
    const missing = path.join(dir, 'missing.csv')
    const [plain, verbose, quiet] = await cliAll([
      ['import', 'x', '--votes', missing, '--db', path.join(dir, 'x.db')],
      ['import', 'x', '--votes', missing, '--db', path.join(dir, 'x.db'), '--verbose'],
      ['import', 'x', '--votes', missing, '--db', path.join(dir, 'x.db'), '--quiet'],
    ])
    expect(plain!.code).toBe(2)
    expect(plain!.stdout).toBe('')
    const lines = plain!.stderr.trimEnd().split('\n')
    expect(lines).toEqual([`govaudit: Cannot read --votes file ${missing}: it does not exist.`])
    expect(verbose!.code).toBe(2)
    expect(verbose!.stderr.split('\n')[0]).toBe(lines[0])
    expect(verbose!.stderr).toContain('caused by: Error: ENOENT')
    expect(verbose!.stderr).toMatch(/\n\s+at /)
    // --quiet never hides errors.
    expect(quiet!.stderr.split('\n')[0]).toBe(lines[0])
    expect(fs.existsSync(path.join(dir, 'x.db'))).toBe(false)
  })
})

describe('colour and progress', () => {
  /** Run with a chosen environment (the harness always sets NO_COLOR). */
  const run = (args: string[], env: NodeJS.ProcessEnv) =>
    new Promise<CliRun>((resolve) => {
      execFile(process.execPath, [path.join(ROOT, 'bin/govaudit.js'), ...args], { cwd: ROOT, env }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      )
    })

  test('no ANSI escapes in captured output, with NO_COLOR or FORCE_COLOR', async () => {
    const base = { ...process.env }
    delete base.NO_COLOR
    const runs = await Promise.all([
      run(['presets'], { ...base, NO_COLOR: '1', FORCE_COLOR: '1' }),
      run(['presets'], { ...base, FORCE_COLOR: '1' }),
      run(['check', '--help'], { ...base, FORCE_COLOR: '3' }),
      run(['nakamato'], { ...base, FORCE_COLOR: '1' }),
    ])
    for (const r of runs) {
      expect(r.stdout + r.stderr).not.toMatch(/\x1b\[/)
      expect(r.stdout.length + r.stderr.length).toBeGreaterThan(0)
    }
  })

  test('on a TTY the spinner animates on stderr only, and --quiet silences it', () => {
    // Make the worker's stderr look like a terminal (ora also moves the cursor on one).
    const stream = process.stderr as unknown as Record<string, unknown>
    const saved = ['isTTY', 'cursorTo', 'clearLine', 'moveCursor'].map((k) => [k, Object.getOwnPropertyDescriptor(stream, k)] as const)
    Object.defineProperty(stream, 'isTTY', { value: true, configurable: true })
    for (const k of ['cursorTo', 'clearLine', 'moveCursor']) Object.defineProperty(stream, k, { value: () => true, configurable: true })
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    try {
      const spinner = createContext(() => ({}), { NO_COLOR: '1' }).spinner('working')
      spinner.text('still working')
      spinner.succeed('done')
      expect(out).not.toHaveBeenCalled()
      const written = err.mock.calls.map((c) => String(c[0])).join('')
      expect(written).toContain('done')
      expect(written.replace(/\x1b\[\?25[hl]|\x1b\[\d*[GK]|\x1b\[\d*A/g, ''), 'no colour with NO_COLOR').not.toMatch(/\x1b\[[\d;]*m/)
      err.mockClear()
      const quiet = createContext(() => ({ quiet: true }), {}).spinner('working')
      quiet.text('still working')
      quiet.succeed('done')
      expect(err).not.toHaveBeenCalled()
      expect(out).not.toHaveBeenCalled()
    } finally {
      err.mockRestore()
      out.mockRestore()
      for (const [k, d] of saved) {
        if (d) Object.defineProperty(stream, k, d)
        else delete stream[k]
      }
    }
  })

  test('the spinner is silent when stderr is not a TTY', () => {
    expect(process.stderr.isTTY).toBeFalsy()
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
    try {
      const spinner = createContext(() => ({}), {}).spinner('working')
      spinner.text('still working')
      spinner.succeed('done')
      spinner.fail('failed')
      spinner.stop()
      expect(write).not.toHaveBeenCalled()
    } finally {
      write.mockRestore()
    }
  })
})
