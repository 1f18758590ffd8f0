import { median } from '@voxelwise/core';
import { FRAME, esc, num } from './svg.js';
import { alphaChart, alphaSummary, layerChart, rHistogramChart, sortedRChart, timeseriesChart } from './charts.js';
import type { LayerPoint } from './charts.js';
import type { ReportData } from './load.js';
import { REPORT_CSS, REPORT_SCRIPT } from './assets.js';
import { spacesSections } from './spaces-section.js';
import { brainMapSection } from './brain-map.js';

function metric(m: Record<string, unknown>, key: string): number {
  const v = m[key];
  return typeof v === 'number' ? v : Number.NaN;
}

function card(label: string, value: string, note = '', id = ''): string {
  return `<div class="card"${id ? ` id="${esc(id)}"` : ''}><div class="card-value">${esc(value)}</div><div class="card-label">${esc(label)}</div>${note ? `<div class="card-note">${esc(note)}</div>` : ''}</div>`;
}

/**
 * How the run's p-values and FDR were computed, in words: the sidedness and level come from the
 * evaluation's metrics (`alternative`, `fdr_alpha`), else the model's options, else the
 * `ridge-cv` defaults (one-sided, r > 0; q = 0.05).
 */
function significanceWording(d: ReportData): { sided: string; fdr: string; q: string } {
  const options = d.model.options && typeof d.model.options === 'object' ? (d.model.options as Record<string, unknown>) : {};
  const alt = d.metrics['alternative'] ?? options['alternative'] ?? 'greater';
  const q = d.metrics['fdr_alpha'] ?? options['fdr'] ?? 0.05;
  const sided = alt === 'two-sided' ? 'two-sided p' : alt === 'less' ? 'one-sided p (r < 0)' : 'one-sided p (r > 0)';
  const level = typeof q === 'number' ? String(q) : '?';
  return { sided, fdr: `Benjamini–Hochberg FDR at q = ${level}`, q: level };
}

function seconds(ms: number): string {
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s` : '–';
}

/** A JSON string safe to embed in a <script> element. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function headline(d: ReportData): string {
  const m = d.metrics;
  const nSig = metric(m, 'n_significant');
  const pct = metric(m, 'percent_significant');
  const nv = metric(m, 'n_voxels');
  const words = significanceWording(d);
  const cards = [
    card('median r', num(metric(m, 'median_score')), 'test story, Pearson', 'headline-median'),
    card('mean r', num(metric(m, 'mean_score'))),
    card('max r', num(metric(m, 'max_score'))),
    card(
      'significant voxels',
      Number.isFinite(nSig) ? `${nSig}` : '–',
      Number.isFinite(pct) ? `${num(pct, 1)} % (${words.sided}, BH-FDR q = ${words.q})` : '',
    ),
    card('voxels', Number.isFinite(nv) ? String(nv) : String(d.scores.r.length)),
  ];
  if (Number.isFinite(metric(m, 'n_train_trs')))
    cards.push(card('train / test TRs', `${metric(m, 'n_train_trs')} / ${metric(m, 'n_test_trs')}`));
  if (Number.isFinite(metric(m, 'n_trs')))
    cards.push(card('TRs (nested CV)', String(metric(m, 'n_trs')), `${metric(m, 'n_outer_folds')} outer folds`));
  if (d.selectedLayer !== undefined)
    cards.push(
      card(
        'selected layer',
        String(d.selectedLayer),
        d.selectedBy === 'cv_score' ? 'by inner-CV score' : 'by median test r',
        'headline-layer',
      ),
    );
  if (Number.isFinite(metric(m, 'median_signed_sqrt_r2')))
    cards.push(card('median signed √R²', num(metric(m, 'median_signed_sqrt_r2')), "test story, Huth's reported score", 'headline-ssr2'));
  cards.push(card('design columns', String(metric(m, 'n_features'))));
  cards.push(card('run time', seconds(d.durationMs)));
  let planted = '';
  if (d.planted) {
    const p: number[] = [];
    const q: number[] = [];
    d.scores.r.forEach((r, i) => (d.planted![i] ? p : q).push(r));
    planted = `<p class="note" id="planted-summary">Simulated subject: median test r of the ${p.length} voxels with planted signal is <b>${num(median(p))}</b>; of the ${q.length} pure-noise voxels <b>${num(median(q))}</b>.</p>`;
  }
  return `<section id="headline"><h2>Headline</h2><div class="cards">${cards.join('')}</div>${planted}${voxelStatus(d)}</section>`;
}

/** Counts of dead, constant, zeroed and non-finite voxels (metrics.json; listed in scores.arrow). */
function voxelStatus(d: ReportData): string {
  const m = d.metrics;
  const items: Array<[string, string, string]> = [
    ['n_dead_voxels', 'dead (all responses 0)', 'dead'],
    ['n_constant_voxels', 'constant in some story (score 0 there)', 'constant'],
    ['n_zeroed_voxels', 'with NaN/Inf responses set to 0 on import', 'zeroed'],
    ['n_nonfinite_voxels', 'with a non-finite test score', 'non-finite'],
  ];
  const known = items.filter(([k]) => typeof m[k] === 'number');
  if (known.length === 0) return '';
  const flagged = known.filter(([k]) => (m[k] as number) > 0);
  if (flagged.length === 0)
    return `<p class="ok" id="voxel-status">Every voxel has varying, finite responses: none is dead, constant, zeroed or non-finite.</p>`;
  const list = flagged
    .map(([k, what, status]) => `<li>${m[k] as number} voxels ${esc(what)} (status <code>${esc(status)}</code>)</li>`)
    .join('');
  return `<div id="voxel-status"><p class="note">Flagged voxels, listed per voxel in the <code>status</code> column of scores.arrow:</p><ul class="warnings">${list}</ul></div>`;
}

function correlations(d: ReportData): string {
  const sig = d.scores.significant;
  const words = significanceWording(d);
  const buttons = sig
    ? `<div class="controls"><button type="button" data-toggle="hide-all" data-target="chart-r-histogram" aria-pressed="false">significant only</button></div>`
    : '';
  return `<section id="correlations"><h2>Test correlations</h2><p class="note">Pearson r between predicted and measured responses on the held-out data, per voxel.${sig ? ` Significant voxels (${words.sided}, ${words.fdr}) are highlighted.` : ''}</p>${buttons}<div class="grid2"><figure>${rHistogramChart(d.scores.r, sig)}<figcaption>Histogram of r: all voxels${sig ? ', significant ones in colour' : ''}.</figcaption></figure><figure>${sortedRChart(d.scores.r, sig)}<figcaption>Every voxel's r, best first${sig ? '; the shaded band spans the significant voxels' : ''}.</figcaption></figure></div></section>`;
}

