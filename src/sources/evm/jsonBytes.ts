/**
 * Reading a JSON-RPC answer straight from its bytes, for the one answer shape that is
 * worth it: eth_getLogs, where a million logs are ~600 MB of JSON that `text()` +
 * `JSON.parse` turn into ~10 million strings, only for the indexer to copy the hex out of
 * them again (DESIGN.md §4, "the hot path decides the speed").
 *
 * This is deliberately not a JSON parser. It reads the simple subset nodes actually send
 * (objects, arrays, strings without escapes, non-negative integers, true/false/null) and
 * gives up — `NotSimple` — on anything else: an escape, a non-ASCII byte, a float, a
 * duplicate key. Giving up is never an error: the caller falls back to `JSON.parse` and
 * the ordinary validation, which say precisely what is wrong with an answer that is
 * really malformed. So the fast path only has to be right about what it accepts.
 */

/** The answer is outside the simple subset: read it with JSON.parse instead. */
export class NotSimple extends Error {
  override name = 'NotSimple'
}

const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const COLON = 0x3a
const OPEN_OBJECT = 0x7b
const CLOSE_OBJECT = 0x7d

/** A cursor over the bytes of one answer. Every method throws NotSimple on a surprise. */
export class JsonBytes {
  constructor(
    readonly bytes: Uint8Array,
    public at = 0,
  ) {}

  /** Skip JSON whitespace; return the next byte (or -1 at the end). */
  peek(): number {
    const b = this.bytes
    let i = this.at
    for (; i < b.length; i++) {
      const c = b[i]!
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break
    }
    this.at = i
    return i < b.length ? b[i]! : -1
  }

  /** Consume `c` (after whitespace). */
  expect(c: number): void {
    if (this.peek() !== c) throw new NotSimple()
    this.at++
  }

  /** Consume `c` if it is next (after whitespace). */
  accept(c: number): boolean {
    if (this.peek() !== c) return false
    this.at++
    return true
  }

  /** Consume a string with no escapes and only printable ASCII; return the index just past its opening quote. Its end is `at - 1`. */
  string(): number {
    this.expect(QUOTE)
    const b = this.bytes
    const start = this.at
    let i = start
    for (; i < b.length; i++) {
      const c = b[i]!
      if (c === QUOTE) break
      if (c === BACKSLASH || c < 0x20 || c > 0x7e) throw new NotSimple()
    }
    if (i >= b.length) throw new NotSimple()
    this.at = i + 1
    return start
  }

  /** Consume a non-negative integer of at most 15 digits. */
  integer(): number {
    this.peek()
    const b = this.bytes
    let i = this.at
    let n = 0
    for (; i < b.length && i - this.at < 16; i++) {
      const c = b[i]!
      if (c < 0x30 || c > 0x39) break
      n = n * 10 + (c - 0x30)
    }
    const digits = i - this.at
    if (digits === 0 || digits > 15 || (digits > 1 && b[this.at] === 0x30)) throw new NotSimple()
    if (i < b.length && (b[i] === 0x2e || (b[i]! | 0x20) === 0x65 || b[i] === 0x2d)) throw new NotSimple() // a float
    this.at = i
    return n
  }

  /** Consume `true`, `false` or `null`. */
  literal(): boolean | null {
    const c = this.peek()
    const word = c === 0x74 ? 'true' : c === 0x66 ? 'false' : c === 0x6e ? 'null' : undefined
    if (word === undefined) throw new NotSimple()
    for (let k = 0; k < word.length; k++) if (this.bytes[this.at + k] !== word.charCodeAt(k)) throw new NotSimple()
    this.at += word.length
    return c === 0x74 ? true : c === 0x66 ? false : null
  }

  /** Skip a scalar value (string, integer, literal) whose meaning the caller does not need. */
  skipScalar(): void {
    const c = this.peek()
    if (c === QUOTE) this.string()
    else if (c >= 0x30 && c <= 0x39) this.integer()
    else this.literal()
  }

  /**
   * Read the members of an object: `member(keyStart, keyEnd)` is called after each key and
   * its colon, with the cursor on the value, and must consume the value.
   */
  object(member: (keyStart: number, keyEnd: number) => void): void {
    this.expect(OPEN_OBJECT)
    if (this.accept(CLOSE_OBJECT)) return
    for (;;) {
      const start = this.string()
      const end = this.at - 1
      this.expect(COLON)
      member(start, end)
      if (this.accept(CLOSE_OBJECT)) return
      this.expect(COMMA)
    }
  }

  /** Whether bytes [start, end) are the ASCII string `s`. */
  is(start: number, end: number, s: string): boolean {
    if (end - start !== s.length) return false
    for (let k = 0; k < s.length; k++) if (this.bytes[start + k] !== s.charCodeAt(k)) return false
    return true
  }
}

/**
 * The result of a single JSON-RPC answer `{"jsonrpc", "id", "result"}` (any member order),
 * read by `readResult` with the cursor on the result value; undefined when the answer is
 * anything else (an error object, another id, extra members, bytes after it), which the
 * caller then reads the ordinary way.
 */
export function readRpcResult<T>(bytes: Uint8Array, id: number, readResult: (json: JsonBytes) => T): T | undefined {
  const json = new JsonBytes(bytes)
  let seen = 0
  let result: { value: T } | undefined
  try {
    json.object((start, end) => {
      const key = json.is(start, end, 'jsonrpc') ? 1 : json.is(start, end, 'id') ? 2 : json.is(start, end, 'result') ? 4 : 0
      if (key === 0 || (seen & key) !== 0) throw new NotSimple()
      seen |= key
      if (key === 1) json.string()
      else if (key === 2) {
        if (json.integer() !== id) throw new NotSimple()
      } else result = { value: readResult(json) }
    })
    if (json.peek() !== -1 || (seen & 6) !== 6 || !result) return undefined
    return result.value
  } catch (e) {
    if (e instanceof NotSimple) return undefined
    throw e
  }
}
