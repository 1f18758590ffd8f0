import type { Matrix, MatrixData } from '@voxelwise/core';
import { planBand } from './band.js';
import { bandedProduct } from './banded.js';
import { checkOption, zerosLike } from './output.js';
import type { TypedDownsampleInput } from './output.js';
import { requireTR, validateShape } from './validate.js';

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
  validateShape(input, where); // the banded product checks the feature values
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
  const rectify = options.rectify ?? false;
  // rectify: [W·min(x, 0) | W·max(x, 0)], the column split done by the banded product.
  const cols = rectify ? 2 * d : d;
  const out = zerosLike(data, trTimes.length, cols);
  bandedProduct({
    data,
    where,
    rectify,
    plan,
    sets: 1,
    weights,
    emit: (_set, i, acc, c0) => out.data.set(acc, i * cols + c0),
    // Float32 results come rounded by the kernel, so storing them is a plain copy.
    emit32: out.data instanceof Float32Array ? (_set, i, acc, c0) => out.data.set(acc, i * cols + c0) : undefined,
  });
  return out;
}
