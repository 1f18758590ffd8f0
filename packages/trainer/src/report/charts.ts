import { FRAME, axes, esc, linear, num, svgOpen } from './svg.js';

/** Counts of values in `nBins` equal bins over [lo, hi]. */
export function histogram(values: ArrayLike<number>, lo: number, hi: number, nBins: number): number[] {
  const counts = new Array<number>(nBins).fill(0);
  const w = (hi - lo) / nBins || 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    const b = Math.min(nBins - 1, Math.max(0, Math.floor((v - lo) / w)));
    counts[b]!++;
  }
  return counts;
}

/** Bin edges of the r histogram: symmetric around 0, covering every value. */
export function rBinEdges(r: ArrayLike<number>, nBins = 40): { lo: number; hi: number; nBins: number } {
  let m = 0;
  for (let i = 0; i < r.length; i++) if (Number.isFinite(r[i]!)) m = Math.max(m, Math.abs(r[i]!));
  const hi = Math.max(0.05, Math.ceil(m * 20) / 20);
  return { lo: -hi, hi, nBins };
}

/** Histogram of test r: every voxel, and the significant ones on top. */
export function rHistogramChart(r: Float64Array, significant?: Uint8Array): string {
  const f = FRAME;
  const { lo, hi, nBins } = rBinEdges(r);
  const all = histogram(r, lo, hi, nBins);
  const sigValues = significant ? r.filter((_, i) => significant[i] === 1) : new Float64Array(0);
  const sig = histogram(sigValues, lo, hi, nBins);
  const ymax = Math.max(1, ...all);
  const sx = linear(lo, hi, f.left, f.width - f.right);
  const sy = linear(0, ymax, f.height - f.bottom, f.top);
  const w = (hi - lo) / nBins;
  const bars = (counts: number[], cls: string, label: string) =>
    counts
      .map((c, b) => {
        if (c === 0) return '';
        const x = sx(lo + b * w);
        const x1 = sx(lo + (b + 1) * w);
        const y = sy(c);
        return `<rect class="bar ${cls}" x="${x.toFixed(1)}" y="${y.toFixed(1)}" width="${Math.max(0.5, x1 - x - 1).toFixed(1)}" height="${(sy(0) - y).toFixed(1)}" data-count="${c}"><title>${label}: ${c} voxels with r in [${num(lo + b * w, 2)}, ${num(lo + (b + 1) * w, 2)})</title></rect>`;
      })
      .join('');
  const zero = sx(0);
  return `${svgOpen('chart-r-histogram', 'Histogram of test r')}${axes(f, { lo, hi, label: 'test r (Pearson)' }, { lo: 0, hi: ymax, label: 'voxels', format: (v) => num(v, 0) })}<g class="series-all">${bars(all, 'all', 'all voxels')}</g><g class="series-significant">${bars(sig, 'significant', 'significant voxels')}</g><line class="ref" x1="${zero.toFixed(1)}" y1="${f.top}" x2="${zero.toFixed(1)}" y2="${f.height - f.bottom}"/></svg>`;
}

/** Evenly spaced ranks (first and last included), at most `max` of them. */
function sampleRanks(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.round((i * (n - 1)) / (max - 1)));
}

/** Test r of every voxel sorted from best to worst, significant voxels marked. */
export function sortedRChart(r: Float64Array, significant?: Uint8Array): string {
  const f = FRAME;
  const order = Array.from({ length: r.length }, (_, i) => i).sort((a, b) => (r[b] ?? 0) - (r[a] ?? 0));
  const n = order.length;
  const rs = order.map((i) => (Number.isFinite(r[i]!) ? r[i]! : 0));
  const ymax = Math.max(0.05, ...rs.slice(0, 1));
  const ymin = Math.min(0, rs[n - 1] ?? 0);
  const sx = linear(0, Math.max(1, n - 1), f.left, f.width - f.right);
  const sy = linear(ymin, ymax, f.height - f.bottom, f.top);
  const pts = sampleRanks(n, 600).map((k) => `${sx(k).toFixed(1)},${sy(rs[k]!).toFixed(1)}`);
  let nSig = 0;
  if (significant) for (const i of order) if (significant[i] === 1) nSig++;
  const sigMark =
    nSig > 0
      ? `<rect class="sig-span" x="${f.left}" y="${f.top}" width="${(sx(nSig - 1) - f.left).toFixed(1)}" height="${f.height - f.top - f.bottom}"><title>${nSig} significant voxels</title></rect>`
      : '';
  return `${svgOpen('chart-r-sorted', 'Test r of every voxel, sorted')}${sigMark}${axes(f, { lo: 0, hi: Math.max(1, n - 1), label: 'voxel rank', format: (v) => num(v + 1, 0) }, { lo: ymin, hi: ymax, label: 'test r' })}<line class="ref" x1="${f.left}" y1="${sy(0).toFixed(1)}" x2="${f.width - f.right}" y2="${sy(0).toFixed(1)}"/><polyline class="line curve" points="${pts.join(' ')}"/></svg>`;
}

