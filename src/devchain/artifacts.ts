import { existsSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { JsonFragment } from 'ethers'
import { DevchainError } from './devchainError.js'

/** The contracts compiled by `npm run fixtures` (fixtures/build.mjs) from fixtures/contracts. */
export const FIXTURE_CONTRACTS = ['GovToken', 'GovTokenTimestamp', 'CompToken', 'NftVotes', 'Batcher'] as const
export type FixtureContractName = (typeof FIXTURE_CONTRACTS)[number]

/** fixtures/artifacts/<Name>.json as fixtures/build.mjs writes it. */
export type Artifact = {
  contractName: string
  abi: JsonFragment[]
  /** Creation bytecode, 0x-prefixed. */
  bytecode: string
  solcVersion: string
  /** "sha256:<hex>" of the compiler's standard-JSON input. */
  sourceHash: string
}

const cache = new Map<string, Artifact>()
let root: string | undefined

/**
 * Loads fixtures/artifacts/<name>.json from the govaudit package root, whether this code runs
 * from src/ (vitest, tsx) or from dist/ (the built CLI). Any name is accepted so later
 * fixtures need no change here; known names autocomplete.
 */
export function loadArtifact(name: FixtureContractName | (string & {})): Artifact {
  const cached = cache.get(name)
  if (cached) return cached
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new DevchainError(`Not a contract name: ${JSON.stringify(name)}.`)
  const path = join(artifactsDir(), `${name}.json`)
  if (!existsSync(path))
    throw new DevchainError(`No artifact for contract ${name} at ${path}; run \`npm run fixtures\`.`)
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new DevchainError(`The artifact ${path} is not valid JSON; run \`npm run fixtures\`.`, { cause: error })
  }
  const artifact = parsed as Partial<Artifact>
  if (
    artifact.contractName !== name ||
    !Array.isArray(artifact.abi) ||
    typeof artifact.bytecode !== 'string' ||
    !/^0x([0-9a-f]{2})+$/i.test(artifact.bytecode) ||
    typeof artifact.solcVersion !== 'string' ||
    typeof artifact.sourceHash !== 'string'
  ) {
    throw new DevchainError(`The artifact ${path} is malformed; run \`npm run fixtures\`.`)
  }
  cache.set(name, artifact as Artifact)
  return artifact as Artifact
}

/** Absolute path of fixtures/artifacts in the govaudit package. */
function artifactsDir(): string {
  return join(packageRoot(), 'fixtures', 'artifacts')
}

/** The directory of govaudit's package.json, found by walking up from this file. */
export function packageRoot(): string {
  if (root) return root
  let dir = dirname(fileURLToPath(import.meta.url))
  for (;;) {
    const pkg = join(dir, 'package.json')
    if (existsSync(pkg) && readPackageName(pkg) === 'govaudit') return (root = dir)
    const parent = dirname(dir)
    if (parent === dir) {
      throw new DevchainError(`Cannot find govaudit's package.json above ${fileURLToPath(import.meta.url)}.`)
    }
    dir = parent
  }
}

function readPackageName(path: string): string | undefined {
  try {
    const name = (JSON.parse(readFileSync(path, 'utf8')) as { name?: unknown }).name
    return typeof name === 'string' ? name : undefined
  } catch {
    // An unreadable or foreign package.json is not ours: keep walking up.
    return undefined
  }
}
