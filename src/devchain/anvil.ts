import { type ChildProcess, spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { createServer } from 'node:net'
import { dirname, join } from 'node:path'
import { DevchainError } from './devchainError.js'

export type StartAnvilParameters = {
  /** Port on 127.0.0.1; default: a free one (retried if another process takes it first). */
  port?: number
  /** Interval mining every N seconds; default: automine (a block per transaction). */
  blockTimeSeconds?: number
  /** Number of funded dev accounts (anvil's default 10). */
  accounts?: number
  /** Let any `from` send transactions with eth_sendTransaction, unsigned. Default false. */
  autoImpersonate?: boolean
  /**
   * Keep the state of the last N blocks in memory and none on disk (`--prune-history N`).
   * By default anvil keeps 500 in memory, then moves older ones to disk and shrinks the
   * in-memory window towards 10 blocks; an eth_call at a block on disk then takes a
   * deserialization, which makes reading truth at many blocks of a chain past ~600 blocks
   * very slow. Memory grows with N times the state size (about 1 MB a block for a token
   * scenario), so set it only for long histories.
   */
  historyStates?: number
  /** Drop anvil's log lines; default true. When false they go to our stderr, never stdout. */
  silent?: boolean
  /** More anvil flags, e.g. `['--hardfork', 'cancun']`. */
  args?: string[]
  /** Path of the anvil binary; default `GOVAUDIT_ANVIL_BIN`, then `@foundry-rs/anvil-<os>-<arch>`. */
  binary?: string
  /** How long to wait for the first eth_chainId answer. Default 30 s. */
  timeoutMs?: number
}

export type StartAnvilResult = {
  /** `http://127.0.0.1:<port>` */
  url: string
  port: number
  process: ChildProcess
  /** Terminates anvil (SIGTERM, then SIGKILL after 3 s) and resolves once it has exited. Idempotent. */
  stop(): Promise<void>
}

const HOST = '127.0.0.1'
const PORT_ATTEMPTS = 5
const STDERR_TAIL = 8_192

/**
 * Starts a local anvil on a loopback port and resolves once it answers eth_chainId.
 * Every anvil started here is killed on `stop()`, and also when this process exits or gets
 * SIGINT/SIGTERM, so none is left behind (a SIGKILL of this process is the one exception).
 */
export async function startAnvil(parameters: StartAnvilParameters = {}): Promise<StartAnvilResult> {
  const binary = parameters.binary ?? process.env.GOVAUDIT_ANVIL_BIN ?? anvilBinaryPath()
  const attempts = parameters.port === undefined ? PORT_ATTEMPTS : 1
  let lastError: unknown
  for (let attempt = 0; attempt < attempts; attempt++) {
    const port = parameters.port ?? (await freePort())
    try {
      return await launch(binary, port, parameters)
    } catch (error) {
      lastError = error
      // A port the caller chose is not ours to change: report it as is.
      if (!(error instanceof PortInUseError) || parameters.port !== undefined) throw error
    }
  }
  throw new DevchainError(`anvil could not bind a free port on ${HOST} after ${attempts} attempts.`, {
    cause: lastError,
  })
}

/**
 * The anvil binary shipped by `@foundry-rs/anvil-<platform>-<arch>` (x64 is called amd64),
 * resolved from this package's node_modules. `@foundry-rs/anvil`'s postinstall is not needed.
 */
export function anvilBinaryPath(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch
  const pkg = `@foundry-rs/anvil-${process.platform}-${arch}`
  const exe = process.platform === 'win32' ? 'anvil.exe' : 'anvil'
  let dir: string
  try {
    dir = dirname(createRequire(import.meta.url).resolve(`${pkg}/package.json`))
  } catch (error) {
    throw new DevchainError(
      `The anvil binary package ${pkg} is not installed; reinstall with optional dependencies or set GOVAUDIT_ANVIL_BIN.`,
      { cause: error },
    )
  }
  const path = join(dir, 'bin', exe)
  if (!existsSync(path)) throw new DevchainError(`The anvil binary is missing at ${path}; reinstall ${pkg}.`)
  return path
}

class PortInUseError extends DevchainError {
  override name = 'PortInUseError'
}

async function launch(binary: string, port: number, parameters: StartAnvilParameters): Promise<StartAnvilResult> {
  const silent = parameters.silent ?? true
  const args = ['--host', HOST, '--port', String(port)]
  if (parameters.accounts !== undefined) args.push('--accounts', String(parameters.accounts))
  if (parameters.blockTimeSeconds !== undefined) args.push('--block-time', String(parameters.blockTimeSeconds))
  if (parameters.autoImpersonate) args.push('--auto-impersonate')
  if (parameters.historyStates !== undefined) args.push('--prune-history', String(parameters.historyStates))
  if (silent) args.push('--silent')
  args.push(...(parameters.args ?? []))

  const child = spawn(binary, args, { stdio: ['ignore', silent ? 'ignore' : 'pipe', 'pipe'], windowsHide: true })
  live.add(child)
  installExitHooks()
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL)
    if (!silent) process.stderr.write(chunk)
  })
  child.stdout?.on('data', (chunk: Buffer) => process.stderr.write(chunk))
  child.once('exit', () => live.delete(child))
  // 'close' comes after 'exit' once stdio has drained, so the stderr tail is complete.
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  )
  const spawnError = new Promise<Error>((resolve) =>
    child.once('error', (error) => {
      live.delete(child)
      resolve(error)
    }),
  )

  const url = `http://${HOST}:${port}`
  const stop = once(async () => {
    // No pid: the spawn itself failed and there is nothing to wait for.
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000)
      await exited
      clearTimeout(timer)
    }
  })

  const timeoutMs = parameters.timeoutMs ?? 30_000
  let done = false
  let timer: NodeJS.Timeout | undefined
  const ready = (async () => {
    while (!done) {
      if (await answersChainId(url)) return
      await delay(50)
    }
  })()
  const outcome = await Promise.race([
    ready.then(() => ({ kind: 'ready' as const })),
    exited.then((e) => ({ kind: 'exited' as const, ...e })),
    spawnError.then((error) => ({ kind: 'error' as const, error })),
    new Promise<{ kind: 'timeout' }>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout' }), timeoutMs)
    }),
  ])
  done = true
  clearTimeout(timer)
  if (outcome.kind === 'ready') return { url, port, process: child, stop }

  await stop()
  const tail = stderr.trim()
  const details = tail ? `anvil stderr:\n${tail}` : undefined
  if (outcome.kind === 'error') {
    throw new DevchainError(`Could not start anvil (${binary}): ${outcome.error.message}.`, {
      cause: outcome.error,
      details,
    })
  }
  if (outcome.kind === 'exited') {
    if (/address already in use|os error 98|EADDRINUSE/i.test(tail))
      throw new PortInUseError(`anvil could not bind ${HOST}:${port}: address in use; choose another port.`, { details })
    const how = outcome.signal ? `signal ${outcome.signal}` : `exit code ${outcome.code}`
    throw new DevchainError(`anvil exited with ${how} before answering on ${url}.`, { details })
  }
  throw new DevchainError(
    `anvil did not answer eth_chainId on ${url} within ${timeoutMs / 1000} s; raise timeoutMs or check the machine's load.`,
    { details },
  )
}

