/**
 * Child process of the benchmark: simulates the token (and, if asked, a governor voting
 * with it) and serves the logs with the loopback JSON-RPC node (test/helpers/logServer.ts)
 * until its parent disconnects.
 *
 * A separate process, not a worker thread, for two reasons: its memory (the simulated
 * logs and their serialized JSON, ~1.5 GB for a million logs) must not count in the
 * indexer's peak RSS, and its CPU is accounted apart (it answers `cpu` messages with its
 * own process.cpuUsage(), so the bench can say how much of the 2 cores it took).
 */
import { startLogServer } from '../test/helpers/logServer.js'
import { simulateToken } from '../test/helpers/tokenSimulation.js'
import { simulateGovernor } from '../test/helpers/governorSimulation.js'
import type { ServerReady, ServerRequest, ServerSetup } from './protocol.js'

const setup = JSON.parse(process.argv[2] ?? '{}') as ServerSetup
const send = (m: unknown) => process.send!(m)

const started = Date.now()
const sim = simulateToken({ token: setup.token, events: setup.events, seed: setup.seed })
const governor = setup.governor && simulateGovernor({ token: sim, governor: setup.governor.address, ...setup.governor, seed: setup.seed })
const logs = governor ? governor.logs : sim.logs
const lastBlock = governor ? governor.lastBlock : sim.lastBlock
const generatedMs = Date.now() - started
const server = await startLogServer({ logs, chainId: setup.chainId, head: lastBlock })
const ready: ServerReady = {
  type: 'ready',
  url: server.url,
  events: logs.length,
  counts: sim.counts,
  final: sim.final,
  ...(governor
    ? {
        governor: {
          ...governor.counts,
          votesWeight: governor.proposals.reduce((s, p) => s + p.tally.for + p.tally.against + p.tally.abstain, 0n).toString(),
        },
      }
    : {}),
  firstBlock: sim.firstBlock,
  lastBlock,
  generatedMs,
  servingFromMs: Date.now() - started,
}
logs.length = 0 // the server keeps its own serialized copy
sim.logs.length = 0
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
