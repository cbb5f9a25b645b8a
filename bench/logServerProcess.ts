/**
 * Child process of the benchmark: simulates the token and serves its logs with the
 * loopback JSON-RPC node (test/helpers/logServer.ts) until its parent disconnects.
 *
 * A separate process, not a worker thread, for two reasons: its memory (the simulated
 * logs and their serialized JSON, ~1.5 GB for a million logs) must not count in the
 * indexer's peak RSS, and its CPU is accounted apart (it answers `cpu` messages with its
 * own process.cpuUsage(), so the bench can say how much of the 2 cores it took).
 */
import { startLogServer } from '../test/helpers/logServer.js'
import { simulateToken } from './tokenSimulation.js'
import type { ServerReady, ServerRequest, ServerSetup } from './protocol.js'

const setup = JSON.parse(process.argv[2] ?? '{}') as ServerSetup
const send = (m: unknown) => process.send!(m)

const started = Date.now()
const sim = simulateToken({ token: setup.token, events: setup.events, seed: setup.seed })
const generatedMs = Date.now() - started
const server = await startLogServer({ logs: sim.logs, chainId: setup.chainId, head: sim.lastBlock })
const ready: ServerReady = {
  type: 'ready',
  url: server.url,
  events: sim.logs.length,
  counts: sim.counts,
  final: sim.final,
  firstBlock: sim.firstBlock,
  lastBlock: sim.lastBlock,
  generatedMs,
  servingFromMs: Date.now() - started,
}
sim.logs.length = 0 // the server keeps its own serialized copy
send(ready)

process.on('message', (m: ServerRequest) => {
  if (m.type === 'cpu') {
    const u = process.cpuUsage()
    send({ type: 'cpu', id: m.id, micros: u.user + u.system })
  }
})
process.on('disconnect', () => {
  void server.close().then(() => process.exit(0))
})
