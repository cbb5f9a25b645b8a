/**
 * The `govaudit scan` config: which DAOs to index and measure, read from a JSON file and
 * validated in full before any RPC or database is touched. Every problem is reported at
 * the line and column it sits at (`scan.json:7:15: daos[1].token: ...`), syntax errors
 * included; the first is the error's one sentence and all of them are its details.
 *
 * Pure: the text, the file name (for messages and to resolve `dbDir`) and the environment
 * (for `$VAR` / `${VAR}` references in RPC URLs, so API keys need not sit in the file)
 * come in; a ScanConfig or a UsageError comes out. Schema: README "Batch scan".
 */
import path from 'node:path'
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser'
import { UsageError } from '../errors.js'
import { parseRatioOption, ratioToNumber, reduceRatio, HALF, type Ratio } from '../analysis/ratio.js'
import { redactUrl } from '../sources/evm/redact.js'
import { GOVERNOR_KINDS, type GovernorKind } from '../sources/governor/topics.js'
import type { Confirmations } from '../sync/indexDao.js'
import { DEFAULT_CONFIRMATIONS, parseAddress, parseDaoName } from './options.js'
import { closeNames, findPreset, type Preset } from './presets/index.js'
import { resolveIndexTarget, type GovernorRequest, type IndexTarget } from './indexTarget.js'

const TOP_KEYS = ['rpc', 'dbDir', 'hub', 'threshold', 'whales', 'defaults', 'daos'] as const
const DEFAULT_KEYS = ['confirmations', 'toBlock'] as const
const DAO_KEYS = ['name', 'preset', 'token', 'governors', 'presetGovernors', 'snapshot', 'fromBlock', 'toBlock', 'confirmations', 'rpc'] as const
const GOVERNOR_KEYS = ['address', 'kind'] as const


export type ScanDaoConfig = {
  /** Lowercase; also the name of its database file. */
  name: string
  /** Env references resolved: a secret, never printed (createRpcClient registers it). */
  rpcUrl: string
  target: IndexTarget
  confirmations: Confirmations
}

/** The settings as the report repeats them: RPC URLs as written when they reference the environment, else redacted. */
export type ScanConfigEcho = {
  file: string
  /** As a float and exactly, like `nakamoto --format json`. */
  threshold: number
  thresholdRatio: string
  whales: number
  daos: {
    name: string
    preset: string | null
    token: string | null
    governors: { address: string; kind: GovernorKind | null }[]
    snapshot: string | null
    fromBlock: number | null
    toBlock: number | null
    confirmations: Confirmations
    rpc: string
  }[]
}

export type ScanConfig = {
  file: string
  threshold: Ratio
  whales: number
  /** Absolute folder for the DAOs' database files, when the config sets one. */
  dbDir?: string
  /** Snapshot hub URL for DAOs with a `snapshot` space (env references resolved). */
  hub?: string
  daos: ScanDaoConfig[]
  echo: ScanConfigEcho
}

export type ParseScanConfigParameters = {
  text: string
  /** As the user gave it: messages start with it, and a relative `dbDir` is taken from its folder. */
  file: string
  env: Readonly<Record<string, string | undefined>>
}

type Problem = { offset: number; text: string }

export function parseScanConfig({ text, file, env }: ParseScanConfigParameters): ScanConfig {
  const syntax: ParseError[] = []
  const root = parseTree(text, syntax, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false })
  // Only the first: the parser's later errors follow from it.
  if (syntax[0]) throw configError(file, text, [syntaxProblem(syntax[0], text)])
  const v = new Validator(env)
  const config = v.config(root, file)
  if (v.problems.length > 0 || config === undefined) throw configError(file, text, v.problems)
  return config
}

/** Reads nodes, noting every problem it meets and carrying on, so one run lists them all. */
class Validator {
  readonly problems: Problem[] = []
  /** Unknown keys in the object `fields` last read: a misspelt key is not also reported as a missing one. */
  private unknownKeys = 0

  constructor(private readonly env: Readonly<Record<string, string | undefined>>) {}

