import { voxelwiseError } from '@voxelwise/core';
import type { Matrix, MatrixData } from '@voxelwise/core';
import { planBand } from './band.js';
import type { BandPlan } from './band.js';
import { bandedProduct } from './banded.js';
import { checkOption, zerosLike } from './output.js';
import type { TypedDownsampleInput } from './output.js';
import { validateShape } from './validate.js';

/** Options of {@link gaborDownsample} (LITcoder `gabor`: `freqs`, `sigma`). */
export interface GaborOptions {
  /** Modulation frequencies, Hz; each feature gives one output column per frequency. */
  readonly freqs: readonly number[];
  /** Width of the Gaussian envelope, seconds (applied as `exp(−Δ²/(4σ²))`, as in the reference). */
  readonly sigma: number;
}

/**
 * `exp(x)` is exactly 0 in float64 below about −745.13, so words farther than `2σ·√746` from a
 * TR contribute exactly 0 to the dense reference as well.
 */
const EXP_UNDERFLOW = 746;

/**
 * A word whose Gaussian weight is below 2⁻¹⁰⁰ of the nearest word's weight for the same TR is
 * left out: even 10⁵ such words add less than 10⁻²⁵ of that nearest term, far below the 2⁻⁵³
 * rounding the dense float64 sum makes on it.
 */
const RELATIVE_CUTOFF = 100 * Math.LN2;

/** First sorted position with time ≥ `t` (or > `t` when `strict`). */
function bound(times: Float64Array, t: number, strict = false): number {
  let a = 0;
  let b = times.length;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (times[mid]! < t || (strict && times[mid]! === t)) a = mid + 1;
    else b = mid;
  }
  return a;
}

/**
 * Narrows the underflow band to each TR's significant words: radius² = d_min² + 4σ²·100·ln 2,
 * where d_min is the distance to the TR's nearest word, then widens the bounds so they stay
 * non-decreasing (the banded product walks TRs in order).
 */
function adaptiveBand(plan: BandPlan, trTimes: Float64Array, sigma: number, maxRadius: number): BandPlan {
  const { times } = plan;
  const m = trTimes.length;
  const n = times.length;
  if (n === 0) return plan;
  const lo = new Int32Array(m);
  const hi = new Int32Array(m);
  const spread = 4 * sigma * sigma * RELATIVE_CUTOFF;
  for (let i = 0; i < m; i++) {
    const t = trTimes[i]!;
    const k = bound(times, t);
    let dmin = Infinity;
    if (k < n) dmin = times[k]! - t;
    if (k > 0) dmin = Math.min(dmin, t - times[k - 1]!);
    const radius = Math.min(maxRadius, Math.sqrt(dmin * dmin + spread));
    // Same relative slack as planBand, so no word on the boundary is lost to rounding.
    const slack = 1e-9 * (Math.abs(t) + 2 * radius + 1);
    lo[i] = Math.max(plan.lo[i]!, bound(times, t - radius - slack));
    hi[i] = Math.max(lo[i]!, Math.min(plan.hi[i]!, bound(times, t + radius + slack, true)));
  }
  for (let i = m - 2; i >= 0; i--) lo[i] = Math.min(lo[i]!, lo[i + 1]!);
  for (let i = 1; i < m; i++) hi[i] = Math.max(hi[i]!, hi[i - 1]!);
  return { order: plan.order, times, lo, hi };
}

/**
 * Gabor resampling: for feature k and frequency f,
 * `y_i = | Σ_j exp(−0.5·(s_j − t_i)² / (2σ²)) · x_jk · (cos 2πf s_j + i·sin 2πf s_j) |`
 * (LITcoder interpdata.py gabor_xfm L129-140 and downsampling.py GaborDownsampler). Output
 * columns are feature-major: column `k·freqs.length + l` is feature k at `freqs[l]`.
 *
 * Banded over each TR's significant words (weight ≥ 2⁻¹⁰⁰ of its nearest word's), so it equals
 * the dense formula to float64 rounding.
 * Float32 features give a float32 result.
 *
 * @example
 * const y = gaborDownsample(input, { freqs: [0.1, 0.25], sigma: 1 });
 */
export function gaborDownsample<T extends MatrixData>(input: TypedDownsampleInput<T>, options: GaborOptions): Matrix<T> {
  const where = 'downsample:gabor';
  validateShape(input, where); // the banded product checks the feature values
  const sigma = checkOption(options.sigma, 'sigma', where, 'positive');
  const freqs = options.freqs;
  if (!Array.isArray(freqs) || freqs.length === 0) {
    throw voxelwiseError({ code: 'E_OPTIONS_INVALID', where, message: 'option "freqs" must list at least one frequency', got: freqs });
  }
  freqs.forEach((f, l) => checkOption(f, `freqs.${l}`, where, 'finite'));
  const { data, dataTimes, trTimes } = input;
  const nf = freqs.length;
  const twoSigma2 = 2 * (sigma * sigma);
  const radius = 2 * sigma * Math.sqrt(EXP_UNDERFLOW);
  const plan = adaptiveBand(planBand(dataTimes, trTimes, radius, radius), trTimes, sigma, radius);
  const { times } = plan;
  const n = times.length;
  // gabor_xfm: sinvals = sin(oldtimes * f * 2 * pi), cosvals likewise, per word and frequency.
  const cosv = new Float64Array(n * nf);
  const sinv = new Float64Array(n * nf);
  for (let p = 0; p < n; p++) {
    for (let l = 0; l < nf; l++) {
      const phase = times[p]! * freqs[l]! * 2 * Math.PI;
      cosv[p * nf + l] = Math.cos(phase);
      sinv[p * nf + l] = Math.sin(phase);
    }
  }
  // Weight matrix 2l is the real part (cos) and 2l+1 the imaginary part (sin) of frequency l.
  const weights = (set: number, i: number, lo: number, hi: number, w: Float64Array, offset: number): void => {
    const t = trTimes[i]!;
    const l = set >> 1;
    const phase = set & 1 ? sinv : cosv;
    for (let p = lo; p < hi; p++) {
      const delta = times[p]! - t;
      const g = Math.exp((-0.5 * (delta * delta)) / twoSigma2);
      w[offset + p - lo] = g * phase[p * nf + l]!;
    }
  };
  const d = data.cols;
  const out = zerosLike(data, trTimes.length, d * nf);
  const outCols = d * nf;
  // Real parts of the current TR pair, per row parity and frequency (pairs start at even rows).
  const re = new Float64Array(2 * nf * d);
  bandedProduct({
    data,
    where,
    plan,
    sets: 2 * nf,
    weights,
    emit: (set, i, acc, c0) => {
      const l = set >> 1;
      const slot = ((i & 1) * nf + l) * d + c0;
      if ((set & 1) === 0) {
        re.set(acc, slot);
        return;
      }
      const row = i * outCols;
      for (let k = 0; k < acc.length; k++) out.data[row + (c0 + k) * nf + l] = Math.hypot(re[slot + k]!, acc[k]!);
    },
  });
  return out;
}
