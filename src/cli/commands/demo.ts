/** `govaudit demo`: the whole pipeline on a simulated DAO, offline, in well under a minute. */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { Command } from 'commander'
import type { CliContext } from '../context.js'
import { labelMap } from '../../analysis/labels.js'
import { openDb } from '../../store/db.js'
import { createRpcClient } from '../../sources/evm/rpc.js'
import { indexDao } from '../../sync/indexDao.js'
import { detectGovernors, syncGovernors } from '../../sync/syncGovernors.js'
import { parseReportFormat, renderReport, type ReportFormat } from '../../report/report.js'
import { gatherReport } from '../reportModel.js'
import { UsageError } from '../../errors.js'

export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .summary('index a simulated DAO on a local chain and report on it (offline)')
    .description(
      "Starts a local anvil node (from the @foundry-rs/anvil npm package), deploys an OpenZeppelin ERC20Votes token, plays a DAO's history on it (a treasury, a founder, a VC fund, whales, an exchange and a long tail of small holders who delegate to community delegates), indexes it through the same JSON-RPC path as a real chain and prints the report. Needs no network. The database is kept so you can explore it with the other commands afterwards.",
    )
    .option('--format <format>', 'table | markdown | json (the format of `govaudit report`)', parseReportFormat, 'table')
    .addHelpText('after', '\nExamples:\n  $ govaudit demo\n  $ govaudit demo --db demo.db && govaudit report demo --db demo.db --html demo.html')
    .action(async (opts: { format: ReportFormat }) => {
      const dbPath = ctx.globals().db ?? path.join(os.tmpdir(), `govaudit-demo-${process.pid}.db`)
      if (fs.existsSync(dbPath))
        throw new UsageError(`The demo writes a fresh database, and ${dbPath} already exists; pass another --db or remove it.`)
      const spinner = ctx.spinner('Starting a local anvil node')
      // The chain tooling (ethers contracts, solc artifacts) loads only when the demo runs,
      // so every other command starts without it.
      const [{ startAnvil }, { playDemoDao }] = await Promise.all([import('../../devchain/anvil.js'), import('../../demo/demoDao.js')])
      const anvil = await startAnvil({})
      try {
        spinner.text('Playing a DAO history on the local chain')
        const story = await playDemoDao(anvil.url)
        spinner.text('Indexing it through the JSON-RPC path')
        const db = openDb({ path: dbPath, create: true })
        try {
          const indexed = await indexDao({
            db,
            rpc: createRpcClient({ url: anvil.url }),
            token: story.token,
            name: 'demo',
            toBlock: story.lastBlock,
            confirmations: 0,
            concurrency: 4,
          })
          const rpcForGovernor = createRpcClient({ url: anvil.url })
          const detected = await detectGovernors(rpcForGovernor, [{ address: story.governor, kind: 'oz' }], story.token)
          const synced = await syncGovernors({ db, rpc: rpcForGovernor, dao: indexed.dao, detected, toBlock: story.lastBlock, concurrency: 4 })
          spinner.stop()
          ctx.info(
            [
              `Demo DAO on a local anvil chain (id ${indexed.dao.chainId}), token ${story.token} (OpenZeppelin ERC20Votes),`,
              `governor ${story.governor} (OpenZeppelin Governor, quorum 4% of supply).`,
              `Played ${story.transactions} token transactions for ${story.holders} holders and ${story.proposals} proposals; indexed ${indexed.events} token events` +
                ` and ${synced?.events ?? 0} governor events in blocks ${story.deployBlock}..${story.lastBlock}.`,
              '',
            ].join('\n'),
          )
          const labels = { file: '(demo roles)', rows: story.labels, map: labelMap(story.labels) }
          const dao = indexed.dao
          ctx.out(renderReport(gatherReport(db, dao, { proposals: 20, whales: 1 }, labels), opts.format))
          ctx.info(
            [
              '',
              `The database is kept at ${dbPath}; explore it, e.g.:`,
              `  govaudit report demo --db ${dbPath} --html demo-report.html`,
              `  govaudit nakamoto demo --db ${dbPath} --basis balance --format json`,
              `  govaudit proposals demo --db ${dbPath}`,
            ].join('\n'),
          )
        } finally {
          db.close()
        }
      } finally {
        spinner.stop()
        await anvil.stop()
      }
    })
}
