import { SourceError } from '../errors.js'

/**
 * The local dev chain (anvil, the fixture contracts, a scenario) failed: the binary is
 * missing, anvil died or never answered, a transaction reverted, an artifact is absent.
 * A source failure for the CLI (exit 3), like any other node that cannot be used.
 */
export class DevchainError extends SourceError {
  override name = 'DevchainError'
}
