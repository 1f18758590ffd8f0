import { voxelwiseError } from './errors.js';
import type { Matrix } from './matrix.js';
import { zscore } from './zscore.js';

/** Options of {@link explainableVariance}. */
export interface ExplainableVarianceOptions {
  /**
   * Subtract the bias of the uncorrected estimate, `ev − (1 − ev) / (n_repeats − 1)`.
   * @default true
   */
  biasCorrection?: boolean;
  /** z-score every repeat over time first (ddof 0, as `scipy.stats.zscore`). @default true */
  zscore?: boolean;
}

/** Per-voxel noise-ceiling statistics of a set of repeats (see {@link noiseCeiling}). */
export interface NoiseCeiling {
  /** Number of repeats. */
  readonly nRepeats: number;
  /** Time points (rows) of each repeat. */
  readonly nRows: number;
  /** Explainable variance without bias correction (voxelwise_tutorials `explainable_variance`). */
  readonly ev: Float64Array;
  /** Explainable variance with bias correction. */
  readonly evCorrected: Float64Array;
  /** Signal power SP (Sahani & Linden 2003, as Schoppe et al. 2016 compute it). */
  readonly signalPower: Float64Array;
  /** Upper bound of the correlation with the repeat mean, `√(SP / Var(ȳ))`; 0 where SP ≤ 0. */
  readonly ccMax: Float64Array;
  /** The mean over repeats, rows × voxels (what a model is scored against). */
  readonly mean: Matrix<Float64Array>;
}

const WHERE = 'core:noise-ceiling';

/** Checks that there are at least two repeats of one shape, with at least two rows. */
function checkRepeats(repeats: readonly Matrix[]): { n: number; rows: number; cols: number } {
  const first = repeats[0];
  if (!first || repeats.length < 2) {
    throw voxelwiseError({
      code: 'E_DATA_INVALID',
      where: WHERE,
      message: 'a noise ceiling needs at least two repeats of the same stimulus',
      got: repeats.length,
      expected: '≥ 2 repeats',
      hint: 'Use a test story recorded several times (Story.nRepeats ≥ 2).',
    });
  }
  if (first.rows < 2) {
    throw voxelwiseError({
      code: 'E_DATA_INVALID',
      where: WHERE,
      message: 'each repeat needs at least two time points',
      got: first.rows,
    });
  }
  for (const [k, m] of repeats.entries()) {
    if (m.rows !== first.rows || m.cols !== first.cols) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where: WHERE,
        message: `repeat ${k} is ${m.rows} × ${m.cols}, repeat 0 is ${first.rows} × ${first.cols}`,
        got: [m.rows, m.cols],
        expected: [first.rows, first.cols],
      });
    }
  }
  return { n: repeats.length, rows: first.rows, cols: first.cols };
}

/**
 * Column means and centred sums of squares of a matrix whose element (i, j) is `f(i, j)`,
 * two-pass in float64.
 */
function columnMoments(rows: number, cols: number, at: (k: number) => number): { mean: Float64Array; ss: Float64Array } {
  const mean = new Float64Array(cols);
  const ss = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j]! += at(i * cols + j);
  for (let j = 0; j < cols; j++) mean[j]! /= rows;
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const d = at(i * cols + j) - mean[j]!;
      ss[j]! += d * d;
    }
  return { mean, ss };
}

/**
 * Explainable variance, uncorrected and bias-corrected, Schoppe's signal power and CCmax of
 * repeats × rows × voxels (each repeat a rows × voxels matrix), in one pass over the repeats.
 *
 * - Explainable variance as voxelwise_tutorials defines it (gallantlab/voxelwise_tutorials,
 *   `voxelwise_tutorials/utils.py::explainable_variance`): each repeat z-scored over time when
 *   `zscore` (ddof 0), then `ev = var_t(mean_n R) / mean_n var_t(R_n)` with ddof 1, and the
 *   bias-corrected `ev − (1 − ev) / (N − 1)`.
 * - Signal power `SP = (var_t(Σ_n R_n) − Σ_n var_t(R_n)) / (N (N − 1))` (ddof 1), and
 *   `CCmax = √(SP / Var(ȳ))` with `Var(ȳ)` over time divided by T, as Schoppe et al. (2016),
 *   "Measuring the performance of neural models", Front. Comput. Neurosci. 10:10, and their
 *   OSchoppe/CCnorm `calc_CCnorm.m`; the ceiling of Hsu, Borst & Theunissen (2004), Network 15:91.
 *   Where SP ≤ 0 (no repeatable signal) CCmax is 0.
 *
 * A voxel constant over time in every repeat gets NaN explainable variance (0/0, as the
 * reference).
 *
 * @example
 * const nc = noiseCeiling([rep0, rep1, rep2]);
 * nc.evCorrected[v]; nc.ccMax[v];
 */
