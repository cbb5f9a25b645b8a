/** `--labels FILE`: read and parse a labels CSV (DESIGN §7) for the analysis commands. */
import { labelMap, type Label, type LabelRow } from '../analysis/labels.js'
import { parseLabelsCsv } from './labelsCsv.js'
import { readInputFile } from './inputFile.js'

export type LoadedLabels = {
  /** The file as given, or null without --labels. */
  file: string | null
  rows: LabelRow[]
  map: ReadonlyMap<string, Label>
}

export const NO_LABELS: LoadedLabels = { file: null, rows: [], map: new Map() }

/** Unreadable file or bad row -> UsageError naming the file (and the line). */
export function loadLabels(file: string | undefined): LoadedLabels {
  if (file === undefined) return NO_LABELS
  const { text } = readInputFile(file, '--labels')
  const rows = parseLabelsCsv({ text, source: file })
  return { file, rows, map: labelMap(rows) }
}
