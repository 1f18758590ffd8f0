import type { BandPlan } from './band.js';

/** One banded product `Y = W · X[:, cols]` where W is zero outside the band of {@link BandPlan}. */
export interface BandedJob {
  /** Row-major source rows (words, in data order); read through `plan.order`. */
  readonly x: Float32Array | Float64Array;
  /** Elements per row of `x`. */
  readonly stride: number;
  /** First column of `x` to read. */
  readonly colStart: number;
  /** Number of columns to read. */
  readonly width: number;
  readonly plan: BandPlan;
  /** Number of weight matrices applied to the same rows (gabor: 2 per frequency). */
  readonly sets: number;
  /**
   * Writes the weights of TR `i` (weight matrix `set`) for the sorted positions `lo..hi−1` into
   * `w[offset .. offset + hi − lo)`. Entries outside the support stay 0.
   */
  weights(set: number, i: number, lo: number, hi: number, w: Float64Array, offset: number): void;
  /** Receives row `i` of weight matrix `set`: the first `width` entries of `acc` (float64 sums). */
  emit(set: number, i: number, acc: Float64Array): void;
}

/**
 * Runs a banded product two TRs at a time: the pair shares one pass over the union of their
 * word ranges, four words per step, so each loaded feature value feeds eight multiply-adds.
 * Cost O(TRs × support × width); memory O(support + width). Sums are float64 whatever the input.
 */
export function bandedProduct(job: BandedJob): void {
  const { plan, sets, width } = job;
  const { lo, hi, order } = plan;
  const nTR = lo.length;
  let maxSpan = 0;
  for (let i = 0; i < nTR; i += 2) maxSpan = Math.max(maxSpan, hi[Math.min(i + 1, nTR - 1)]! - lo[i]!);
  const w = new Float64Array(2 * maxSpan);
  const a0 = new Float64Array(width);
  const a1 = new Float64Array(width);
  const x = job.x;
  for (let i0 = 0; i0 < nTR; i0 += 2) {
    const two = i0 + 1 < nTR;
    const base = lo[i0]!;
    const span = (two ? hi[i0 + 1]! : hi[i0]!) - base;
    for (let set = 0; set < sets; set++) {
      w.fill(0, 0, 2 * span);
      if (hi[i0]! > lo[i0]!) job.weights(set, i0, lo[i0]!, hi[i0]!, w, 0);
      if (two && hi[i0 + 1]! > lo[i0 + 1]!) job.weights(set, i0 + 1, lo[i0 + 1]!, hi[i0 + 1]!, w, span + lo[i0 + 1]! - base);
      a0.fill(0);
      a1.fill(0);
      if (span > 0) {
        // Two copies of the same loop keep each one monomorphic for V8 (one element type each).
        if (x instanceof Float64Array) pairKernel64(x, job.stride, job.colStart, width, order, base, span, w, a0, a1);
        else pairKernel32(x, job.stride, job.colStart, width, order, base, span, w, a0, a1);
      }
      job.emit(set, i0, a0);
      if (two) job.emit(set, i0 + 1, a1);
    }
  }
}

function pairKernel64(
  x: Float64Array,
  stride: number,
  c0: number,
  width: number,
  order: Int32Array,
  base: number,
  span: number,
  w: Float64Array,
  a0: Float64Array,
  a1: Float64Array,
): void {
  let p = 0;
  for (; p + 3 < span; p += 4) {
    const w00 = w[p]!;
    const w01 = w[p + 1]!;
    const w02 = w[p + 2]!;
    const w03 = w[p + 3]!;
    const w10 = w[span + p]!;
    const w11 = w[span + p + 1]!;
    const w12 = w[span + p + 2]!;
    const w13 = w[span + p + 3]!;
    if (w00 === 0 && w01 === 0 && w02 === 0 && w03 === 0 && w10 === 0 && w11 === 0 && w12 === 0 && w13 === 0) continue;
    const b0 = order[base + p]! * stride + c0;
    const b1 = order[base + p + 1]! * stride + c0;
    const b2 = order[base + p + 2]! * stride + c0;
    const b3 = order[base + p + 3]! * stride + c0;
    for (let k = 0; k < width; k++) {
      const x0 = x[b0 + k]!;
      const x1 = x[b1 + k]!;
      const x2 = x[b2 + k]!;
      const x3 = x[b3 + k]!;
      a0[k]! += w00 * x0 + w01 * x1 + w02 * x2 + w03 * x3;
      a1[k]! += w10 * x0 + w11 * x1 + w12 * x2 + w13 * x3;
    }
  }
  for (; p < span; p++) {
    const w0 = w[p]!;
    const w1 = w[span + p]!;
    if (w0 === 0 && w1 === 0) continue;
    const b0 = order[base + p]! * stride + c0;
    for (let k = 0; k < width; k++) {
      const x0 = x[b0 + k]!;
      a0[k]! += w0 * x0;
      a1[k]! += w1 * x0;
    }
  }
}

function pairKernel32(
  x: Float32Array,
  stride: number,
  c0: number,
  width: number,
  order: Int32Array,
  base: number,
  span: number,
  w: Float64Array,
  a0: Float64Array,
  a1: Float64Array,
): void {
  let p = 0;
  for (; p + 3 < span; p += 4) {
    const w00 = w[p]!;
    const w01 = w[p + 1]!;
    const w02 = w[p + 2]!;
    const w03 = w[p + 3]!;
    const w10 = w[span + p]!;
    const w11 = w[span + p + 1]!;
    const w12 = w[span + p + 2]!;
    const w13 = w[span + p + 3]!;
    if (w00 === 0 && w01 === 0 && w02 === 0 && w03 === 0 && w10 === 0 && w11 === 0 && w12 === 0 && w13 === 0) continue;
    const b0 = order[base + p]! * stride + c0;
    const b1 = order[base + p + 1]! * stride + c0;
    const b2 = order[base + p + 2]! * stride + c0;
    const b3 = order[base + p + 3]! * stride + c0;
    for (let k = 0; k < width; k++) {
      const x0 = x[b0 + k]!;
      const x1 = x[b1 + k]!;
      const x2 = x[b2 + k]!;
      const x3 = x[b3 + k]!;
      a0[k]! += w00 * x0 + w01 * x1 + w02 * x2 + w03 * x3;
      a1[k]! += w10 * x0 + w11 * x1 + w12 * x2 + w13 * x3;
    }
  }
  for (; p < span; p++) {
    const w0 = w[p]!;
    const w1 = w[span + p]!;
    if (w0 === 0 && w1 === 0) continue;
    const b0 = order[base + p]! * stride + c0;
    for (let k = 0; k < width; k++) {
      const x0 = x[b0 + k]!;
      a0[k]! += w0 * x0;
      a1[k]! += w1 * x0;
    }
  }
}
