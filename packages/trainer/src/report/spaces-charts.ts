import { FRAME, axes, esc, linear, num, svgOpen } from './svg.js';
import { histogram } from './charts.js';

/** Colours of feature spaces and partition regions, in order (colour-blind safe, Okabe–Ito). */
const SPACE_COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442'] as const;

function colour(i: number): string {
  return SPACE_COLOURS[i % SPACE_COLOURS.length]!;
}

/** A legend row of coloured squares with labels, drawn at the top right of a frame. */
function legend(labels: readonly string[], x: number, y: number): string {
  return labels
    .map(
      (l, i) =>
        `<g class="legend-item"><rect x="${x}" y="${y + i * 16}" width="10" height="10" fill="${colour(i)}"/><text class="tick-label" x="${x + 14}" y="${y + i * 16 + 9}">${esc(l)}</text></g>`,
    )
    .join('');
}

/**
 * Histogram of one band's per-voxel score (split R² or split r), one chart per band so their
 * shapes compare; the x range is shared by the caller through `lo`/`hi`.
 */
export function bandHistogramChart(index: number, name: string, values: Float64Array, lo: number, hi: number, what: string): string {
  const f = FRAME;
  const nBins = 30;
  const counts = histogram(values, lo, hi, nBins);
  const ymax = Math.max(1, ...counts);
  const sx = linear(lo, hi, f.left, f.width - f.right);
  const sy = linear(0, ymax, f.height - f.bottom, f.top);
  const w = (hi - lo) / nBins;
  const bars = counts
    .map((c, b) => {
      if (c === 0) return '';
      const x = sx(lo + b * w);
      const x1 = sx(lo + (b + 1) * w);
      return `<rect class="bar band" fill="${colour(index)}" x="${x.toFixed(1)}" y="${sy(c).toFixed(1)}" width="${Math.max(0.5, x1 - x - 1).toFixed(1)}" height="${(sy(0) - sy(c)).toFixed(1)}"><title>${esc(name)}: ${c} voxels with ${esc(what)} in [${num(lo + b * w, 3)}, ${num(lo + (b + 1) * w, 3)})</title></rect>`;
    })
    .join('');
  const zero = sx(0);
  return `${svgOpen(`chart-band-${index}`, `${what} of feature space ${name}`)}${axes(f, { lo, hi, label: `${what} · ${name}` }, { lo: 0, hi: ymax, label: 'voxels', format: (v) => num(v, 0) })}${bars}<line class="ref" x1="${zero.toFixed(1)}" y1="${f.top}" x2="${zero.toFixed(1)}" y2="${f.height - f.bottom}"/></svg>`;
}

/** One region of the variance partition with its mean over voxels. */
export interface PartitionPart {
  label: string;
  mean: number;
}

/**
 * The variance partition as one stacked bar of mean test R² per region (unique to each space,
 * shared): positive parts stack rightwards from 0, negative estimates leftwards, so the bar's net
 * length is the joint model's mean R².
 */
export function partitionChart(parts: readonly PartitionPart[], joint: number): string {
  const f = { ...FRAME, height: 200, bottom: 40 };
  const pos = parts.reduce((s, p) => s + Math.max(0, p.mean), 0);
  const neg = parts.reduce((s, p) => s + Math.min(0, p.mean), 0);
  const lo = Math.min(0, neg);
  const hi = Math.max(pos, joint, 1e-6) * 1.05;
  const sx = linear(lo, hi, f.left, f.width - f.right - 150);
  const y = f.top + 20;
  const h = 48;
  let right = 0;
  let left = 0;
  const segs = parts
    .map((p, i) => {
      const v = Number.isFinite(p.mean) ? p.mean : 0;
      const [a, b] = v >= 0 ? [right, (right += v)] : [(left += v), left - v];
      const x = sx(a);
      const width = Math.max(0.5, sx(b) - x);
      return `<rect class="bar partition" fill="${colour(i)}" x="${x.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${h}"><title>${esc(p.label)}: mean R² ${num(p.mean)}</title></rect>`;
    })
    .join('');
  const jx = sx(joint);
  const mark = Number.isFinite(joint)
    ? `<line class="ref" x1="${jx.toFixed(1)}" y1="${y - 8}" x2="${jx.toFixed(1)}" y2="${y + h + 8}"><title>joint model: mean R² ${num(joint)}</title></line>`
    : '';
  return `${svgOpen('chart-partition', 'Variance partition: mean test R² per region')}${axes(f, { lo, hi, label: 'mean test R² over voxels' }, { lo: 0, hi: 1, label: '', format: () => '' })}${segs}${mark}${legend(
    parts.map((p) => p.label),
    f.width - f.right - 140,
    f.top,
  )}</svg>`;
}

