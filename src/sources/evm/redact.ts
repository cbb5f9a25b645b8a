/**
 * RPC URLs routinely carry API keys (`https://eth-mainnet.g.alchemy.com/v2/<key>`,
 * `https://mainnet.infura.io/v3/<key>`, `?apikey=`, `user:pass@`). Every message that
 * can reach a terminal or a log goes through `redact()`.
 *
 * Two mechanisms: secrets the program knows about (the --rpc URL, SNAPSHOT_API_KEY) are
 * registered and replaced wherever they appear, even mangled into another message; and
 * any http(s)/ws(s) URL found in text is reduced to scheme, host and port.
 */
const secrets = new Set<string>()

/** Remember a secret (a whole URL or a key) so `redact` removes it from any text. */
export function registerSecret(secret: string | undefined): void {
  if (!secret || secret.length < 6) return
  // A URL with nothing secret in it (http://127.0.0.1:8545) stays readable: registering it
  // whole would turn the RPC's own label into "<redacted>".
  if (redactUrl(secret) === secret.replace(/\/$/, '')) return
  secrets.add(secret)
  // A URL's key is usually its path or query: register those parts too, since error
  // messages from fetch/undici may quote them separately.
  try {
    const url = new URL(secret)
    const tail = `${url.pathname}${url.search}`.replace(/^\/+/, '')
    for (const part of tail.split(/[/?&=]/)) if (part.length >= 12) secrets.add(part)
    if (url.password) secrets.add(url.password)
    if (url.username.length >= 6) secrets.add(url.username)
  } catch {
    // Not a URL: a bare key, already registered above.
  }
}

/** Reduce a URL to what is safe to show: scheme, host and port. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url)
    const hidden = u.username || u.password || (u.pathname !== '/' && u.pathname !== '') || u.search || u.hash
    return `${u.protocol}//${u.host}${hidden ? '/<redacted>' : ''}`
  } catch {
    return '<redacted url>'
  }
}

const URL_IN_TEXT = /\b(?:https?|wss?):\/\/[^\s"'<>)\]]+/gi

/** Remove registered secrets and the secret parts of any URL from a message. */
export function redact(text: string): string {
  let out = text
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('<redacted>')
  return out.replace(URL_IN_TEXT, redactUrlInText)
}

/** `redactUrl` for a URL found in text, idempotent: an already redacted `http://h/<redacted>` keeps its slash. */
function redactUrlInText(m: string): string {
  const r = redactUrl(m)
  return m.endsWith('/') && !r.endsWith('/') && !r.endsWith('>') ? `${r}/` : r
}