function alphas(d: ReportData): string {
  const a = d.scores.alpha;
  if (!a) return `<section id="alphas"><h2>Regularisation</h2><p class="note">The model reported no per-voxel alphas.</p></section>`;
  const s = alphaSummary(a, d.alphaGrid, d.scores.significant);
  const warn = s.warnings.length
    ? `<ul class="warnings" id="alpha-warnings">${s.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul>`
    : `<p class="ok" id="alpha-warnings">No grid-edge problem: fewer than 10% of the ${s.significantCounts.some((c) => c > 0) ? 'significant ' : ''}voxels chose the smallest or the largest alpha.</p>`;
  const lam = d.scores.lambda;
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of lam ?? []) if (Number.isFinite(x)) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
  const lamNote = lam && hi >= lo ? ` The effective penalty λ = a² ranges from ${num(lo)} to ${num(hi)}.` : '';
  const rows = s.grid.map((g, k) => `<tr><td>${esc(num(g))}</td><td>${s.counts[k]}</td><td>${s.significantCounts[k]}</td></tr>`).join('');
  return `<section id="alphas"><h2>Regularisation</h2><p class="note">Chosen alpha per voxel over the grid (${s.grid.length} values, ${esc(num(s.grid[0] ?? Number.NaN))} … ${esc(num(s.grid[s.grid.length - 1] ?? Number.NaN))}).${lamNote}</p><div class="grid2"><figure>${alphaChart(s)}<figcaption>Voxels per alpha; significant voxels in colour; edge bars in red when many voxels sit there.</figcaption></figure><div>${warn}<table class="data" id="alpha-table"><thead><tr><th>alpha</th><th>voxels</th><th>significant</th></tr></thead><tbody>${rows}</tbody></table></div></div></section>`;
}

function series(d: ReportData): { html: string; data: unknown[] } {
  const ts = d.timeseries;
  if (!ts || ts.voxel.length === 0) return { html: '', data: [] };
  const order: number[] = [];
  for (const v of ts.voxel) if (!order.includes(v)) order.push(v);
  const data: unknown[] = [];
  const charts = order.map((voxel, i) => {
    const idx: number[] = [];
    ts.voxel.forEach((v, k) => v === voxel && idx.push(k));
    const measured = idx.map((k) => ts.measured[k]!);
    const predicted = idx.map((k) => ts.predicted[k]!);
    const stories = idx.map((k) => ts.story[k]!);
    const r = d.scores.r[voxel] ?? Number.NaN;
    data.push({
      voxel,
      r,
      tr: idx.map((k) => ts.tr[k]!),
      story: stories,
      measured: measured.map((x) => Number(x.toFixed(4))),
      predicted: predicted.map((x) => Number(x.toFixed(4))),
    });
    return `<figure>${timeseriesChart(i, voxel, r, measured, predicted, stories)}<figcaption>Voxel ${voxel}, r = ${num(r)}. <span class="readout" id="readout-${i}">Hover to read values.</span></figcaption></figure>`;
  });
  const testStories = [...new Set(ts.story)].join(', ');
  return {
    html: `<section id="best-voxels"><h2>Best voxels on the test data</h2><p class="note">Measured (grey) and predicted (colour) responses of the ${order.length} voxels with the highest test r, on ${esc(testStories)}; both z-scored.</p><div class="grid2">${charts.join('')}</div></section>`,
    data,
  };
}

