import {
  type BaseContract,
  type ContractRunner,
  type ContractTransactionResponse,
  ContractFactory,
  type Overrides,
  type Signer,
} from 'ethers'
import { type FixtureContractName, loadArtifact } from './artifacts.js'
import { DevchainError } from './devchainError.js'

/** The token families the dev chain can simulate, as DESIGN §4 names them. */
export type TokenKind = 'erc20votes' | 'comp' | 'erc721votes'
export const TOKEN_KINDS = ['erc20votes', 'comp', 'erc721votes'] as const satisfies readonly TokenKind[]

/** Fixture contract for each token kind (GovTokenTimestamp is the timestamp-clock erc20votes). */
export const TOKEN_CONTRACT: Record<TokenKind, FixtureContractName> = {
  erc20votes: 'GovToken',
  comp: 'CompToken',
  erc721votes: 'NftVotes',
}

type Tx<A extends unknown[]> = (...args: [...A, overrides?: Overrides]) => Promise<ContractTransactionResponse>
type View<A extends unknown[], R> = (...args: [...A, overrides?: Overrides]) => Promise<R>
type Timepoint = bigint | number

type Ownable = {
  owner: View<[], string>
  transferOwnership: Tx<[newOwner: string]>
}
type VotesCommon = BaseContract &
  Ownable & {
    name: View<[], string>
    symbol: View<[], string>
    balanceOf: View<[account: string], bigint>
    delegates: View<[account: string], string>
    delegate: Tx<[delegatee: string]>
  }
type OzVotes = {
  getVotes: View<[account: string], bigint>
  getPastVotes: View<[account: string, timepoint: Timepoint], bigint>
  getPastTotalSupply: View<[timepoint: Timepoint], bigint>
  clock: View<[], bigint>
  CLOCK_MODE: View<[], string>
}

/** GovToken and GovTokenTimestamp (OZ v5 ERC20 + ERC20Permit + ERC20Votes). */
export type GovTokenContract = VotesCommon &
  OzVotes & {
    decimals: View<[], bigint>
    totalSupply: View<[], bigint>
    numCheckpoints: View<[account: string], bigint>
    transfer: Tx<[to: string, amount: bigint]>
    transferFrom: Tx<[from: string, to: string, amount: bigint]>
    approve: Tx<[spender: string, amount: bigint]>
    mint: Tx<[to: string, amount: bigint]>
    burn: Tx<[amount: bigint]>
  }

/** CompToken (Comp-style: uint96, getCurrentVotes / getPriorVotes). */
export type CompTokenContract = VotesCommon & {
  decimals: View<[], bigint>
  totalSupply: View<[], bigint>
  getCurrentVotes: View<[account: string], bigint>
  getPriorVotes: View<[account: string, blockNumber: Timepoint], bigint>
  numCheckpoints: View<[account: string], bigint>
  checkpoints: View<[account: string, index: Timepoint], [fromBlock: bigint, votes: bigint]>
  transfer: Tx<[to: string, amount: bigint]>
  transferFrom: Tx<[from: string, to: string, amount: bigint]>
  approve: Tx<[spender: string, amount: bigint]>
  mint: Tx<[to: string, amount: bigint]>
  burn: Tx<[amount: bigint]>
  burnFrom: Tx<[from: string, amount: bigint]>
}

/** NftVotes (OZ v5 ERC721 + ERC721Votes): one vote unit per token. */
export type NftVotesContract = VotesCommon &
  OzVotes & {
    totalSupply: View<[], bigint>
    ownerOf: View<[tokenId: bigint], string>
    transferFrom: Tx<[from: string, to: string, tokenId: bigint]>
    approve: Tx<[to: string, tokenId: bigint]>
    mint: Tx<[to: string, tokenId: bigint]>
    burn: Tx<[tokenId: bigint]>
  }

/** Batcher: runs several calls on one target as itself, in one transaction. */
export type BatcherContract = BaseContract & {
  owner: View<[], string>
  execute: Tx<[target: string, calls: string[]]>
}

export type TokenContract<K extends TokenKind> = K extends 'erc20votes'
  ? GovTokenContract
  : K extends 'comp'
    ? CompTokenContract
    : NftVotesContract

export type DeployContractParameters = {
  /** A fixture contract name (fixtures/artifacts/<name>.json). */
  name: FixtureContractName | (string & {})
  /** The deployer, e.g. `await provider.getSigner(0)` or `impersonatedSigner(...)`. */
  signer: Signer
  args?: unknown[]
  overrides?: Overrides
}

export type DeployContractResult<C> = {
  contract: C
  /** Checksummed. */
  address: string
  blockNumber: number
  txHash: string
}

/**
 * Deploys a fixture contract with ethers' ContractFactory and waits for its receipt (one
 * block on automine). The contract is typed as `C`; nothing checks that `C` fits the ABI.
 */
async function deployContract<C extends BaseContract = BaseContract>({
  name,
  signer,
  args = [],
  overrides,
}: DeployContractParameters): Promise<DeployContractResult<C>> {
  const artifact = loadArtifact(name)
  const factory = new ContractFactory(artifact.abi, artifact.bytecode, signer)
  const contract = await factory.deploy(...args, ...(overrides ? [overrides] : []))
  const tx = contract.deploymentTransaction()
  const receipt = await tx?.wait()
  if (!tx || !receipt || receipt.status !== 1 || !receipt.contractAddress) {
    throw new DevchainError(`Deploying ${name} failed${tx ? ` in transaction ${tx.hash}` : ''}.`)
  }
  return {
    contract: contract.connect(signer as ContractRunner) as unknown as C,
    address: receipt.contractAddress,
    blockNumber: receipt.blockNumber,
    txHash: tx.hash,
  }
}

export type DeployTokenParameters<K extends TokenKind> = {
  kind: K
  signer: Signer
  name?: string
  symbol?: string
  /** erc20votes only: 'timestamp' deploys GovTokenTimestamp. Default 'blocknumber'. */
  clock?: 'blocknumber' | 'timestamp'
}

/** Deploys the fixture token of `kind`, owned by `signer`. */
export async function deployToken<K extends TokenKind>({
  kind,
  signer,
  name,
  symbol,
  clock = 'blocknumber',
}: DeployTokenParameters<K>): Promise<DeployContractResult<TokenContract<K>>> {
  if (clock === 'timestamp' && kind !== 'erc20votes')
    throw new DevchainError(`Only erc20votes has a timestamp-clock fixture; got kind ${kind}.`)
  const contractName = clock === 'timestamp' ? 'GovTokenTimestamp' : TOKEN_CONTRACT[kind]
  const defaults: Record<TokenKind, [string, string]> = {
    erc20votes: ['Gov Token', 'GOV'],
    comp: ['Comp Token', 'COMPT'],
    erc721votes: ['Gov NFT', 'GNFT'],
  }
  const [defaultName, defaultSymbol] = defaults[kind]
  return deployContract<TokenContract<K>>({
    name: contractName,
    signer,
    args: [name ?? defaultName, symbol ?? defaultSymbol],
  })
}

/** Deploys a Batcher owned by `signer`. */
export async function deployBatcher({ signer }: { signer: Signer }): Promise<DeployContractResult<BatcherContract>> {
  return deployContract<BatcherContract>({ name: 'Batcher', signer })
}