export function noiseCeiling(repeats: readonly Matrix[], options: Pick<ExplainableVarianceOptions, 'zscore'> = {}): NoiseCeiling {
  const { n, rows, cols } = checkRepeats(repeats);
  const doZ = options.zscore ?? true;
  const size = rows * cols;
  // Σ_n of the (z-scored) repeats, and Σ_n of each repeat's ddof-1 variance over time.
  const sum = new Float64Array(size);
  const sumVar = new Float64Array(cols);
  for (const r of repeats) {
    // scipy.stats.zscore over time (ddof 0); a constant voxel becomes zeros here, and its
    // explainable variance 0/0 = NaN as in the reference.
    const data = doZ ? zscore(r).data : r.data;
    const at = (k: number) => data[k]!;
    const moments = columnMoments(rows, cols, at);
    for (let j = 0; j < cols; j++) sumVar[j]! += moments.ss[j]! / (rows - 1);
    for (let k = 0; k < size; k++) sum[k]! += at(k);
  }
  const total = columnMoments(rows, cols, (k) => sum[k]!);
  const mean = new Float64Array(size);
  for (let k = 0; k < size; k++) mean[k] = sum[k]! / n;
  const meanMoments = columnMoments(rows, cols, (k) => mean[k]!);
  const ev = new Float64Array(cols);
  const evCorrected = new Float64Array(cols);
  const signalPower = new Float64Array(cols);
  const ccMax = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    const varMean = meanMoments.ss[j]! / (rows - 1);
    const e = varMean / (sumVar[j]! / n);
    ev[j] = e;
    evCorrected[j] = e - (1 - e) / (n - 1);
    const sp = (total.ss[j]! / (rows - 1) - sumVar[j]!) / (n * (n - 1));
    signalPower[j] = sp;
    const vy = meanMoments.ss[j]! / rows;
    ccMax[j] = sp > 0 && vy > 0 ? Math.sqrt(sp / vy) : 0;
  }
  return { nRepeats: n, nRows: rows, ev, evCorrected, signalPower, ccMax, mean: { rows, cols, data: mean } };
}

/**
 * Explainable variance per voxel of repeats × rows × voxels, exactly as voxelwise_tutorials
 * (`voxelwise_tutorials/utils.py::explainable_variance`): the fraction of a voxel's variance
 * that the repeats share, with the bias correction for a finite number of repeats by default.
 *
 * @example
 * explainableVariance(repeats); // bias-corrected, each repeat z-scored
 * explainableVariance(repeats, { biasCorrection: false });
 */
export function explainableVariance(repeats: readonly Matrix[], options: ExplainableVarianceOptions = {}): Float64Array {
  const nc = noiseCeiling(repeats, { zscore: options.zscore ?? true });
  return options.biasCorrection === false ? nc.ev : nc.evCorrected;
}

/**
 * Normalised correlation CCnorm of a prediction with the repeat mean, per voxel:
 * `Cov(ȳ, ŷ) / √(SP · Var(ŷ))` with covariance and variance over time divided by T
 * (Schoppe et al. 2016, OSchoppe/CCnorm `calc_CCnorm.m`). Equals `CCabs / CCmax`. NaN where the
 * signal power is not positive or the prediction is constant.
 *
 * @param prediction Rows × voxels, on the same rows as the repeats.
 * @example
 * const cc = ccNorm(noiseCeiling(repeats), predictions);
 */
export function ccNorm(ceiling: NoiseCeiling, prediction: Matrix): Float64Array {
  const { rows, cols, data } = ceiling.mean;
  if (prediction.rows !== rows || prediction.cols !== cols) {
    throw voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where: WHERE,
      message: 'the prediction does not have the shape of the repeats',
      got: [prediction.rows, prediction.cols],
      expected: [rows, cols],
    });
  }
  const p = prediction.data;
  const y = columnMoments(rows, cols, (k) => data[k]!);
  const yh = columnMoments(rows, cols, (k) => p[k]!);
  const cov = new Float64Array(cols);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < cols; j++) {
      const k = i * cols + j;
      cov[j]! += (data[k]! - y.mean[j]!) * (p[k]! - yh.mean[j]!);
    }
  const out = new Float64Array(cols);
  for (let j = 0; j < cols; j++) {
    const sp = ceiling.signalPower[j]!;
    const vyh = yh.ss[j]! / rows;
    out[j] = sp > 0 && vyh > 0 ? cov[j]! / rows / Math.sqrt(sp * vyh) : Number.NaN;
  }
  return out;
}

/**
 * A test correlation divided by the voxel's ceiling, `r / CCmax` (Schoppe et al. 2016; Hsu et al.
 * 2004): 1 means the model explains all the repeatable signal. NaN where CCmax is 0.
 *
 * @example
 * normalisedCorrelation(evaluation.voxels.r, ceiling.ccMax);
 */
export function normalisedCorrelation(r: ArrayLike<number>, ccMax: ArrayLike<number>): Float64Array {
  if (r.length !== ccMax.length) {
    throw voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where: WHERE,
      message: 'r and CCmax cover different numbers of voxels',
      got: r.length,
      expected: ccMax.length,
    });
  }
  const out = new Float64Array(r.length);
  for (let j = 0; j < r.length; j++) out[j] = ccMax[j]! > 0 ? r[j]! / ccMax[j]! : Number.NaN;
  return out;
}
