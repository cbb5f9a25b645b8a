/**
 * Providers refuse an eth_getLogs that spans too many blocks or returns too many logs,
 * and most of them say in the error text what would work. This module turns such an
 * error into a decision, without I/O: is it a range error, and which range to try next.
 *
 * Suggestions come in two shapes:
 * - `{ fromBlock, toBlock }`: a range the provider computed for this request (it fits
 *   the provider's result limit). Only its size is a useful estimate for what follows.
 * - `{ maxRange }`: a hard limit on the number of blocks per request. Providers disagree
 *   on whether "a 10,000 range" means `to - from <= 10000` or `to - from + 1 <= 10000`;
 *   callers treat `maxRange` as a block count (inclusive), which satisfies both.
 *
 * A range error without a usable hint returns `{ isRangeError: true }`: the caller halves.
 */

export type RangeHintError = { code?: number; message: string; data?: unknown }

export type RangeHintParameters = {
  /** The block range of the failed request, inclusive. */
  fromBlock: number
  toBlock: number
  error: RangeHintError
}

export type RangeSuggestion = { fromBlock: number; toBlock: number } | { maxRange: number }

export type RangeHint = {
  isRangeError: boolean
  suggested?: RangeSuggestion
  /** Which rule matched, for logs and tests. */
  provider?: string
}

type Rule = {
  provider: string
  pattern: RegExp
  /** Turn the match into a suggestion; undefined = range error without a usable hint. */
  suggest: (m: RegExpExecArray, p: RangeHintParameters) => RangeSuggestion | undefined
}

const HEX = '0x[0-9a-fA-F]+'

const RULES: Rule[] = [
  {
    // Alchemy, code -32602: "Log response size exceeded. You can make eth_getLogs requests with
    // up to a 2K block range and no limit on the response size, or you can request any block
    // range with a cap of 10K logs in the response. Based on your parameters and the response
    // size limit, this block range should work: [0x0, 0x87fe9]"
    provider: 'alchemy',
    pattern: new RegExp(`this block range should work: \\[(${HEX}),\\s*(${HEX})\\]`),
    suggest: (m) => blockRange(m[1]!, m[2]!),
  },
  {
    // Infura (and zkSync, thirdweb), code -32005: "query returned more than 10000 results.
    // Try with this block range [0x30CE171, 0x30CE1B0]."
    provider: 'infura',
    pattern: new RegExp(`[Tt]ry with this block range \\[(${HEX}),\\s*(${HEX})\\]`),
    suggest: (m) => blockRange(m[1]!, m[2]!),
  },
  {
    // Reth, code -32602: "query exceeds max results 20000, retry with the range 100-200".
    // When the first block alone overflows, reth answers `from-(from-1)`: no usable range.
    provider: 'reth',
    pattern: /query exceeds max results \d+, retry with the range (\d+)-(\d+)/,
    suggest: (m) => blockRange(m[1]!, m[2]!),
  },
  {
    // QuickNode, HTTP 413 + code -32614: "eth_getLogs is limited to a 10,000 range";
    // also "eth_getLogs and eth_newFilter are limited to a 10,000 blocks range" (1RPC, Blast).
    provider: 'quicknode',
    pattern: /limited to a ([\d,._]+)(?: blocks?)? range/,
    suggest: (m) => maxRange(m[1]!),
  },
  {
    // Infura's block-range limit, code -32602: "range 1000000 exceeds limit of 10000".
    provider: 'range-limit',
    pattern: /range \d+ exceeds limit of ([\d,._]+)/,
    suggest: (m) => maxRange(m[1]!),
  },
  {
    // PublicNode and similar: "exceed maximum block range: 50000".
    provider: 'publicnode',
    pattern: /exceed(?:s|ed)? maximum block range:? ([\d,._]+)/i,
    suggest: (m) => maxRange(m[1]!),
  },
  {
    // Reth's block limit, and Hyperliquid: "query exceeds max block range 100000".
    provider: 'reth-blocks',
    pattern: /query exceeds max block range ([\d,._]+)/,
    suggest: (m) => maxRange(m[1]!),
  },
  {
    // Avalanche: "requested too many blocks from 0 to 100000, maximum is set to 2048".
    provider: 'avalanche',
    pattern: /requested too many blocks from \d+ to \d+, maximum is set to (\d+)/,
    suggest: (m) => maxRange(m[1]!),
  },
  {
    // cdk-erigon "block range too large, max range: 1000"; Cloudflare "Max range: 3500".
    provider: 'max-range',
    pattern: /[Mm]ax range: ([\d,._]+)/,
    suggest: (m) => maxRange(m[1]!),
  },
  {
    // thirdweb: "Maximum allowed number of requested blocks is 1000".
    provider: 'thirdweb',
    pattern: /Maximum allowed number of requested blocks is (\d+)/,
    suggest: (m) => maxRange(m[1]!),
  },
  {
    // Coinbase: "please limit the query to at most 1000 blocks".
    provider: 'coinbase',
    pattern: /limit the query to at most ([\d,._]+) blocks/,
    suggest: (m) => maxRange(m[1]!),
  },
  {
    // Without a usable number: Alchemy's old "Log response size exceeded.", geth/erigon
    // "query returned more than 10000 results", "query timeout exceeded", Optimism "backend
    // response too large" / "Block range is too large", Base "block range too large",
    // Arbitrum "logs matched by query exceeds limit of 10000", Chainstack "Block range limit
    // exceeded.", Ankr "block range is too wide", llamarpc "query exceeds max results".
    provider: 'generic',
    pattern:
      /too many results|more than \d+ results|response size (?:exceeded|is larger|should not)|response too large|block range (?:is )?too (?:large|wide)|range limit exceeded|exceeds max results|matched by query exceeds limit|query timeout exceeded|too many logs/i,
    suggest: () => undefined,
  },
]

