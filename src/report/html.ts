/**
 * `govaudit report --html FILE`: the report as one self-contained page — inline CSS, the
 * report's JSON embedded as data, and an inline script that draws the Lorenz curve of each
 * basis and a chart of the largest holders as SVG from that data. No external URL of any
 * kind (the SVG namespace is read from the page's own <svg>, not written out), and a
 * Content-Security-Policy that forbids every fetch, so the page opens offline and leaks
 * nothing. The tables are the same as the terminal's, rendered as HTML with every text
 * escaped: proposal titles are written by whoever made the proposal.
 */
import type { Tabular } from './format.js'
import { toJson } from './format.js'
import { reportJson, reportTables, type ReportModel } from './report.js'

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => ESCAPES[c]!)

/**
 * JSON inside <script type="application/json">: `<` can never start `</script>` or `<!--`
 * once escaped, and U+2028/2029 are escaped for older parsers. JSON.parse reads it back unchanged.
 */
const scriptJson = (value: unknown): string =>
  toJson(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

function table(t: Tabular, heading: 'h1' | 'h2' = 'h2'): string {
  const [headline, ...context] = (t.title ?? '').split('\n')
  const head = t.columns.map((c) => `<th${c.align === 'right' ? ' class="num"' : ''}>${escapeHtml(c.header)}</th>`).join('')
  const rows = t.rows
    .map((row) => `<tr>${t.columns.map((c) => `<td${c.align === 'right' ? ' class="num"' : ''}>${escapeHtml(row[c.key] === null || row[c.key] === undefined ? '-' : String(row[c.key]))}</td>`).join('')}</tr>`)
    .join('\n')
  return [
    headline ? `<${heading}>${escapeHtml(headline)}</${heading}>` : '',
    ...context.map((line) => `<p class="context">${escapeHtml(line.trim())}</p>`),
    `<table><thead><tr>${head}</tr></thead><tbody>\n${rows}\n</tbody></table>`,
    ...(t.notes ?? []).map((n) => `<p class="note">${escapeHtml(n)}</p>`),
  ].join('\n')
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1b1f24; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.05rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: .5rem 0; } th, td { border-bottom: 1px solid #d8dde3; padding: .25rem .6rem; text-align: left; vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; } th { white-space: nowrap; } td { overflow-wrap: anywhere; }
.context, .note { margin: .15rem 0; color: #4a5560; } .note { font-style: italic; }
.charts { display: flex; flex-wrap: wrap; gap: 2rem; } figure { margin: 0; } figcaption { color: #4a5560; max-width: 28rem; }
svg text { font: 11px system-ui, sans-serif; fill: #1b1f24; }
.axis { stroke: #8a949e; stroke-width: .6; fill: none; } .equality { stroke: #8a949e; stroke-dasharray: 2 2; stroke-width: .6; fill: none; }
.lorenz { fill: none; stroke-width: 1.4; } .lorenz.voting-power { stroke: #0b63c5; } .lorenz.balance { stroke: #c5500b; } .lorenz.imported { stroke: #2e8540; }
.bar { fill: #0b63c5; }`

/** Draws from the embedded data; every text goes in through textContent, never as markup. */
const SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var bases = data.bases.filter(function (b) { return b.available; });
  function el(parent, name, attrs, text) {
    var e = document.createElementNS(parent.namespaceURI, name);
    for (var k in attrs) e.setAttribute(k, String(attrs[k]));
    if (text !== undefined) e.textContent = text;
    parent.appendChild(e);
    return e;
  }
  var lorenz = document.getElementById('lorenz-chart');
  var S = 300, P = 40;
  el(lorenz, 'path', { 'class': 'axis', d: 'M' + P + ' ' + P + 'V' + (S + P) + 'H' + (S + P) });
  el(lorenz, 'line', { 'class': 'equality', x1: P, y1: S + P, x2: S + P, y2: P });
  el(lorenz, 'text', { x: P, y: S + P + 16 }, '0');
  el(lorenz, 'text', { x: S + P - 60, y: S + P + 16 }, 'share of holders');
  el(lorenz, 'text', { x: 4, y: P - 8 }, 'share of weight');
  bases.forEach(function (b, i) {
    var pts = b.lorenz.points.map(function (p) { return (P + p.x * S).toFixed(2) + ',' + (P + (1 - p.y) * S).toFixed(2); });
    el(lorenz, 'polyline', { 'class': 'lorenz ' + b.basis, 'data-basis': b.basis, points: pts.join(' ') });
    el(lorenz, 'line', { 'class': 'lorenz ' + b.basis, x1: P + 8, y1: P + 10 + 14 * i, x2: P + 22, y2: P + 10 + 14 * i });
    el(lorenz, 'text', { 'class': 'legend', x: P + 28, y: P + 14 + 14 * i }, b.basis + ' (Gini ' + b.concentration.gini.toFixed(3) + ', ' + b.lorenz.population + ' holders)');
  });
  var holders = document.getElementById('top-chart');
  var top = bases.length ? bases[0] : null;
  if (top) {
    var max = top.topHolders.reduce(function (m, h) { return Math.max(m, h.share); }, 0);
    var W = 260, H = 22, X = 250;
    holders.setAttribute('height', String(H * top.topHolders.length + 10));
    holders.setAttribute('data-basis', top.basis);
    top.topHolders.forEach(function (h, i) {
      var name = h.label ? h.label : h.address.slice(0, 10) + '…' + h.address.slice(-4);
      el(holders, 'text', { x: 0, y: H * i + 15 }, name);
      el(holders, 'rect', { 'class': 'bar', 'data-address': h.address, x: X, y: H * i + 4, height: H - 8, width: max > 0 ? (h.share / max) * W : 0 });
      el(holders, 'text', { x: X + (max > 0 ? (h.share / max) * W : 0) + 6, y: H * i + 15 }, (h.share * 100).toFixed(2) + '%');
    });
  }
  document.body.setAttribute('data-drawn', 'true');
})();`

export function renderHtml(r: ReportModel): string {
  const j = reportJson(r)
  const first = j.bases.find((b) => b.available)
  const tables = reportTables(r, { markdown: false, titleWidth: Infinity })
  const [summary, ...rest] = tables
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`Governance report for ${r.dao}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<noscript><p class="note">The charts are drawn by this page's inline script; the tables below need none.</p></noscript>
${summary ? table(summary, 'h1') : ''}
<div class="charts">
<figure><svg id="lorenz-chart" width="380" height="380" role="img" aria-label="Lorenz curves"></svg>
<figcaption>${escapeHtml('Lorenz curve of each basis (after labels): holders sorted from smallest to largest; the further below the dashed line of equality, the more concentrated.')}</figcaption></figure>
<figure><svg id="top-chart" width="620" height="40" role="img" aria-label="Largest holders"></svg>
<figcaption>${escapeHtml(first ? `Largest holders by ${first.basis}, share of the denominator (${first.nakamoto.denominator} = ${first.nakamoto.total}).` : 'No holder basis is available for this DAO.')}</figcaption></figure>
</div>
${rest.map((t) => table(t)).join('\n')}
<script type="application/json" id="report-data">${scriptJson(j)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`
}