/** Grid-edge diagnosis of the chosen alphas. */
export interface AlphaSummary {
  /** The grid values, ascending. */
  grid: number[];
  /** Voxels per grid value (all, then significant). */
  counts: number[];
  significantCounts: number[];
  warnings: string[];
}

/**
 * Counts the chosen alphas per grid value and warns when many voxels sit at the grid's edge:
 * their optimum may lie outside it (rMVPA#87: a grid capped at 100 for an optimum near 1e4).
 */
export function alphaSummary(
  alpha: Float64Array,
  grid: readonly number[] | undefined,
  significant?: Uint8Array,
  threshold = 0.1,
): AlphaSummary {
  const g = [...new Set(grid && grid.length > 0 ? grid : Array.from(alpha).filter(Number.isFinite))].sort((a, b) => a - b);
  const index = (a: number) => {
    let best = 0;
    for (let k = 1; k < g.length; k++) if (Math.abs(Math.log(g[k]!) - Math.log(a)) < Math.abs(Math.log(g[best]!) - Math.log(a))) best = k;
    return best;
  };
  const counts = new Array<number>(g.length).fill(0);
  const sigCounts = new Array<number>(g.length).fill(0);
  for (let i = 0; i < alpha.length; i++) {
    const a = alpha[i]!;
    if (!(a > 0) || g.length === 0) continue;
    const k = index(a);
    counts[k]!++;
    if (significant?.[i] === 1) sigCounts[k]!++;
  }
  const warnings: string[] = [];
  const nSig = sigCounts.reduce((s, c) => s + c, 0);
  const [base, cs, who] = nSig > 0 ? [nSig, sigCounts, 'significant voxels'] : [alpha.length, counts, 'voxels'];
  if (g.length >= 2 && base > 0) {
    const top = cs[g.length - 1]! / base;
    const bottom = cs[0]! / base;
    if (top >= threshold)
      warnings.push(
        `${(100 * top).toFixed(0)}% of ${who} chose the largest alpha (${num(g[g.length - 1]!)}): their optimum may lie above the grid. Extend the alpha grid upwards.`,
      );
    if (bottom >= threshold)
      warnings.push(
        `${(100 * bottom).toFixed(0)}% of ${who} chose the smallest alpha (${num(g[0]!)}): their optimum may lie below the grid. Extend the alpha grid downwards.`,
      );
  }
  return { grid: g, counts, significantCounts: sigCounts, warnings };
}

/** Bars of voxels per alpha grid value (log10 axis), edge bars flagged. */
export function alphaChart(s: AlphaSummary): string {
  const f = FRAME;
  const n = s.grid.length;
  const ymax = Math.max(1, ...s.counts);
  const slot = (f.width - f.left - f.right) / Math.max(1, n);
  const sy = linear(0, ymax, f.height - f.bottom, f.top);
  const bars = s.grid
    .map((a, k) => {
      const x = f.left + k * slot + slot * 0.15;
      const w = slot * 0.7;
      const edge = (k === 0 || k === n - 1) && s.warnings.length > 0 && n >= 2 ? ' edge' : '';
      const all = s.counts[k]!;
      const sig = s.significantCounts[k]!;
      return `<g class="alpha-slot"><rect class="bar all${edge}" x="${x.toFixed(1)}" y="${sy(all).toFixed(1)}" width="${w.toFixed(1)}" height="${(sy(0) - sy(all)).toFixed(1)}"><title>alpha ${num(a)}: ${all} voxels (${sig} significant)</title></rect><rect class="bar significant" x="${x.toFixed(1)}" y="${sy(sig).toFixed(1)}" width="${w.toFixed(1)}" height="${(sy(0) - sy(sig)).toFixed(1)}"/><text class="tick-label" x="${(x + w / 2).toFixed(1)}" y="${f.height - f.bottom + 16}" text-anchor="middle">${esc(num(Math.log10(a), 1))}</text></g>`;
    })
    .join('');
  const axesMarkup = axes(
    f,
    { lo: 0, hi: 1, label: 'log10(alpha)', ticks: [] },
    { lo: 0, hi: ymax, label: 'voxels', format: (v) => num(v, 0) },
  );
  return `${svgOpen('chart-alpha', 'Chosen alpha per voxel')}${axesMarkup}${bars}</svg>`;
}

