/**
 * Split one line of an RFC 4180-style CSV file: fields separated by commas, optionally
 * double-quoted (`"a, b"`, `""` for a quote inside quotes). A field cannot span lines.
 * Returns undefined when a quote is left open.
 */
export function splitCsvLine(line: string): string[] | undefined {
  const fields: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"'
        i++
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      fields.push(field)
      field = ''
    } else field += c
  }
  if (quoted) return undefined
  fields.push(field)
  return fields
}

/** Lines of a text file with 1-based numbers; a leading BOM is dropped, CRLF accepted. */
export function numberedLines(text: string): { line: number; raw: string }[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((raw, i) => ({ line: i + 1, raw }))
}
