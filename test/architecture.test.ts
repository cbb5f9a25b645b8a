/**
 * Data flows sources -> store -> analysis -> report. The pure layers (analysis, report)
 * must not import I/O, and only the CLI may import the CLI. This scans the imports.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, test } from 'vitest'

const SRC = path.resolve(import.meta.dirname, '../src')

function files(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name)
    return e.isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : []
  })
}

function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8')
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!)
}

const IO = ['better-sqlite3', 'node:fs', 'fs', 'node:http', 'node:net', 'node:child_process', 'ethers', 'ora']

describe('architecture', () => {
  test.each(['analysis', 'report'])('src/%s imports no I/O and nothing from sources, store or cli', (layer) => {
    const offenders: string[] = []
    for (const f of files(path.join(SRC, layer))) {
      for (const spec of imports(f)) {
        const bad =
          IO.includes(spec) ||
          /\/(sources|store|cli|sync|devchain)\//.test(spec.replace(/^\.\.?\//, '/'))
        // Type-only imports of store row types are allowed in report; analysis gets none.
        if (bad && !(layer === 'report' && isTypeOnly(f, spec))) offenders.push(`${path.relative(SRC, f)} -> ${spec}`)
      }
    }
    expect(offenders).toEqual([])
  })

  test('nothing outside src/cli imports src/cli', () => {
    const offenders = files(SRC)
      .filter((f) => !f.startsWith(path.join(SRC, 'cli')))
      .flatMap((f) => imports(f).filter((s) => s.includes('/cli/')).map((s) => `${path.relative(SRC, f)} -> ${s}`))
    expect(offenders).toEqual([])
  })
})

function isTypeOnly(file: string, spec: string): boolean {
  const text = fs.readFileSync(file, 'utf8')
  return new RegExp(`import type [^;]*from ['"]${spec.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}['"]`).test(text)
}
