import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { anvilBinaryPath, startAnvil } from '../../src/devchain/anvil.js'
import { packageRoot } from '../../src/devchain/artifacts.js'
import { DevchainError } from '../../src/devchain/devchainError.js'
import { createDevRpc } from '../../src/devchain/devRpc.js'

/** Alive and not a zombie (a killed child whose parent is gone may wait for init to reap it). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))
  } catch {
    return process.platform !== 'linux'
  }
}

async function waitUntil(condition: () => boolean, ms = 5_000): Promise<boolean> {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (condition()) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return condition()
}

describe('startAnvil', () => {
  test('binds a free loopback port, answers, and stops (idempotently)', async () => {
    const [a, b] = await Promise.all([startAnvil(), startAnvil()])
    try {
      expect(a.url).toBe(`http://127.0.0.1:${a.port}`)
      expect(b.port).not.toBe(a.port)
      expect(await createDevRpc(a.url).request('eth_chainId')).toBe('0x7a69')
    } finally {
      await Promise.all([a.stop(), b.stop()])
    }
    expect(a.process.exitCode !== null || a.process.signalCode !== null).toBe(true)
    await a.stop()
    await expect(createDevRpc(a.url).request('eth_chainId')).rejects.toThrow(DevchainError)
  })

  test('passes accounts, auto-impersonation and history options through', async () => {
    const anvil = await startAnvil({ accounts: 3, autoImpersonate: true, historyStates: 1_000 })
    try {
      const rpc = createDevRpc(anvil.url)
      expect(await rpc.request<string[]>('eth_accounts')).toHaveLength(3)
      const stranger = '0x00000000000000000000000000000000000000c0'
      await rpc.request('anvil_setBalance', [stranger, '0xde0b6b3a7640000'])
      const hash = await rpc.request<string>('eth_sendTransaction', [{ from: stranger, to: stranger, value: '0x1' }])
      // Automine answers with the hash as the block is sealed; on a loaded machine the receipt can trail it by a moment.
      let receipt: { status: string } | null = null
      for (let i = 0; i < 50 && receipt === null; i++) {
        receipt = await rpc.request<{ status: string } | null>('eth_getTransactionReceipt', [hash])
        if (receipt === null) await new Promise((r) => setTimeout(r, 100))
      }
      expect(receipt).toMatchObject({ status: '0x1' })
    } finally {
      await anvil.stop()
    }
  })

  test('an explicit port in use is a clear error', async () => {
    const server = createServer()
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const port = (server.address() as { port: number }).port
    try {
      await expect(startAnvil({ port })).rejects.toThrow(/address in use/)
    } finally {
      server.close()
    }
  })

  test("anvil dying at start is reported with its stderr", async () => {
    const error = await startAnvil({ args: ['--hardfork', 'no-such-fork'] }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(DevchainError)
    expect((error as DevchainError).shortMessage).toMatch(/anvil exited with exit code \d+ before answering/)
    expect((error as DevchainError).details).toMatch(/no-such-fork/)
  })

  test('a missing binary is a clear error', async () => {
    await expect(startAnvil({ binary: join(packageRoot(), 'no-such-anvil') })).rejects.toThrow(/Could not start anvil/)
    expect(anvilBinaryPath()).toMatch(/@foundry-rs[\\/]anvil-[a-z0-9]+-(amd64|arm64)[\\/]bin[\\/]anvil/)
  })
})

describe('no orphaned anvil', () => {
  test.each([
    ['process.exit()', 'exit', null],
    ['an uncaught exception', 'throw', null],
    ['SIGTERM', 'wait', 'SIGTERM'],
    ['SIGINT', 'wait', 'SIGINT'],
  ] as const)('when the owning process ends by %s', async (_, mode, signal) => {
    const root = packageRoot()
    const child = spawn(process.execPath, [join(root, 'node_modules/vite-node/vite-node.mjs'), join(root, 'test/devchain/anvilChild.ts')], {
      cwd: root,
      env: { ...process.env, ANVIL_CHILD_MODE: mode },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let out = ''
    child.stdout.on('data', (c: Buffer) => (out += c.toString()))
    child.stderr.on('data', () => {}) // 'throw' prints the stack; not needed here
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) => child.once('exit', (code, sig) => r({ code, signal: sig })))
    expect(await waitUntil(() => out.includes('\n'), 30_000)).toBe(true)
    const { pid } = JSON.parse(out.split('\n')[0] as string) as { pid: number }
    if (signal) {
      expect(isAlive(pid)).toBe(true)
      child.kill(signal)
    }
    const end = await exited
    if (signal) expect(end.signal).toBe(signal) // the default signal exit is kept
    expect(await waitUntil(() => !isAlive(pid))).toBe(true)
  })
})