  config(root: Node | undefined, file: string): ScanConfig | undefined {
    if (root === undefined || root.type !== 'object')
      return this.fail(root?.offset ?? 0, `the config must be a JSON object such as {"daos": [{"preset": "uniswap"}]}`)
    const top = this.fields(root, '', TOP_KEYS)
    const misspelt = this.unknownKeys > 0
    const rpc = top.rpc && this.url(top.rpc, 'rpc')
    const hub = top.hub && this.url(top.hub, 'hub')
    const dbDir = top.dbDir && this.string(top.dbDir, 'dbDir')
    const threshold = top.threshold ? this.ratio(top.threshold, 'threshold') : HALF
    const whales = top.whales ? this.count(top.whales, 'whales') : 1
    const defaults = top.defaults ? this.defaults(top.defaults) : {}
    // A top-level rpc that is itself wrong is one problem, not one more per DAO.
    const fallbackRpc: ShownUrl | null | undefined = top.rpc
      ? (rpc ?? null)
      : this.env.GOVAUDIT_RPC_URL
        ? { url: this.env.GOVAUDIT_RPC_URL, shown: '$GOVAUDIT_RPC_URL' }
        : undefined

    if (!top.daos) return misspelt ? undefined : this.fail(root.offset, `config: "daos" is required: a list of DAOs such as [{"preset": "uniswap"}]`)
    if (top.daos.type !== 'array') return this.fail(top.daos.offset, `daos: expected a list of DAOs; got ${kindOf(top.daos)}`)
    const entries = top.daos.children ?? []
    if (entries.length === 0) return this.fail(top.daos.offset, `daos: the list is empty; add at least one DAO such as {"preset": "uniswap"}`)
    const daos = entries.map((node, i) => this.dao(node, `daos[${i}]`, defaults, fallbackRpc))
    this.uniqueNames(daos)

    if (threshold === undefined || whales === undefined || daos.some((d) => d === undefined)) return undefined
    const ok = daos as DaoRead[]
    return {
      file,
      threshold,
      whales,
      ...(dbDir !== undefined ? { dbDir: path.resolve(path.dirname(file), dbDir) } : {}),
      ...(hub !== undefined ? { hub: hub.url } : {}),
      daos: ok.map((d) => d.config),
      echo: { file, threshold: ratioToNumber(threshold), thresholdRatio: `${threshold.num}/${threshold.den}`, whales, daos: ok.map((d) => d.echo) },
    }
  }

  private defaults(node: Node): Partial<{ confirmations: Confirmations; toBlock: number }> {
    if (node.type !== 'object') return this.fail(node.offset, `defaults: expected an object such as {"confirmations": 12}; got ${kindOf(node)}`) ?? {}
    const f = this.fields(node, 'defaults', DEFAULT_KEYS)
    const confirmations = f.confirmations && this.confirmations(f.confirmations, 'defaults.confirmations')
    const toBlock = f.toBlock && this.count(f.toBlock, 'defaults.toBlock')
    return { ...(confirmations !== undefined ? { confirmations } : {}), ...(toBlock !== undefined ? { toBlock } : {}) }
  }

