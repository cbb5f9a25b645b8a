// Run by anvil.test.ts in a child process (vite-node): starts anvil, prints its pid, then
// ends the way ANVIL_CHILD_MODE says, never calling stop(). anvil must not outlive it.
import { startAnvil } from '../../src/devchain/anvil.js'

const anvil = await startAnvil()
process.stdout.write(`${JSON.stringify({ pid: anvil.process.pid, url: anvil.url })}\n`)
const mode = process.env.ANVIL_CHILD_MODE
if (mode === 'exit') process.exit(0)
else if (mode === 'throw') setTimeout(() => { throw new Error('child crashed on purpose') }, 50)
else setInterval(() => {}, 1_000) // 'wait': until a signal arrives
