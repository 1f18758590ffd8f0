import type { CellRecord, SweepJson } from './sweep-record.js';
import { SUMMARY_METRICS, layerCurves } from './summary.js';
import type { LayerCurve } from './summary.js';

/** A failed cell with the end of its log, for the report. */
export interface FailedCell {
  cell: CellRecord;
  logTail: string;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

function fmt(x: unknown, digits = 3): string {
  return typeof x === 'number' && Number.isFinite(x) ? (Number.isInteger(x) ? String(x) : x.toFixed(digits)) : '–';
}

const W = 420;
const H = 220;
const PAD = { left: 48, right: 12, top: 14, bottom: 34 };

/** One curve as an inline SVG: inner-CV score (solid, selects) and median test r (dashed). */
function curveSvg(curve: LayerCurve): string {
  const pts = curve.points;
  if (pts.length === 0) return '<p class="muted">no finished cells yet</p>';
  const ys = pts.flatMap((p) => [p.cvScore, p.medianScore]).filter((y): y is number => y !== undefined);
  let lo = Math.min(0, ...ys);
  let hi = Math.max(...ys, lo + 1e-6);
  const span = hi - lo;
  lo -= span * 0.05;
  hi += span * 0.05;
  const l0 = pts[0]!.layer;
  const l1 = Math.max(pts[pts.length - 1]!.layer, l0 + 1);
  const x = (l: number) => PAD.left + ((l - l0) / (l1 - l0)) * (W - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - (v - lo) / (hi - lo)) * (H - PAD.top - PAD.bottom);
  const line = (get: (p: (typeof pts)[number]) => number | undefined) =>
    pts
      .filter((p) => get(p) !== undefined)
      .map((p, i) => `${i === 0 ? 'M' : 'L'}${x(p.layer).toFixed(1)},${y(get(p)!).toFixed(1)}`)
      .join(' ');
  const ticks = pts
    .map((p) => `<text x="${x(p.layer).toFixed(1)}" y="${H - PAD.bottom + 14}" text-anchor="middle">${p.layer}</text>`)
    .join('');
  const yTicks = [lo, (lo + hi) / 2, hi]
    .map((v) => `<text x="${PAD.left - 6}" y="${y(v).toFixed(1)}" text-anchor="end" dominant-baseline="middle">${v.toFixed(3)}</text>`)
    .join('');
  const sel = curve.selected === undefined ? undefined : pts.find((p) => p.layer === curve.selected);
  const marker =
    sel?.cvScore === undefined
      ? ''
      : `<circle cx="${x(sel.layer).toFixed(1)}" cy="${y(sel.cvScore).toFixed(1)}" r="5" class="sel"><title>selected layer ${sel.layer} (best inner-CV score)</title></circle>`;
  const dots = pts
    .map((p) =>
      p.cvScore === undefined
        ? ''
        : `<circle cx="${x(p.layer).toFixed(1)}" cy="${y(p.cvScore).toFixed(1)}" r="2.5" class="cv"><title>layer ${p.layer}: CV ${fmt(p.cvScore)}, median test r ${fmt(p.medianScore)}</title></circle>`,
    )
    .join('');
  return `<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="layer curve ${esc(curve.label)}">
<line x1="${PAD.left}" y1="${H - PAD.bottom}" x2="${W - PAD.right}" y2="${H - PAD.bottom}" class="axis"/>
<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${H - PAD.bottom}" class="axis"/>
<path d="${line((p) => p.cvScore)}" class="cvline"/>
<path d="${line((p) => p.medianScore)}" class="testline"/>
${dots}${marker}<g class="ticks">${ticks}${yTicks}</g>
<text x="${(W + PAD.left) / 2}" y="${H - 4}" text-anchor="middle" class="lab">layer</text>
</svg>`;
}

/**
 * `sweep.html`: one offline file (no scripts, no external resources) with the layer curves per
 * subject and model (mean inner-CV score, which selects the layer, and median test r), the cell
 * table, and the failed cells with the end of their logs.
 */
export function renderSweepHtml(record: SweepJson, failures: readonly FailedCell[]): string {
  const curves = layerCurves(record.keys, record.cells);
  const counts = { done: 0, running: 0, failed: 0, pending: 0 };
  for (const c of record.cells) counts[c.status]++;
  const curveHtml = curves
    .map(
      (c) =>
        `<figure><figcaption>${esc(c.subject ? `${c.subject} — ` : '')}${esc(c.label)}${
          c.selected === undefined ? '' : ` · selected layer <b>${c.selected}</b>`
        }</figcaption>${curveSvg(c)}</figure>`,
    )
    .join('\n');
  const head = ['cell', ...record.keys, 'status', 'attempts', 'subject', ...SUMMARY_METRICS, 'time'];
  const rows = record.cells
    .map((c) => {
      const cells = [
        c.id,
        ...record.keys.map((k) => (typeof c.values[k] === 'object' ? JSON.stringify(c.values[k]) : String(c.values[k]))),
        c.status,
        String(c.attempts),
        c.subject ?? '–',
        ...SUMMARY_METRICS.map((m) => fmt(c.metrics?.[m])),
        c.durationMs === undefined ? '–' : `${(c.durationMs / 1000).toFixed(1)} s`,
      ];
      return `<tr class="${c.status}">${cells.map((v) => `<td>${esc(v)}</td>`).join('')}</tr>`;
    })
    .join('\n');
  const failed = failures
    .map(
      (f) =>
        `<details open><summary>${esc(f.cell.id)} — ${esc(f.cell.label)} (${f.cell.attempts} attempts)</summary><pre>${esc(f.logTail || '(no log)')}</pre></details>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(record.name)} — voxelwise sweep</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
.muted{color:#777}figure{display:inline-block;margin:8px 16px 8px 0}figcaption{font-size:13px;margin-bottom:4px}
svg text{font-size:10px;fill:#444}.axis{stroke:#999}.cvline{fill:none;stroke:#1f6fb2;stroke-width:2}
.testline{fill:none;stroke:#c0392b;stroke-width:1.5;stroke-dasharray:4 3}.cv{fill:#1f6fb2}.sel{fill:none;stroke:#111;stroke-width:2}
table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;padding:2px 6px;text-align:right}
tr.failed td{background:#fde8e8}tr.pending td,tr.running td{color:#888}pre{background:#f6f6f6;padding:8px;overflow:auto;max-height:320px}
</style></head><body>
<h1>Sweep ${esc(record.name)}</h1>
<p>${record.cells.length} cells: ${counts.done} done, ${counts.running} running, ${counts.failed} failed, ${counts.pending} pending · executor ${esc(record.executor)}${
    record.wallMs === undefined ? '' : ` · wall time ${(record.wallMs / 1000).toFixed(1)} s`
  } · updated ${esc(record.updatedAt)}</p>
<h2>Layer curves</h2>
<p class="muted">Solid: mean inner cross-validation score on the training stories (it selects the layer, circled). Dashed: median test r, shown only.</p>
${curveHtml || '<p class="muted">The grid has no layer key.</p>'}
<h2>Cells</h2>
<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>
${rows}
</tbody></table>
<h2>Failures</h2>
${failed || '<p class="muted">none</p>'}
</body></html>
`;
}
