import type { Matrix, MatrixData } from '@voxelwise/core';
import { planBand } from './band.js';
import { bandedProduct } from './banded.js';
import { checkOption, zerosLike } from './output.js';
import type { TypedDownsampleInput } from './output.js';
import { requireTR, validateShape } from './validate.js';

/** Options of {@link sincDownsample} (LITcoder `sinc`: `window`, `cutoff_mult`, `causal`, `renorm`). */
export interface SincOptions {
  /** Half-width in half-periods: the kernel is 0 where `|τ| > window / (2B)`. LITcoder's function default is 1. */
  readonly window: number;
  /** Multiplies the cut-off frequency `B = 1/TR`. */
  readonly cutoffMult: number;
  /** Zero the weights of future words (`τ < 0`). @default false */
  readonly causal?: boolean;
  /** Divide each TR's weights by their sum when the sum is not 0. @default true */
  readonly renorm?: boolean;
}

/** Resolved sinc parameters, for reports and debug events. */
export interface SincParameters {
  /** Cut-off frequency `B = cutoffMult / TR`, Hz. */
  readonly cutoff: number;
  /** Support half-width `window / (2B)`, seconds. */
  readonly halfWidth: number;
}

/**
 * The sinc weight at lag `τ = t − s` seconds: `2B·sin(2πBτ) / (2πBτ + 1e-20)` (LITcoder
 * interpdata.py sincfun L28-42). As in the reference, the weight at `τ = 0` is 0, not 2B.
 */
export function sincKernel(tau: number, cutoff: number): number {
  return (2 * cutoff * Math.sin(2 * Math.PI * cutoff * tau)) / (2 * Math.PI * cutoff * tau + 1e-20);
}

/** The cut-off and support of a sinc resampler on a TR grid. */
export function sincParameters(trTimes: Float64Array, options: Pick<SincOptions, 'window' | 'cutoffMult'>): SincParameters {
  const where = 'downsample:sinc';
  const window = checkOption(options.window, 'window', where, 'positive');
  const cutoffMult = checkOption(options.cutoffMult, 'cutoffMult', where, 'positive');
  // interpdata.py sincinterp2D: cutoff = 1/np.mean(np.diff(newtime)) * cutoff_mult
  const cutoff = (1 / requireTR(trTimes, where)) * cutoffMult;
  return { cutoff, halfWidth: window / (2 * cutoff) };
}

/**
 * Sinc resampling `y = K·X` with the LITcoder kernel: weights {@link sincKernel} cut to
 * `|τ| ≤ window/(2B)`, future words dropped when `causal`, and each row divided by its sum when
 * `renorm` and the sum is not 0 (LITcoder interpdata.py sincinterp2D L66-80).
 *
 * Banded like {@link lanczosDownsample}: cost O(words × support × features). Float32 features
 * give a float32 result.
 *
 * @example
 * const y = sincDownsample(input, { window: 3, cutoffMult: 1, causal: true });
 */
export function sincDownsample<T extends MatrixData>(input: TypedDownsampleInput<T>, options: SincOptions): Matrix<T> {
  const where = 'downsample:sinc';
  validateShape(input, where); // the banded product checks the feature values
  const { data, dataTimes, trTimes } = input;
  const { cutoff, halfWidth } = sincParameters(trTimes, options);
  const causal = options.causal ?? false;
  const renorm = options.renorm ?? true;
  const plan = planBand(dataTimes, trTimes, halfWidth, causal ? 0 : halfWidth);
  const { times } = plan;
  const weights = (_set: number, i: number, lo: number, hi: number, w: Float64Array, offset: number): void => {
    const t = trTimes[i]!;
    let sum = 0;
    for (let p = lo; p < hi; p++) {
      const tau = t - times[p]!;
      let v = sincKernel(tau, cutoff);
      if (Math.abs(tau) > halfWidth) v = 0;
      if (causal && tau < 0) v = 0;
      w[offset + p - lo] = v;
      sum += v;
    }
    if (renorm && sum !== 0) for (let p = offset; p < offset + hi - lo; p++) w[p] = w[p]! / sum;
  };
  const d = data.cols;
  const out = zerosLike(data, trTimes.length, d);
  bandedProduct({
    data,
    where,
    plan,
    sets: 1,
    weights,
    emit: (_set, i, acc, c0) => out.data.set(acc, i * d + c0),
    // Float32 results come rounded by the kernel, so storing them is a plain copy.
    emit32: out.data instanceof Float32Array ? (_set, i, acc, c0) => out.data.set(acc, i * d + c0) : undefined,
  });
  return out;
}
