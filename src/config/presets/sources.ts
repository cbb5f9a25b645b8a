/**
 * The public files the presets were checked against, pinned to the commit read where the
 * repository was read as a whole (so a reviewer sees exactly what was checked).
 */
const gh = (repo: string, commit: string, path: string) => `https://github.com/${repo}/blob/${commit}/${path}`

const ANTICAPTURE = (path: string) => gh('blockful/anticapture', 'fb6db49622f99f9e0cfe16cc3c9e80ea1ff264b3', path)

export const SOURCES = {
  /** blockful/anticapture indexer: token and governor addresses with the blocks its indexer starts at. */
  anticaptureConstants: ANTICAPTURE('apps/indexer/src/lib/constants.ts'),
  /** Snapshot spaces and governors of the dashboard's DAO pages. */
  anticaptureDashboard: (dao: string) => ANTICAPTURE(`apps/dashboard/shared/dao-config/${dao}.ts`),
  /** Event ABIs the anticapture indexer decodes (delegation and governor events per DAO). */
  anticaptureAbi: (path: string) => ANTICAPTURE(`apps/indexer/src/indexer/${path}`),
  anticaptureConfig: (dao: string) => ANTICAPTURE(`apps/indexer/config/${dao}.config.ts`),
  /** senate-xyz/senate seed: governors and Snapshot spaces of the DAOs it tracked. */
  senateSeed: gh('senate-xyz/senate', 'd98db5b7ee8ce0d5808b280fcdc6a19aa3272f8c', 'packages/database/src/seed.ts'),
  uniswapDocs: 'https://docs.uniswap.org/concepts/governance/overview',
  compoundNetworks: gh('compound-finance/compound-protocol', 'a3214f67b73310d547e00fc578e8355911c9d376', 'networks/mainnet.json'),
  arbitrumDeployed: gh('ArbitrumFoundation/governance', '06693a7675cfb11377091075d1e8da94e5ae27e1', 'files/mainnet/deployedContracts.json'),
  arbitrumToken: 'https://github.com/ArbitrumFoundation/governance/blob/main/src/L2ArbitrumToken.sol',
  aaveToken: gh('bgd-labs/aave-address-book', 'f61c97628307d387ca93a78578970fe6db885029', 'src/AaveV3Ethereum.sol'),
  aaveGovernanceV3: gh('bgd-labs/aave-address-book', 'f61c97628307d387ca93a78578970fe6db885029', 'src/GovernanceV3Ethereum.sol'),
  aaveGovernanceV2: gh('bgd-labs/aave-address-book', '1f036c59249789e06e46947040b6eac6b763722e', 'src/AaveGovernanceV2.sol'),
  lidoDeployed: 'https://docs.lido.fi/deployed-contracts/',
  lidoTemplate: 'https://github.com/lidofinance/core/blob/master/contracts/0.4.24/template/LidoTemplate.sol',
} as const
