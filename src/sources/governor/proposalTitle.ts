/** Longest title kept; longer ones are cut with an ellipsis. */
const MAX_TITLE = 200

/**
 * A proposal's title from its description: the text of the first Markdown ATX heading
 * (`# Title`, any level, closing #s dropped), else the first non-empty line, trimmed;
 * '' for an empty description. At most 200 characters.
 */
export function proposalTitle(description: string): string {
  const lines = description.split(/\r\n|\r|\n/)
  let title: string | undefined
  for (const line of lines) {
    const m = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line)
    if (m && m[1]!.trim() !== '') {
      title = m[1]!.trim()
      break
    }
  }
  title ??= lines.find((l) => l.trim() !== '')?.trim() ?? ''
  return title.length > MAX_TITLE ? `${title.slice(0, MAX_TITLE - 1)}…` : title
}
