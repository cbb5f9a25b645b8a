/**
 * A headline with labelled context lines, for the `title` of a Tabular. In a terminal the
 * lines are indented under the headline; in Markdown they become a bullet list (plain
 * consecutive lines would run together into one paragraph).
 */
export function titleBlock(headline: string, lines: readonly [label: string, text: string][], markdown: boolean): string {
  if (markdown) return [headline, '', ...lines.map(([label, text]) => `- **${label}:** ${text}`)].join('\n')
  const width = Math.max(...lines.map(([label]) => label.length)) + 1
  return [headline, ...lines.map(([label, text]) => `  ${`${label}:`.padEnd(width)} ${text}`)].join('\n')
}