  private dao(node: Node, where: string, defaults: Partial<{ confirmations: Confirmations; toBlock: number }>, fallbackRpc: ShownUrl | null | undefined): DaoRead | undefined {
    if (node.type !== 'object') return this.fail(node.offset, `${where}: expected a DAO object such as {"preset": "uniswap"}; got ${kindOf(node)}`)
    const problemsBefore = this.problems.length
    const f = this.fields(node, where, DAO_KEYS)
    const misspelt = this.unknownKeys > 0
    const presetName = f.preset && this.string(f.preset, `${where}.preset`)
    const preset = presetName !== undefined ? this.preset(presetName, f.preset!, `${where}.preset`) : undefined
    const token = f.token && this.address(f.token, `${where}.token`)
    const name = f.name && this.daoName(f.name, `${where}.name`)
    const governors = f.governors ? this.governors(f.governors, `${where}.governors`) : []
    const presetGovernors = f.presetGovernors && this.boolean(f.presetGovernors, `${where}.presetGovernors`)
    const snapshot = f.snapshot && this.string(f.snapshot, `${where}.snapshot`)
    const fromBlock = f.fromBlock && this.count(f.fromBlock, `${where}.fromBlock`)
    const toBlock = f.toBlock ? this.count(f.toBlock, `${where}.toBlock`) : defaults.toBlock
    const confirmations = f.confirmations ? this.confirmations(f.confirmations, `${where}.confirmations`) : (defaults.confirmations ?? DEFAULT_CONFIRMATIONS)
    const rpc = f.rpc ? this.url(f.rpc, `${where}.rpc`) : (fallbackRpc ?? undefined)

    if (f.preset && f.token)
      this.fail(f.token.offset, `${where}.token: give either "preset" or "token", not both (the preset names its token)`)
    else if (!f.preset && !f.token && !misspelt) this.fail(node.offset, `${where}: give "preset" (a known DAO, see \`govaudit presets\`) or "token" (an address)`)
    if (f.token && !f.preset && !f.name && !misspelt) this.fail(node.offset, `${where}: "name" is required for a DAO given by its token (it names the DAO's database file)`)
    if (f.presetGovernors && !f.preset) this.fail(f.presetGovernors.offset, `${where}.presetGovernors: applies only to a DAO given by "preset"`)
    if (!f.rpc && fallbackRpc === undefined && !misspelt) this.fail(node.offset, `${where}: no RPC endpoint; set "rpc" on this DAO or at the top of the config, or set GOVAUDIT_RPC_URL`)
    const start = fromBlock ?? preset?.token.fromBlock
    if (start !== undefined && toBlock !== undefined && start > toBlock) {
      const at = f.toBlock ?? f.fromBlock ?? node
      this.fail(at.offset, `${where}: toBlock ${toBlock} is before ${fromBlock !== undefined ? `fromBlock ${fromBlock}` : `preset ${preset!.name}'s first block ${start}`}`)
    }
    if (this.problems.length > problemsBefore || rpc === undefined || confirmations === undefined || (preset === undefined && token === undefined))
      return undefined

    let target: IndexTarget
    try {
      const resolved = resolveIndexTarget({
        ...(preset ? { preset: preset.name } : {}),
        ...(token !== undefined ? { token } : {}),
        ...(name !== undefined ? { name } : {}),
        ...(fromBlock !== undefined ? { fromBlock } : {}),
        ...(toBlock !== undefined ? { toBlock } : {}),
        ...(snapshot !== undefined ? { snapshot } : {}),
        governor: [],
        governorKind: [],
        governors: presetGovernors ?? true,
      })
      // The listed governors first, as `index` puts --governor before the preset's.
      target = { ...resolved, governors: [...governors, ...resolved.governors] }
    } catch (error) {
      if (error instanceof UsageError) return this.fail((f.preset ?? node).offset, `${where}${f.preset ? '.preset' : ''}: ${error.shortMessage}`)
      throw error
    }
    const daoName = target.name!
    return {
      nameNode: f.name ?? f.preset ?? node,
      config: { name: daoName, rpcUrl: rpc.url, target, confirmations },
      echo: {
        name: daoName,
        preset: preset?.name ?? null,
        token: target.token ?? null,
        governors: target.governors.map((g) => ({ address: g.address, kind: g.kind ?? null })),
        snapshot: target.snapshot ?? null,
        fromBlock: target.fromBlock ?? null,
        toBlock: target.toBlock ?? null,
        confirmations,
        rpc: rpc.shown,
      },
    }
  }

  private uniqueNames(daos: (DaoRead | undefined)[]): void {
    const seen = new Map<string, number>()
    daos.forEach((d, i) => {
      if (!d) return
      const first = seen.get(d.config.name)
      if (first === undefined) seen.set(d.config.name, i)
      else this.fail(d.nameNode.offset, `daos[${i}]: DAO name "${d.config.name}" is also daos[${first}]'s; give one of them another "name"`)
    })
  }

  private preset(name: string, node: Node, where: string): Preset | undefined {
    try {
      return findPreset(name)
    } catch (error) {
      if (error instanceof UsageError) return this.fail(node.offset, `${where}: ${error.shortMessage}`)
      throw error
    }
  }

  private governors(node: Node, where: string): GovernorRequest[] {
    if (node.type !== 'array')
      return this.fail(node.offset, `${where}: expected a list such as [{"address": "0x...", "kind": "oz"}]; got ${kindOf(node)}`) ?? []
    return (node.children ?? []).flatMap((g, i) => {
      const at = `${where}[${i}]`
      if (g.type === 'string') {
        const address = this.address(g, at)
        return address === undefined ? [] : [{ address }]
      }
      if (g.type !== 'object') return this.fail(g.offset, `${at}: expected an address or {"address": "0x...", "kind": "oz"}; got ${kindOf(g)}`) ?? []
      const f = this.fields(g, at, GOVERNOR_KEYS)
      if (!f.address) return this.fail(g.offset, `${at}: "address" is required`) ?? []
      const address = this.address(f.address, `${at}.address`)
      const kind = f.kind && this.oneOf(f.kind, `${at}.kind`, GOVERNOR_KINDS)
      return address === undefined ? [] : [{ address, ...(kind !== undefined ? { kind } : {}) }]
    })
  }

  /** The object's properties by key; unknown and repeated keys are problems (counted in `unknownKeys`). */
  private fields<K extends string>(node: Node, where: string, allowed: readonly K[]): Partial<Record<K, Node>> {
    const out: Partial<Record<K, Node>> = {}
    this.unknownKeys = 0
    for (const property of node.children ?? []) {
      const [keyNode, valueNode] = property.children ?? []
      if (!keyNode || !valueNode) continue
      const key = String(keyNode.value)
      const at = where ? `${where}.${key}` : key
      if (!(allowed as readonly string[]).includes(key)) {
        this.unknownKeys++
        const close = closeNames(key, allowed)
        this.fail(keyNode.offset, `${at}: unknown key${close.length ? `; did you mean "${close[0]}"?` : `; known keys: ${allowed.join(', ')}`}`)
      } else if (out[key as K]) this.fail(keyNode.offset, `${at}: the key appears twice in this object`)
      else out[key as K] = valueNode
    }
    return out
  }

  private string(node: Node, where: string): string | undefined {
    if (node.type !== 'string') return this.fail(node.offset, `${where}: expected a string; got ${kindOf(node)}`)
    if ((node.value as string).trim() === '') return this.fail(node.offset, `${where}: is empty`)
    return node.value as string
  }

  private boolean(node: Node, where: string): boolean | undefined {
    if (node.type !== 'boolean') return this.fail(node.offset, `${where}: expected true or false; got ${kindOf(node)}`)
    return node.value as boolean
  }

  /** A whole number >= 0 that is exact as a JS number (block numbers, counts). */
  private count(node: Node, where: string): number | undefined {
    if (node.type !== 'number') return this.fail(node.offset, `${where}: expected a whole number >= 0; got ${kindOf(node)}`)
    const n = node.value as number
    if (!Number.isSafeInteger(n) || n < 0) return this.fail(node.offset, `${where}: expected a whole number >= 0; got ${n}`)
    return n
  }

  private confirmations(node: Node, where: string): Confirmations | undefined {
    if (node.type === 'string' && node.value === 'finalized') return 'finalized'
    if (node.type === 'number') return this.count(node, where)
    return this.fail(node.offset, `${where}: expected a whole number of blocks or "finalized"; got ${kindOf(node)}`)
  }

  private ratio(node: Node, where: string): Ratio | undefined {
    if (node.type !== 'number' && node.type !== 'string') return this.fail(node.offset, `${where}: expected a ratio such as 0.5, "2/3" or "50%"; got ${kindOf(node)}`)
    try {
      return reduceRatio(parseRatioOption({ text: String(node.value), flag: '' }))
    } catch (error) {
      if (error instanceof UsageError) return this.fail(node.offset, `${where}: ${error.shortMessage.trim()}`)
      throw error
    }
  }

  private oneOf<T extends string>(node: Node, where: string, values: readonly T[]): T | undefined {
    if (node.type === 'string' && (values as readonly string[]).includes(node.value as string)) return node.value as T
    const got = node.type === 'string' ? `"${node.value as string}"` : kindOf(node)
    return this.fail(node.offset, `${where}: expected one of ${values.join(', ')}; got ${got}`)
  }

  private address(node: Node, where: string): string | undefined {
    const text = this.string(node, where)
    if (text === undefined) return undefined
    try {
      return parseAddress('')(text)
    } catch (error) {
      if (error instanceof UsageError) return this.fail(node.offset, `${where}: ${error.shortMessage.trim()}`)
      throw error
    }
  }

  private daoName(node: Node, where: string): string | undefined {
    const text = this.string(node, where)
    if (text === undefined) return undefined
    try {
      return parseDaoName(text)
    } catch (error) {
      if (error instanceof UsageError) return this.fail(node.offset, `${where}: ${error.shortMessage.replace(/^--name /, '')}`)
      throw error
    }
  }

  /** An http(s) URL, with `$VAR` / `${VAR}` taken from the environment; shown as written, or redacted. */
  private url(node: Node, where: string): ShownUrl | undefined {
    const text = this.string(node, where)
    if (text === undefined) return undefined
    const missing: string[] = []
    const url = text.replace(ENV_REF, (_m, braced: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare)!
      const value = this.env[name]
      if (value === undefined || value === '') missing.push(name)
      return value ?? ''
    })
    if (missing.length > 0) return this.fail(node.offset, `${where}: the environment variable ${missing[0]} is not set`)
    let protocol: string
    try {
      protocol = new URL(url).protocol
    } catch {
      return this.fail(node.offset, `${where}: not a URL${url === text ? '' : ` (after reading ${text} from the environment)`}`)
    }
    if (protocol !== 'http:' && protocol !== 'https:') return this.fail(node.offset, `${where}: must be an http:// or https:// URL; got ${protocol}`)
    return { url, shown: url === text ? redactUrl(url) : text }
  }

