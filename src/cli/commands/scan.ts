/** `govaudit scan`: index and measure the DAOs of a config file in parallel, one row per DAO. */
import fs from 'node:fs'
import path from 'node:path'
import type { Command } from 'commander'
import type { CliContext } from '../context.js'
import { parsePositiveInt } from '../../config/options.js'
import { readInputFile } from '../../config/inputFile.js'
import { parseScanConfig } from '../../config/scanConfig.js'
import { scanDaos, type ScanEvent } from '../../sync/scan.js'
import { parseFormat, type Format } from '../../report/format.js'
import {
  renderDelegationSummary,
  renderGovernorSummary,
  renderGovernorWarning,
  renderIndexStart,
  renderIndexSummary,
  renderMismatchWarning,
  renderProgress,
  renderReorg,
  renderSnapshotSummary,
} from '../../report/indexSummary.js'
import { renderScan, type ScanReport } from '../../report/scan.js'
import { UsageError } from '../../errors.js'
import { measureScanRow } from '../scanRow.js'

type ScanOptions = { concurrency: number; requests: number; out?: string; format: Format; rpcTimeout: number }

export function registerScan(program: Command, ctx: CliContext): void {
  program
    .command('scan <config>')
    .summary('index and measure many DAOs in parallel; one row per DAO (CSV / JSON)')
    .description(
      `Index every DAO listed in a JSON config (presets or explicit token and governors), several at once, then measure each at its last indexed block: the Nakamoto coefficient on voting power and on token balances, Gini and HHI of voting power, and the share of its governor proposals decided by at most "whales" voters. Each DAO gets its own database file, <dbDir>/<name>.db, resumed on the next run. A DAO that fails (an unreachable RPC, a refused preset...) is listed with its reason and does not stop the others. The config is checked in full first: any problem is reported as file:line:column and nothing is indexed. The config's schema is in the README ("Batch scan").

Exit codes: 0 every DAO measured; otherwise the highest exit code among the failed DAOs (2 a DAO's input was refused, 3 RPC or API failure, 4 database error; 130 interrupted) — the table still lists every DAO. A malformed config exits 2 before anything runs.`,
    )
    .option('--concurrency <n>', 'DAOs indexed at once', parsePositiveInt('--concurrency', 32), 2)
    .option('--requests <n>', 'eth_getLogs requests in flight per DAO', parsePositiveInt('--requests', 64), 4)
    .option('--out <dir>', 'also write DIR/scan.csv and DIR/scan.json (created if missing); the databases go there too unless the config sets dbDir')
    .option('--format <format>', 'table | json | csv | markdown (stdout)', parseFormat, 'table')
    .option('--rpc-timeout <seconds>', 'per-request RPC timeout before a retry', parsePositiveInt('--rpc-timeout', 600), 30)
    .addHelpText(
      'after',
      `
Example config (RPC URLs may reference the environment: "$VAR" or "\${VAR}"):
  { "rpc": "$MAINNET_RPC",
    "daos": [ { "preset": "uniswap" }, { "preset": "compound", "toBlock": 21000000 },
              { "name": "mydao", "token": "0x...", "governors": [{ "address": "0x...", "kind": "oz" }] } ] }

Examples:
  $ govaudit scan scan.json
  $ govaudit scan scan.json --concurrency 4 --out results --format csv`,
    )
    .action(async (configFile: string, opts: ScanOptions) => {
      if (ctx.globals().db !== undefined)
        throw new UsageError('scan keeps one database per DAO (<dbDir>/<name>.db), so --db does not apply; set "dbDir" in the config or pass --out DIR.')
      if (fs.existsSync(configFile) && fs.statSync(configFile).isDirectory()) throw new UsageError(`The scan config ${configFile} is a folder; give a JSON file.`)
      const config = parseScanConfig({ text: readInputFile(configFile, 'scan config').text, file: configFile, env: ctx.env })
      const out = opts.out === undefined ? undefined : path.resolve(opts.out)
      const dbDir = config.dbDir ?? out ?? process.cwd()
      for (const dir of [dbDir, out]) if (dir !== undefined) makeDir(dir)

      let stopRequested = false
      const onSigint = () => {
        if (stopRequested) process.exit(130) // second Ctrl-C: every DAO's last commit is already safe
        stopRequested = true
        ctx.info('Stopping every DAO after its current batch (Ctrl-C again to quit now; nothing committed is lost)...')
      }
      process.on('SIGINT', onSigint)
      ctx.info(`Scanning ${config.daos.length} DAO(s), ${opts.concurrency} at a time; databases in ${dbDir}.`)
      try {
        const outcomes = await scanDaos({
          daos: config.daos,
          dbDir,
          concurrency: opts.concurrency,
          requests: opts.requests,
          rpcTimeoutMs: opts.rpcTimeout * 1000,
          ...(config.hub ? { snapshotHub: config.hub } : {}),
          ...(ctx.env.SNAPSHOT_API_KEY ? { snapshotApiKey: ctx.env.SNAPSHOT_API_KEY } : {}),
          shouldStop: () => stopRequested,
          onEvent: (event) => progress(ctx, event),
          measure: (db, dao) => measureScanRow(db, dao, { threshold: config.threshold, whales: config.whales }),
        })
        const report: ScanReport = { generatedAt: new Date().toISOString(), config: config.echo, rows: outcomes }
        if (out !== undefined) {
          fs.writeFileSync(path.join(out, 'scan.csv'), `${renderScan(report, 'csv')}\n`)
          fs.writeFileSync(path.join(out, 'scan.json'), `${renderScan(report, 'json')}\n`)
          ctx.info(`Wrote ${path.join(out, 'scan.csv')} and scan.json.`)
        }
        ctx.out(renderScan(report, opts.format))
        ctx.setExitCode(Math.max(0, ...outcomes.map((o) => o.error?.code ?? 0)))
      } finally {
        process.off('SIGINT', onSigint)
      }
    })
}

/** stderr lines per DAO event, each prefixed with the DAO: several DAOs run at once, so no spinner. */
function progress(ctx: CliContext, event: ScanEvent): void {
  const own = `${event.name}: ` // runIndex's phase lines name the DAO already
  const tag = (text: string) =>
    (text.startsWith(own) ? text.slice(own.length) : text)
      .split('\n')
      .map((line) => `[${event.name}] ${line}`)
      .join('\n')
  switch (event.type) {
    case 'start':
      return ctx.info(tag(renderIndexStart(event)))
    case 'progress':
      return ctx.info(tag(renderProgress(event.progress)))
    case 'phase':
      return ctx.info(tag(event.text))
    case 'reorg':
      return ctx.warn(tag(renderReorg(event.reorg)))
    case 'indexed': {
      // What `index` prints after a run, per DAO.
      const { token, governors, snapshot, delegations } = event.result
      const summaries = [renderIndexSummary(token), governors && renderGovernorSummary(governors), snapshot && renderSnapshotSummary(snapshot), delegations && renderDelegationSummary(delegations)]
      for (const s of summaries) if (s) ctx.info(tag(s))
      for (const w of [renderMismatchWarning(token), governors && renderGovernorWarning(governors)]) if (w) ctx.warn(tag(w))
      return
    }
    case 'failed':
      return ctx.warn(tag(`failed (exit ${event.error.code}): ${event.error.message}`))
  }
}

function makeDir(dir: string): void {
  try {
    fs.mkdirSync(dir, { recursive: true })
  } catch (cause) {
    throw new UsageError(`Cannot create the folder ${dir}: ${(cause as Error).message}.`, { cause })
  }
}
