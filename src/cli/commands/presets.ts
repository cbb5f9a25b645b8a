/** `govaudit presets`: the known DAOs `govaudit index <preset>` can start from. */
import type { Command } from 'commander'
import type { CliContext } from '../context.js'
import { PRESETS } from '../../config/presets/index.js'
import { parseFormat, type Format } from '../../report/format.js'
import { GOVERNORS_NOT_INDEXED, renderPresets } from '../../report/presets.js'

export function registerPresets(program: Command, ctx: CliContext): void {
  program
    .command('presets')
    .summary('known DAOs: token, governors, Snapshot space, chain, first block')
    .description(
      `The DAOs \`govaudit index <preset>\` knows: the governance token (and how it records votes), the governor(s) with their family, the Snapshot space, the chain and the first block to index. Every address was checked against a public source, listed in --format json; a fact no source confirmed is left empty.

A preset whose token's delegation events differ from ERC20Votes/Comp (${PRESETS.filter((p) => p.token.votes === 'unsupported')
        .map((p) => p.title)
        .join(', ')}) is listed with the reason and refused by \`index\`. ${GOVERNORS_NOT_INDEXED[0]!.toUpperCase()}${GOVERNORS_NOT_INDEXED.slice(1)}.`,
    )
    .option('--format <format>', 'table | json | csv | markdown', parseFormat, 'table')
    .addHelpText(
      'after',
      `
Examples:
  $ govaudit presets
  $ govaudit presets --format json | jq '.presets[] | {name, token: .token.address, sources: .token.sources}'
  $ govaudit index uniswap --rpc $GOVAUDIT_RPC_URL`,
    )
    .action((opts: { format: Format }) => {
      ctx.out(renderPresets(PRESETS, opts.format))
    })
}
