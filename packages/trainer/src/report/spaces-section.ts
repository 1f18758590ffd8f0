import { esc, num } from './svg.js';
import { bandHistogramChart, ceilingScatterChart, gammaChart, partitionChart } from './spaces-charts.js';
import type { PartitionPart } from './spaces-charts.js';
import type { ReportData } from './load.js';

function record(x: unknown): Record<string, unknown> | undefined {
  return x && typeof x === 'object' && !Array.isArray(x) ? (x as Record<string, unknown>) : undefined;
}

function numberOr(x: unknown): number {
  return typeof x === 'number' ? x : Number.NaN;
}

/** Per-band split-score histograms, the γ bars and a table of band summaries (banded models). */
function bandsSection(d: ReportData): string {
  const extra = d.scores.extra ?? {};
  const bands = Array.isArray(d.metrics['bands']) ? (d.metrics['bands'] as unknown[]).map(record) : [];
  const names = bands.map((b) => b?.['name']).filter((n): n is string => typeof n === 'string');
  if (names.length === 0) return '';
  const key = names.every((n) => extra[`r2_split_${n}`]) ? 'r2_split' : names.every((n) => extra[`r_split_${n}`]) ? 'r_split' : undefined;
  const what = key === 'r2_split' ? 'split R²' : 'split r';
  let hists = '';
  if (key) {
    let lo = 0;
    let hi = 0.05;
    for (const n of names) for (const x of extra[`${key}_${n}`]!) if (Number.isFinite(x)) [lo, hi] = [Math.min(lo, x), Math.max(hi, x)];
    hists = names
      .map(
        (n, i) =>
          `<figure>${bandHistogramChart(i, n, extra[`${key}_${n}`]!, lo, hi, what)}<figcaption>${esc(what)} of ${esc(n)} per voxel on the test data.</figcaption></figure>`,
      )
      .join('');
  }
  const gammas = names.map((n) => extra[`gamma_${n}`]);
  const gamma = gammas.every((g) => g !== undefined)
    ? `<figure>${gammaChart(names, gammas as Float64Array[], d.scores.r)}<figcaption>Band weights γ (each bar sums to 1) of the best voxels; λ_b = α / γ_b.</figcaption></figure>`
    : '';
  const rows = bands
    .map(
      (b) =>
        `<tr><td>${esc(b?.['name'])}</td><td>${num(numberOr(b?.['median_gamma']))}</td><td>${num(numberOr(b?.['median_r2_split']))}</td><td>${num(numberOr(b?.['mean_r2_split']))}</td><td>${num(numberOr(b?.['median_r_split']))}</td></tr>`,
    )
    .join('');
  return `<section id="bands"><h2>Feature spaces</h2><p class="note">The model regularised each feature space separately (banded ridge). Split scores divide each voxel's test score between the spaces (himalaya's product measure: the parts add up to the joint R², or to the joint r).</p><div class="grid2">${hists}${gamma}<table class="data" id="band-table"><thead><tr><th>space</th><th>median γ</th><th>median split R²</th><th>mean split R²</th><th>median split r</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

/** The variance partition: stacked mean R² per region and a table of every region and fit. */
function partitionSection(d: ReportData): string {
  const p = record(d.metrics['partition']);
  if (!p) return '';
  const spaces = Array.isArray(p['spaces']) ? (p['spaces'] as string[]) : [];
  const entry = (k: string) => record(p[k]);
  const regions = Object.keys(p).filter((k) => k.startsWith('r2_unique_') || k.startsWith('r2_shared_'));
  const parts: PartitionPart[] = regions.map((k) => ({
    label: k.startsWith('r2_unique_') ? `unique to ${k.slice('r2_unique_'.length)}` : `shared by ${k.slice('r2_shared_'.length)}`,
    mean: numberOr(entry(k)?.['mean']),
  }));
  const joint = numberOr(entry(`r2_fit_${spaces.join('+')}`)?.['mean']);
  const rows = Object.keys(p)
    .filter((k) => k.startsWith('r2_'))
    .map(
      (k) =>
        `<tr><td><code>${esc(k)}</code></td><td>${num(numberOr(entry(k)?.['mean']))}</td><td>${num(numberOr(entry(k)?.['median']))}</td></tr>`,
    )
    .join('');
  return `<section id="partition"><h2>Variance partition</h2><p class="note">The model was fitted again on every union of the ${spaces.length} feature spaces (${esc(spaces.join(', '))}) and each voxel's test R² split into the part only one space explains and the parts they share (unique A = R²(A∪B) − R²(B)). Means over voxels add up to the joint model's mean R² (the vertical line); estimates can be negative.</p><div class="grid2"><figure>${partitionChart(parts, joint)}<figcaption>Mean test R² per region of the partition.</figcaption></figure><table class="data" id="partition-table"><thead><tr><th>column of scores.arrow</th><th>mean</th><th>median</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

/** Test r against the noise ceiling, with the median normalised r. */
function ceilingSection(d: ReportData): string {
  const extra = d.scores.extra ?? {};
  const cc = extra['cc_max'];
  const nc = record(d.metrics['noise_ceiling']);
  if (!cc || !nc) return '';
  const med = numberOr(nc['median_r_normalised']);
  const rows = (
    [
      ['repeats', String(nc['n_repeats'])],
      ['test rows', String(nc['n_rows'])],
      ['voxels with repeatable signal (CCmax > 0)', String(nc['n_voxels_with_signal'])],
      ['median explainable variance', num(numberOr(nc['median_ev']))],
      ['median explainable variance, bias-corrected', num(numberOr(nc['median_ev_corrected']))],
      ['median CCmax', num(numberOr(nc['median_cc_max']))],
      ['median CCnorm', num(numberOr(nc['median_cc_norm']))],
      ['median r / CCmax', num(med)],
    ] as const
  )
    .map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`)
    .join('');
  const stories = Array.isArray(nc['stories']) ? (nc['stories'] as string[]).join(', ') : '';
  return `<section id="noise-ceiling"><h2>Noise ceiling</h2><p class="note">The test stor${stories.includes(',') ? 'ies were' : 'y was'} recorded ${esc(nc['n_repeats'])} times (${esc(stories)}); the model is scored against the mean over repeats. CCmax is the highest correlation a perfect model could reach given the noise (Hsu et al. 2004; Schoppe et al. 2016); explainable variance as voxelwise_tutorials defines it. Median r / CCmax: <b id="median-normalised">${num(med)}</b>; median explainable variance (bias-corrected) ${num(numberOr(nc['median_ev_corrected']))}; median CCnorm ${num(numberOr(nc['median_cc_norm']))}.</p><div class="grid2"><figure>${ceilingScatterChart(d.scores.r, cc, med)}<figcaption>Each voxel's test r against its CCmax; grey line r = CCmax, orange line r = ${num(med)} · CCmax (the median normalised r).</figcaption></figure><table class="data" id="ceiling-table"><tbody>${rows}</tbody></table></div></section>`;
}

/**
 * The report sections about several feature spaces and repeats: band split scores and γ, the
 * variance partition, the noise ceiling. Each appears only when the run has its data.
 */
export function spacesSections(d: ReportData): string {
  return [bandsSection(d), partitionSection(d), ceilingSection(d)].filter(Boolean).join('\n');
}
