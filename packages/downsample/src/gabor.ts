import { voxelwiseError } from '@voxelwise/core';
import type { Matrix, MatrixData } from '@voxelwise/core';
import { planBand } from './band.js';
import { bandedProduct } from './banded.js';
import { checkOption, zerosLike } from './output.js';
import type { TypedDownsampleInput } from './output.js';
import { validateInput } from './validate.js';

/** Options of {@link gaborDownsample} (LITcoder `gabor`: `freqs`, `sigma`). */
export interface GaborOptions {
  /** Modulation frequencies, Hz; each feature gives one output column per frequency. */
  readonly freqs: readonly number[];
  /** Width of the Gaussian envelope, seconds (applied as `exp(−Δ²/(4σ²))`, as in the reference). */
  readonly sigma: number;
}

/**
 * `exp(x)` is exactly 0 in float64 below about −745.13, so words farther than `2σ·√746` from a
 * TR contribute exactly 0 to the dense reference as well: the band loses nothing.
 */
const EXP_UNDERFLOW = 746;

/**
 * Gabor resampling: for feature k and frequency f,
 * `y_i = | Σ_j exp(−0.5·(s_j − t_i)² / (2σ²)) · x_jk · (cos 2πf s_j + i·sin 2πf s_j) |`
 * (LITcoder interpdata.py gabor_xfm L129-140 and downsampling.py GaborDownsampler). Output
 * columns are feature-major: column `k·freqs.length + l` is feature k at `freqs[l]`.
 *
 * Banded over the words where the Gaussian is not 0 in float64, so it equals the dense formula.
 * Float32 features give a float32 result.
 *
 * @example
 * const y = gaborDownsample(input, { freqs: [0.1, 0.25], sigma: 1 });
 */
export function gaborDownsample<T extends MatrixData>(input: TypedDownsampleInput<T>, options: GaborOptions): Matrix<T> {
  const where = 'downsample:gabor';
  validateInput(input, where);
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
  const plan = planBand(dataTimes, trTimes, radius, radius);
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
    x: data.data,
    stride: d,
    colStart: 0,
    width: d,
    plan,
    sets: 2 * nf,
    weights,
    emit: (set, i, acc) => {
      const l = set >> 1;
      const slot = ((i & 1) * nf + l) * d;
      if ((set & 1) === 0) {
        re.set(acc, slot);
        return;
      }
      const row = i * outCols;
      for (let k = 0; k < d; k++) out.data[row + k * nf + l] = Math.hypot(re[slot + k]!, acc[k]!);
    },
  });
  return out;
}
