import type { FeatureBand, Matrix } from '@voxelwise/core';

/** Model stages that regularise each feature space separately and so need {@link FeatureBand}s. */
export const BANDED_MODELS: readonly string[] = ['banded-ridge-cv'];

/**
 * Where each feature space's delayed columns go in a banded design. `makeDelayed` lays columns
 * out delay-major (every feature at delay 1, then every feature at delay 2, …), so one
 * extractor's columns are scattered; a band must be contiguous, so the design is reordered
 * band-major (extractor, then delay, then feature).
 */
export interface BandLayout {
  /** The bands of the reordered design, in config order. */
  bands: FeatureBand[];
  /** Column `k` of the reordered design is column `order[k]` of the delay-major one. */
  order: Int32Array;
}

/**
 * Names of the feature spaces: each extractor's stage name, with `-<index>` added where two
 * features use the same stage (e.g. two `lm` layers), so every band name is unique.
 */
export function bandNames(features: ReadonlyArray<{ name: string }>): string[] {
  const count = new Map<string, number>();
  for (const f of features) count.set(f.name, (count.get(f.name) ?? 0) + 1);
  return features.map((f, i) => (count.get(f.name)! > 1 ? `${f.name}-${i}` : f.name));
}

/**
 * The band layout of a design built from extractors with `perExtractor` columns each, delayed
 * `nDelays` times (see {@link BandLayout}).
 */
export function bandLayout(names: readonly string[], perExtractor: readonly number[], nDelays: number): BandLayout {
  const nFeatures = perExtractor.reduce((s, c) => s + c, 0);
  const order = new Int32Array(nFeatures * nDelays);
  const bands: FeatureBand[] = [];
  let k = 0;
  let offset = 0;
  for (const [e, cols] of perExtractor.entries()) {
    const start = k;
    for (let d = 0; d < nDelays; d++) for (let c = 0; c < cols; c++) order[k++] = d * nFeatures + offset + c;
    bands.push({ name: names[e]!, start, end: k });
    offset += cols;
  }
  return { bands, order };
}

/** The columns `order` of `X`, in that order (float64). */
export function takeColumns(X: Matrix, order: ArrayLike<number>): Matrix<Float64Array> {
  const { rows, cols, data } = X;
  const n = order.length;
  const out = new Float64Array(rows * n);
  for (let i = 0; i < rows; i++) {
    const src = i * cols;
    const dst = i * n;
    for (let k = 0; k < n; k++) out[dst + k] = data[src + order[k]!]!;
  }
  return { rows, cols: n, data: out };
}

/**
 * The design restricted to some bands (a subset fit of variance partitioning): their columns,
 * in band order, and the bands re-based onto the smaller design.
 */
export function selectBands(bands: readonly FeatureBand[], subset: readonly number[]): { order: Int32Array; bands: FeatureBand[] } {
  const order: number[] = [];
  const out: FeatureBand[] = [];
  for (const b of subset) {
    const band = bands[b]!;
    const start = order.length;
    for (let c = band.start; c < band.end; c++) order.push(c);
    out.push({ name: band.name, start, end: order.length });
  }
  return { order: Int32Array.from(order), bands: out };
}

/**
 * Weights of a band-major fit (rows in `order`'s band-major layout) in makeDelayed's row order:
 * row `order[k]` of the result is row `k` of `w`.
 */
export function unbandWeights<M extends Matrix>(w: M, order: Int32Array): M {
  const { rows, cols, data } = w;
  const out = new (data.constructor as new (n: number) => M['data'])(rows * cols);
  for (let k = 0; k < rows; k++) out.set(data.subarray(k * cols, (k + 1) * cols), order[k]! * cols);
  return { ...w, rows, cols, data: out };
}

/**
 * Explicit band-weight candidates (one row per candidate, one entry per space) restricted to the
 * spaces `subset`: each row's entries for those spaces, renormalised to sum 1; rows with no
 * weight there dropped; repeats removed. A uniform row when nothing is left.
 */
export function subsetGammas(gammas: readonly (readonly number[])[], subset: readonly number[]): number[][] {
  const seen = new Set<string>();
  const out: number[][] = [];
  for (const row of gammas) {
    const part = subset.map((b) => row[b] ?? 0);
    const sum = part.reduce((s, g) => s + g, 0);
    if (!(sum > 0)) continue;
    const normalised = part.map((g) => g / sum);
    const key = normalised.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(normalised);
  }
  return out.length > 0 ? out : [subset.map(() => 1 / subset.length)];
}