/** Asks the OS for a free loopback port. Another process may take it before anvil binds it. */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen({ host: HOST, port: 0, exclusive: true }, () => {
      const address = server.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      server.close((error) => (error ? reject(error) : resolve(port)))
    })
  })
}

async function answersChainId(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      signal: AbortSignal.timeout(1_000),
    })
    if (!response.ok) return false
    const body = (await response.json()) as { result?: unknown }
    return typeof body.result === 'string'
  } catch {
    // Not listening yet (ECONNREFUSED) or not answering yet: the caller polls again.
    return false
  }
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

function once(fn: () => Promise<void>): () => Promise<void> {
  let running: Promise<void> | undefined
  return () => (running ??= fn())
}

/** Every anvil started by this process and not yet exited. */
const live = new Set<ChildProcess>()
let hooksInstalled = false

function killAll(): void {
  for (const child of live) {
    try {
      child.kill('SIGKILL')
    } catch {
      // Already gone (ESRCH): nothing to clean up.
    }
  }
}

function installExitHooks(): void {
  if (hooksInstalled) return
  hooksInstalled = true
  process.on('exit', killAll)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    const handler = () => {
      killAll()
      // Listening for a signal disables Node's default "exit on signal". If no one else
      // handles it, restore the default and re-raise so the process still ends as expected.
      if (process.listenerCount(signal) === 1) {
        process.off(signal, handler)
        process.kill(process.pid, signal)
      }
    }
    process.on(signal, handler)
  }
}