/** Measured and predicted test series of one voxel; story boundaries as vertical lines. */
export function timeseriesChart(
  index: number,
  voxel: number,
  r: number,
  measured: ArrayLike<number>,
  predicted: ArrayLike<number>,
  stories: readonly string[],
): string {
  const f = { ...FRAME, height: 180, bottom: 34 };
  const n = measured.length;
  const z = (xs: ArrayLike<number>) => {
    // Both series are shown z-scored so their shapes compare on one axis.
    let m = 0;
    for (let i = 0; i < n; i++) m += xs[i]!;
    m /= n || 1;
    let s = 0;
    for (let i = 0; i < n; i++) s += (xs[i]! - m) ** 2;
    s = Math.sqrt(s / (n || 1)) || 1;
    return Array.from({ length: n }, (_, i) => (xs[i]! - m) / s);
  };
  const zm = z(measured);
  const zp = z(predicted);
  let lim = 1;
  for (let i = 0; i < n; i++) lim = Math.max(lim, Math.abs(zm[i]!), Math.abs(zp[i]!));
  lim = Math.ceil(lim);
  const sx = linear(0, Math.max(1, n - 1), f.left, f.width - f.right);
  const sy = linear(-lim, lim, f.height - f.bottom, f.top);
  const line = (ys: number[]) => ys.map((y, i) => `${sx(i).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
  const bounds: string[] = [];
  for (let i = 1; i < stories.length; i++)
    if (stories[i] !== stories[i - 1])
      bounds.push(
        `<line class="ref" x1="${sx(i - 0.5).toFixed(1)}" y1="${f.top}" x2="${sx(i - 0.5).toFixed(1)}" y2="${f.height - f.bottom}"><title>${esc(stories[i])} starts</title></line>`,
      );
  const title = `Voxel ${voxel}: measured and predicted test response (r = ${num(r)})`;
  return `${svgOpen(`chart-ts-${index}`, title, f).replace('class="chart"', `class="chart timeseries" data-voxel="${voxel}" data-index="${index}"`)}${axes(f, { lo: 0, hi: Math.max(1, n - 1), label: 'test TR', format: (v) => num(v, 0) }, { lo: -lim, hi: lim, label: 'z' })}${bounds.join('')}<polyline class="line measured" points="${line(zm)}"/><polyline class="line predicted" points="${line(zp)}"/><line class="cursor" x1="-10" y1="${f.top}" x2="-10" y2="${f.height - f.bottom}"/></svg>`;
}

/** One point of the per-layer curve. */
export interface LayerPoint {
  layer: number;
  median: number;
  mean: number;
  nSignificant?: number;
}

/** Median and mean test r per layer of a sweep; the selected layer ringed. */
export function layerChart(points: readonly LayerPoint[], selected?: number): string {
  const f = FRAME;
  const xs = points.map((p) => p.layer);
  const ys = points.flatMap((p) => [p.median, p.mean]).filter(Number.isFinite);
  const lo = Math.min(0, ...ys);
  const hi = Math.max(0.05, ...ys) * 1.1;
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const sx = linear(x0, x1 === x0 ? x0 + 1 : x1, f.left, f.width - f.right);
  const sy = linear(lo, hi, f.height - f.bottom, f.top);
  const series = (key: 'median' | 'mean', cls: string) =>
    `<polyline class="line ${cls}" points="${points.map((p) => `${sx(p.layer).toFixed(1)},${sy(p[key]).toFixed(1)}`).join(' ')}"/>` +
    points
      .map(
        (p) =>
          `<circle class="point ${cls}" cx="${sx(p.layer).toFixed(1)}" cy="${sy(p[key]).toFixed(1)}" r="3.5"><title>layer ${p.layer}: ${key} r ${num(p[key])}${p.nSignificant === undefined ? '' : `, ${p.nSignificant} significant`}</title></circle>`,
      )
      .join('');
  const sel = points.find((p) => p.layer === selected);
  const ring = sel
    ? `<circle class="selected" cx="${sx(sel.layer).toFixed(1)}" cy="${sy(sel.median).toFixed(1)}" r="8"><title>selected layer ${sel.layer}</title></circle>`
    : '';
  return `${svgOpen('chart-layers', 'Test r per layer')}${axes(f, { lo: x0, hi: x1 === x0 ? x0 + 1 : x1, label: 'layer', ticks: xs, format: (v) => num(v, 0) }, { lo, hi, label: 'test r' })}${series('mean', 'mean')}${series('median', 'median')}${ring}</svg>`;
}