function layers(d: ReportData): string {
  if (!d.layers || d.layers.length === 0) return '';
  const points: LayerPoint[] = d.layers.map((l) => ({
    layer: l['layer']!,
    median: l['median_score'] ?? Number.NaN,
    mean: l['mean_score'] ?? Number.NaN,
    ...(typeof l['n_significant'] === 'number' ? { nSignificant: l['n_significant'] } : {}),
  }));
  const cv = d.layers.map((l) => l['cv_score']);
  const hasCv = cv.every((x) => typeof x === 'number');
  const rows = points
    .map(
      (p, i) =>
        `<tr${p.layer === d.selectedLayer ? ' class="selected"' : ''}><td>${p.layer}</td>${hasCv ? `<td>${num(cv[i]!)}</td>` : ''}<td>${num(p.median)}</td><td>${num(p.mean)}</td><td>${p.nSignificant ?? '–'}</td></tr>`,
    )
    .join('');
  const how =
    d.selectedBy === 'cv_score'
      ? 'the one with the best inner cross-validation score on the training stories (the test story plays no part in the choice)'
      : 'the one with the highest median test r; a layer chosen on the test story gives an optimistic estimate: prefer a model that reports validation scores';
  return `<section id="layers"><h2>Layers</h2><p class="note">Median (colour) and mean (grey) test r per layer. The details in this report are for layer ${d.selectedLayer ?? '–'}, ${how}.</p><div class="grid2"><figure>${layerChart(points, d.selectedLayer)}<figcaption>Test r per layer.</figcaption></figure><table class="data" id="layer-table"><thead><tr><th>layer</th>${hasCv ? '<th>CV score</th>' : ''}<th>median r</th><th>mean r</th><th>significant</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

function table(rows: Array<[string, string]>, id: string): string {
  return `<table class="data" id="${esc(id)}"><tbody>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join('')}</tbody></table>`;
}

function provenance(d: ReportData): string {
  const asm = d.assembly;
  const general: Array<[string, string]> = [
    ['run id', d.runId],
    ['started', d.startedAt],
    ['config hash', d.configHash],
    ['preset', d.preset],
    ['split', JSON.stringify(d.split)],
    ['subject', asm.subject ?? '–'],
    ['TR (s)', String(asm.tr ?? '–')],
    ['model', `${d.model.name} ${JSON.stringify(d.model.options ?? {})}`],
  ];
  if (asm.provenance !== undefined) general.push(['assembly provenance', JSON.stringify(asm.provenance)]);
  const timing = Object.entries(d.timings)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => [k, seconds(v)] as [string, string]);
  const vers = Object.entries(d.versions).map(([k, v]) => [k, v] as [string, string]);
  return `<section id="provenance"><h2>Config and provenance</h2><div class="grid2"><div><h3>Run</h3>${table(general, 'provenance-run')}<h3>Time per stage</h3>${table(timing, 'provenance-timings')}<h3>Versions</h3>${table(vers, 'provenance-versions')}</div><div><h3>Resolved config <button type="button" id="copy-config">copy</button></h3><pre id="config-json">${esc(JSON.stringify(d.config, null, 2))}</pre></div></div></section>`;
}

/**
 * Renders the run report: one self-contained HTML file (inline CSS, SVG and script; no network)
 * with headline numbers, r histogram and sorted curve, alpha distribution with grid-edge
 * warnings, predicted vs measured series of the best voxels, the per-layer curve of a sweep,
 * and the config and provenance.
 */
export function renderReportHtml(d: ReportData): string {
  const ts = series(d);
  const subject = d.assembly.subject ? ` · subject ${esc(d.assembly.subject)}` : '';
  const payload = { frame: { width: FRAME.width, left: FRAME.left, right: FRAME.right }, series: ts.data };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>voxelwise · ${esc(d.name || d.runId)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<header><h1>${esc(d.name || 'run')} <span class="status status-${esc(d.status)}">${esc(d.status)}</span></h1><p class="sub">${esc(d.runId)}${subject} · ${esc(d.startedAt)}</p></header>
<main>
${headline(d)}
${layers(d)}
${correlations(d)}
${brainMapSection(d.brainMap)}
${alphas(d)}
${spacesSections(d)}
${ts.html}
${provenance(d)}
</main>
<footer>Written by voxelwise. This file is self-contained: it loads nothing from the network.</footer>
<script type="application/json" id="vw-data">${scriptJson(payload)}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`;
}
