import type { Matrix, MatrixData } from '@voxelwise/core';
import { planBand } from './band.js';
import { bandedProduct } from './banded.js';
import { checkOption, zerosLike } from './output.js';
import type { TypedDownsampleInput } from './output.js';
import { requireTR, validateInput } from './validate.js';

/** Options of {@link lanczosDownsample} (LITcoder `lanczos`: `window`, `cutoff_mult`, `rectify`). */
export interface LanczosOptions {
  /** Number of lobes `a`; the kernel is 0 beyond `a` cut-off periods. Huth and the LITcoder paper use 3. */
  readonly window: number;
  /** Multiplies the cut-off frequency `1/TR`. */
  readonly cutoffMult: number;
  /** Return `[W·min(x, 0) | W·max(x, 0)]`: twice the columns, negative part first. @default false */
  readonly rectify?: boolean;
}

const PI2 = Math.PI ** 2;

/**
 * The Lanczos kernel at `u` (in cut-off periods): `a·sin(πu)·sin(πu/a) / (π²u²)`, 1 at `u = 0`,
 * 0 where `|u| > a` (Huth interpdata.py lanczosfun L85-97; LITcoder interpdata.py L45-63).
 * For `|u| < 1e-150` it returns the limit 1 (the reference loses precision there, then gives
 * NaN once `u²` underflows to 0).
 */
export function lanczosKernel(u: number, window: number): number {
  if (u === 0) return 1;
  if (Math.abs(u) > window) return 0;
  if (Math.abs(u) < 1e-150) return 1;
  return (window * Math.sin(Math.PI * u) * Math.sin((Math.PI * u) / window)) / (PI2 * (u * u));
}

/**
 * Rectify works on column chunks: the scratch copy holds the negative and positive parts of at
 * most this many feature columns, which bounds its memory (words × 2 × chunk) and keeps the two
 * accumulator rows of a TR pair in L1 cache.
 */
const RECTIFY_CHUNK = 256;

/** Row j of `out` becomes `[min(x_j, 0) | max(x_j, 0)]` over columns `[c0, c0 + cw)` (np.clip). */
function splitSigns(x: Float32Array | Float64Array, n: number, d: number, c0: number, cw: number, out: Float32Array | Float64Array): void {
  for (let j = 0; j < n; j++) {
    const src = j * d + c0;
    const neg = j * 2 * cw;
    const pos = neg + cw;
    for (let k = 0; k < cw; k++) {
      const v = x[src + k]!;
      out[neg + k] = v < 0 ? v : 0;
      out[pos + k] = v > 0 ? v : 0;
    }
  }
}

/**
 * Lanczos resampling: `y_i = Σ_j L(B·(t_i − s_j))·x_j` with `B = cutoffMult / mean(diff(trTimes))`
 * (Huth interpdata.py lanczosinterp2D L154-164 = LITcoder interpdata.py L87-126). Not normalised:
 * rows sum to about (words per TR) / cutoffMult, as in the reference.
 *
 * Banded: only the words within `window / B` seconds of a TR are visited, so the cost is
 * O(words × support × features) instead of the reference's dense (TRs × words) matrix. Results
 * equal the dense formula up to float64 summation order. Float32 features give a float32 result.
 *
 * @example
 * const y = lanczosDownsample({ data, dataTimes: story.wordTimes, trTimes: story.trTimes }, { window: 3, cutoffMult: 1 });
 */
export function lanczosDownsample<T extends MatrixData>(input: TypedDownsampleInput<T>, options: LanczosOptions): Matrix<T> {
  const where = 'downsample:lanczos';
  validateInput(input, where);
  const window = checkOption(options.window, 'window', where, 'positive');
  const cutoffMult = checkOption(options.cutoffMult, 'cutoffMult', where, 'positive');
  const { data, dataTimes, trTimes } = input;
  // interpdata.py: cutoff = 1/np.mean(np.diff(newtime)) * cutoff_mult
  const cutoff = (1 / requireTR(trTimes, where)) * cutoffMult;
  const radius = window / cutoff;
  const plan = planBand(dataTimes, trTimes, radius, radius);
  const { times } = plan;
  const weights = (_set: number, i: number, lo: number, hi: number, w: Float64Array, offset: number): void => {
    const t = trTimes[i]!;
    for (let p = lo; p < hi; p++) w[offset + p - lo] = lanczosKernel((t - times[p]!) * cutoff, window);
  };
  const d = data.cols;
  const m = trTimes.length;
  if (!options.rectify) {
    const out = zerosLike(data, m, d);
    bandedProduct({
      x: data.data,
      stride: d,
      colStart: 0,
      width: d,
      plan,
      sets: 1,
      weights,
      emit: (_set, i, acc) => out.data.set(acc, i * d),
    });
    return out;
  }
  const out = zerosLike(data, m, 2 * d);
  const n = data.rows;
  const chunk = Math.min(d, RECTIFY_CHUNK);
  const Ctor = data.data.constructor as new (len: number) => T;
  const scratch = new Ctor(n * 2 * chunk);
  const x = data.data;
  for (let c0 = 0; c0 < d; c0 += chunk) {
    const cw = Math.min(chunk, d - c0);
    splitSigns(x, n, d, c0, cw, scratch);
    bandedProduct({
      x: scratch,
      stride: 2 * cw,
      colStart: 0,
      width: 2 * cw,
      plan,
      sets: 1,
      weights,
      emit: (_set, i, acc) => {
        out.data.set(acc.subarray(0, cw), i * 2 * d + c0);
        out.data.set(acc.subarray(cw, 2 * cw), i * 2 * d + d + c0);
      },
    });
  }
  return out;
}