/** Evenly spaced indices (at most `max`), so a scatter of many voxels stays light. */
function sample(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  return Array.from({ length: max }, (_, i) => Math.floor((i * n) / max));
}

/**
 * Test r of each voxel against its noise ceiling CCmax, with the line r = CCmax (a model that
 * explains all the repeatable signal) and the line r = m·CCmax of the median normalised r.
 */
export function ceilingScatterChart(r: Float64Array, ccMax: Float64Array, medianNormalised: number): string {
  const f = FRAME;
  const idx = sample(r.length, 4000).filter((i) => Number.isFinite(r[i]!) && Number.isFinite(ccMax[i]!));
  let hi = 0.1;
  let lo = 0;
  for (const i of idx) [hi, lo] = [Math.max(hi, r[i]!, ccMax[i]!), Math.min(lo, r[i]!)];
  hi = Math.min(1.05, Math.ceil(hi * 10) / 10);
  const sx = linear(0, hi, f.left, f.width - f.right);
  const sy = linear(lo, hi, f.height - f.bottom, f.top);
  const pts = idx
    .map(
      (i) =>
        `<circle class="point ceiling" fill="${colour(0)}" fill-opacity="0.7" cx="${sx(Math.min(hi, ccMax[i]!)).toFixed(1)}" cy="${sy(Math.min(hi, r[i]!)).toFixed(1)}" r="2.5"><title>voxel ${i}: r ${num(r[i]!)}, CCmax ${num(ccMax[i]!)}</title></circle>`,
    )
    .join('');
  const diag = `<line class="ref" x1="${sx(0).toFixed(1)}" y1="${sy(0).toFixed(1)}" x2="${sx(hi).toFixed(1)}" y2="${sy(hi).toFixed(1)}"><title>r = CCmax</title></line>`;
  const m = Number.isFinite(medianNormalised) ? medianNormalised : 0;
  const medLine = Number.isFinite(medianNormalised)
    ? `<polyline class="line median-normalised" fill="none" stroke="${colour(5)}" stroke-width="2" points="${sx(0).toFixed(1)},${sy(0).toFixed(1)} ${sx(hi).toFixed(1)},${sy(Math.max(lo, Math.min(hi, m * hi))).toFixed(1)}"><title>median r / CCmax = ${num(m)}</title></polyline>`
    : '';
  return `${svgOpen('chart-ceiling', 'Test r against the noise ceiling CCmax')}${axes(f, { lo: 0, hi, label: 'noise ceiling CCmax' }, { lo, hi, label: 'test r' })}${diag}${medLine}${pts}</svg>`;
}

/**
 * The band weights γ chosen for the best voxels (by test r), one stacked bar per voxel: each
 * bar sums to 1, its segments are the feature spaces.
 */
export function gammaChart(names: readonly string[], gammas: readonly Float64Array[], r: Float64Array, maxVoxels = 60): string {
  const f = FRAME;
  const order = Array.from({ length: r.length }, (_, i) => i)
    .filter((i) => Number.isFinite(r[i]!))
    .sort((a, b) => r[b]! - r[a]!)
    .slice(0, maxVoxels);
  const width = f.width - f.left - f.right - 110;
  const slot = width / Math.max(1, order.length);
  const sy = linear(0, 1, f.height - f.bottom, f.top);
  const bars = order
    .map((v, k) => {
      let acc = 0;
      const x = f.left + k * slot + slot * 0.1;
      return names
        .map((name, b) => {
          const g = gammas[b]![v]!;
          const y0 = sy(acc);
          acc += Number.isFinite(g) ? g : 0;
          const y1 = sy(acc);
          return `<rect class="bar gamma" fill="${colour(b)}" x="${x.toFixed(1)}" y="${y1.toFixed(1)}" width="${Math.max(0.5, slot * 0.8).toFixed(1)}" height="${Math.max(0, y0 - y1).toFixed(1)}"><title>voxel ${v} (r ${num(r[v]!)}): γ ${esc(name)} = ${num(g)}</title></rect>`;
        })
        .join('');
    })
    .join('');
  return `${svgOpen('chart-gamma', 'Band weights γ of the best voxels')}${axes(
    f,
    { lo: 0, hi: 1, label: `the ${order.length} voxels with the highest test r, best first`, ticks: [] },
    { lo: 0, hi: 1, label: 'γ' },
  )}${bars}${legend(names, f.width - f.right - 100, f.top)}</svg>`;
}