  /** Note a problem; returns undefined so callers can `return this.fail(...)`. */
  private fail(offset: number, text: string): undefined {
    this.problems.push({ offset, text })
    return undefined
  }
}

type ShownUrl = { url: string; shown: string }
type DaoRead = { nameNode: Node; config: ScanDaoConfig; echo: ScanConfigEcho['daos'][number] }

const ENV_REF = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g

function kindOf(node: Node): string {
  switch (node.type) {
    case 'array':
      return 'a list'
    case 'object':
      return 'an object'
    case 'null':
      return 'null'
    case 'string':
      return `the string "${String(node.value).slice(0, 40)}"`
    default:
      return `${node.type === 'number' ? 'the number' : ''} ${String(node.value)}`.trim()
  }
}

/** jsonc-parser's error codes as plain words; a comma before a closing bracket is named (and pointed at) for what it is. */
function syntaxProblem(e: ParseError, text: string): Problem {
  const code = printParseErrorCode(e.error)
  const before = text.slice(0, e.offset).trimEnd()
  const closing = text[e.offset] === '}' || text[e.offset] === ']'
  if ((code === 'PropertyNameExpected' || code === 'ValueExpected') && closing && before.endsWith(','))
    return { offset: before.length - 1, text: `JSON syntax: trailing comma before "${text[e.offset]}" (JSON allows none)` }
  if (text.trim() === '') return { offset: 0, text: 'the file is empty; expected a JSON object such as {"daos": [{"preset": "uniswap"}]}' }
  return { offset: e.offset, text: `JSON syntax: ${SYNTAX_WORDS[code] ?? code}` }
}

const SYNTAX_WORDS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a key in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":" after the key',
  CommaExpected: 'expected "," between items',
  CloseBraceExpected: 'expected "}" to close the object',
  CloseBracketExpected: 'expected "]" to close the list',
  EndOfFileExpected: 'unexpected text after the end of the JSON value',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'comments are not allowed in JSON',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'incomplete number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape sequence',
  InvalidCharacter: 'control character in a string (escape it)',
}

/** 1-based line and column of a character offset. */
function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset)
  const lineStart = before.lastIndexOf('\n') + 1
  return { line: before.split('\n').length, column: offset - lineStart + 1 }
}

function configError(file: string, text: string, problems: readonly Problem[]): UsageError {
  const lines = [...problems]
    .sort((a, b) => a.offset - b.offset)
    .map((p) => {
      const { line, column } = lineColumn(text, p.offset)
      return `${file}:${line}:${column}: ${p.text.replace(/\.$/, '')}`
    })
  const more = lines.length > 1 ? `; ${lines.length - 1} more problem(s) (run with --verbose to list them all)` : ''
  return new UsageError(`${lines[0]}${more}`, { details: lines.join('\n') })
}
