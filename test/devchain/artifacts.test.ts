import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { id, Interface } from 'ethers'
import { describe, expect, test } from 'vitest'
import { FIXTURE_CONTRACTS, loadArtifact, packageRoot } from '../../src/devchain/artifacts.js'
import { TOKEN_CONTRACT, TOKEN_KINDS } from '../../src/devchain/deploy.js'
import { DevchainError } from '../../src/devchain/devchainError.js'

const TOPIC0 = {
  Transfer: id('Transfer(address,address,uint256)'),
  DelegateChanged: id('DelegateChanged(address,address,address)'),
  DelegateVotesChanged: id('DelegateVotesChanged(address,uint256,uint256)'),
}

describe('fixture artifacts', () => {
  test.each(FIXTURE_CONTRACTS)('%s loads', (name) => {
    const artifact = loadArtifact(name)
    expect(artifact.contractName).toBe(name)
    expect(artifact.bytecode.length).toBeGreaterThan(100)
    expect(artifact.solcVersion).toMatch(/^0\.8\.30/)
    expect(artifact.sourceHash).toMatch(/^sha256:[0-9a-f]{64}$/)
  })

  test.each(TOKEN_KINDS)('the %s token emits the events DESIGN §4 names, with their topic0', (kind) => {
    const abi = new Interface(loadArtifact(TOKEN_CONTRACT[kind]).abi)
    for (const [name, topic] of Object.entries(TOPIC0)) expect(abi.getEvent(name)?.topicHash).toBe(topic)
    const transfer = abi.getEvent('Transfer')
    expect(transfer?.inputs.filter((i) => i.indexed)).toHaveLength(kind === 'erc721votes' ? 3 : 2)
  })

  test('an unknown contract is a clear error', () => {
    expect(() => loadArtifact('NoSuchContract')).toThrow(DevchainError)
    expect(() => loadArtifact('../package')).toThrow(/Not a contract name/)
  })

  test('the committed artifacts match fixtures/contracts (npm run fixtures)', async () => {
    const root = packageRoot()
    const run = promisify(execFile)
    const { stdout } = await run(process.execPath, [join(root, 'fixtures/build.mjs'), '--check'], { cwd: root })
    expect(stdout).toMatch(/up to date/)
  })
})