/** Match a provider's range error and extract the range it suggests, if any. */
export function parseRangeHint({ fromBlock, toBlock, error }: RangeHintParameters): RangeHint {
  const text = errorText(error)
  for (const rule of RULES) {
    const m = rule.pattern.exec(text)
    if (!m) continue
    const suggested = usable(rule.suggest(m, { fromBlock, toBlock, error }), fromBlock, toBlock)
    return suggested ? { isRangeError: true, suggested, provider: rule.provider } : { isRangeError: true, provider: rule.provider }
  }
  return { isRangeError: false }
}

/** Whether an error is a provider's "range too large / too many results" refusal. */
export function isRangeError(error: RangeHintError): boolean {
  const text = errorText(error)
  return RULES.some((r) => r.pattern.test(text))
}

function errorText(error: RangeHintError): string {
  const data = error.data
  if (data === undefined || data === null) return error.message
  return `${error.message} ${typeof data === 'string' ? data : safeStringify(data)}`
}

function safeStringify(v: unknown): string {
  try {
    return JSON.stringify(v) ?? ''
  } catch {
    return '' // cyclic data cannot carry a hint we could read
  }
}

function blockRange(a: string, b: string): RangeSuggestion | undefined {
  const fromBlock = Number(a)
  const toBlock = Number(b)
  if (!Number.isSafeInteger(fromBlock) || !Number.isSafeInteger(toBlock)) return undefined
  return { fromBlock, toBlock }
}

function maxRange(text: string): RangeSuggestion | undefined {
  const n = Number(text.replace(/[,._]/g, ''))
  return Number.isSafeInteger(n) ? { maxRange: n } : undefined
}

/** Drop suggestions that cannot make progress: empty, inverted, or not smaller than the request. */
function usable(s: RangeSuggestion | undefined, fromBlock: number, toBlock: number): RangeSuggestion | undefined {
  if (!s) return undefined
  if ('maxRange' in s) return s.maxRange >= 1 ? s : undefined
  if (s.toBlock < s.fromBlock || s.fromBlock < 0) return undefined
  if (s.toBlock - s.fromBlock >= toBlock - fromBlock) return undefined
  return s
}
