/**
 * `govaudit report --html FILE`, opened in headless Chromium (Debian's `chromium`, which
 * .ci/run installs when absent): the page must be self-contained (no URL of any kind),
 * its inline script must draw the charts from the embedded data — a Lorenz polyline per
 * basis with every point, one bar per largest holder with a width in proportion to its
 * share — and a hostile proposal title must stay text. The charts exist only in the DOM
 * Chromium dumps after running the page, never in the file itself.
 */
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { cli, json, removeTmpDirs, tmpDir } from '../cli/harness.js'
import { HOSTILE_TITLE, setUpReportDao, type ReportDao } from './reportDao.js'

const CHROMIUM = '/usr/bin/chromium'

/** The DOM after the page's scripts ran, as Chromium serializes it; never touches the network. */
function renderedDom(file: string): Promise<string> {
  const profile = tmpDir('govaudit-chromium-')
  const args = [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', `--user-data-dir=${profile}`, '--dump-dom', `file://${file}`,
  ]
  return new Promise((resolve, reject) => {
    execFile(CHROMIUM, args, { timeout: 60_000, maxBuffer: 64 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`chromium failed: ${error.message}\n${stderr}`))
      else resolve(stdout)
    })
  })
}

/** Every `name="value"` attribute of every <tag …> in markup. */
function elements(markup: string, tag: string): Record<string, string>[] {
  return [...markup.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, 'g'))].map((m) =>
    Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])),
  )
}

let dao: ReportDao
let file: string
let report: any

beforeAll(async () => {
  dao = await setUpReportDao('report-html')
  file = path.join(tmpDir('govaudit-report-html-'), 'report.html')
  const run = await cli(['report', 'dao', '--db', dao.db, '--html', file, '--format', 'json'])
  expect(run.code, run.stderr).toBe(0)
  expect(run.stderr).toContain(`Wrote the HTML report to ${file}`)
  report = json(run)
}, 120_000)
afterAll(async () => {
  await dao?.stop()
  removeTmpDirs()
})

test('the page is self-contained and keeps a hostile title as text', () => {
  const html = fs.readFileSync(file, 'utf8')
  expect(html).not.toMatch(/https?:\/\//i)
  expect(html).not.toMatch(/<[a-z][^>]*\s(src|href|action|srcset)\s*=/i)
  expect(html).not.toMatch(/@import|url\(/i)
  expect(html).toContain(`Content-Security-Policy" content="default-src 'none'`)
  // Only our two script elements open and close; the title's markup is escaped in the table and the data.
  expect(html.match(/<script\b/gi)).toHaveLength(2)
  expect(html.match(/<\/script>/gi)).toHaveLength(2)
  expect(html).not.toContain('<img')
  expect(html).toContain('&lt;/script&gt;&lt;img src=x onerror=&quot;document.title=&#39;pwned&#39;&quot;&gt;&lt;b&gt;bold&lt;/b&gt;')
  // The charts are not in the file: only the page's script can draw them.
  expect(html).not.toContain('<polyline')
  expect(html).not.toContain('<rect')
})

test('headless Chromium runs the page and draws the Lorenz curves and the largest holders', async () => {
  expect(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium; .ci/run does it)`).toBe(true)
  const dom = await renderedDom(file)
  expect(dom).toMatch(/<body[^>]*data-drawn="true"/)

  const bases = report.bases.filter((b: any) => b.available)
  expect(bases.map((b: any) => b.basis)).toEqual(['voting-power', 'balance'])
  const curves = elements(dom, 'polyline')
  expect(curves.map((c) => c['data-basis'])).toEqual(bases.map((b: any) => b.basis))
  for (const [i, curve] of curves.entries()) {
    const points = curve.points!.trim().split(/\s+/).map((p) => p.split(',').map(Number))
    expect(points).toHaveLength(bases[i].lorenz.points.length)
    // Drawn from the data: y of each point is the Lorenz share, flipped into the 300px plot.
    for (const [j, [, y]] of points.entries()) expect(y).toBeCloseTo(40 + (1 - bases[i].lorenz.points[j].y) * 300, 1)
  }

  const holders = bases[0].topHolders
  expect(holders.length).toBeGreaterThan(1)
  const bars = elements(dom, 'rect').filter((r) => r.class === 'bar')
  expect(bars.map((b) => b['data-address'])).toEqual(holders.map((h: any) => h.address))
  const widths = bars.map((b) => Number(b.width))
  for (const [i, w] of widths.entries()) {
    expect(w).toBeGreaterThan(0)
    expect(w / widths[0]!).toBeCloseTo(holders[i].share / holders[0].share, 6)
  }

  // The hostile title was shown as text: no element came out of it, and its script never ran.
  expect(dom).not.toContain('<img')
  expect(dom).toMatch(/<title>Governance report for dao<\/title>/)
  expect(dom).toContain('&lt;/script&gt;&lt;img src=x onerror="document.title=\'pwned\'"&gt;&lt;b&gt;bold&lt;/b&gt;')
  expect(JSON.stringify(report)).toContain(JSON.stringify(HOSTILE_TITLE).slice(1, -1))
  // The proposal table: every shown proposal is a row.
  const shown = report.proposals.sources.reduce((n: number, s: any) => n + s.proposals.length, 0)
  expect(shown).toBeGreaterThan(2)
  expect((dom.match(/<tr>/g) ?? []).length).toBeGreaterThanOrEqual(shown)
}, 90_000)
