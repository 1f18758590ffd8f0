import { voxelwiseError } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';
import type { BandPlan } from './band.js';
import { pairKernel } from './banded-kernel.js';
import type { BlockLayout } from './banded-kernel.js';
import { checkFeatures } from './validate.js';

/** One banded product `Y = W · X` where W is zero outside the band of {@link BandPlan}. */
export interface BandedJob {
  /**
   * The source rows (words, in data order; read through `plan.order`). Their values are checked
   * while they are copied: a NaN or ±Infinity throws `E_NOT_FINITE` naming its row and column.
   */
  readonly data: Matrix<Float32Array | Float64Array>;
  /** The stage, for error messages (`downsample:lanczos`). */
  readonly where: string;
  /**
   * Read the columns as `[min(x, 0) | max(x, 0)]` (np.clip), `2 · cols` of them, negative part
   * first (Lanczos `rectify`). @default false
   */
  readonly rectify?: boolean;
  readonly plan: BandPlan;
  /** Number of weight matrices applied to the same rows (gabor: 2 per frequency). */
  readonly sets: number;
  /**
   * Writes the weights of TR `i` (weight matrix `set`) for the sorted positions `lo..hi−1` into
   * `w[offset .. offset + hi − lo)`. Entries outside the support stay 0. Called once per TR and set.
   */
  weights(set: number, i: number, lo: number, hi: number, w: Float64Array, offset: number): void;
  /** Replaces {@link BLOCK_BYTES} (tests of the column blocks). */
  readonly blockBytes?: number;
  /**
   * Receives columns `[c0, c0 + acc.length)` of row `i` of weight matrix `set` (float64 sums). A
   * row may come in several column blocks (with `rectify`, each block comes as its negative-part
   * piece at `c0` then its positive-part piece at `cols + c0`); within a block, rows come in TR
   * pairs and, per pair, every set in order (both rows of set 0, then set 1, …).
   */
  emit(set: number, i: number, acc: Float64Array, c0: number): void;
  /**
   * {@link emit} for results stored as float32: the same sums rounded to float32 (as a
   * Float32Array store rounds them), by the kernel. When given, it is called instead of `emit`.
   */
  emit32?(set: number, i: number, acc: Float32Array, c0: number): void;
}

/**
 * The copy of the source columns the kernel reads (float64-sized, twice the columns with rectify)
 * holds at most this many bytes; wider inputs are done in column blocks (the weights are computed
 * once for all blocks). It bounds the kernel memory kept between calls.
 */
const BLOCK_BYTES = 16 * 2 ** 20;

/**
 * Runs a banded product two TRs at a time: the pair shares one pass over the union of their
 * word ranges, four words per step, so each loaded feature value feeds eight multiply-adds
 * (banded-kernel.wat, WebAssembly SIMD; a scalar copy where SIMD is missing). The source rows are
 * copied in time order into the kernel's memory just before the first pair that reads them (so
 * they are still in cache), and checked for NaN/±Infinity on the way; the kernel reads contiguous
 * rows.
 * Cost O(TRs × support × columns); memory O(TRs × support × sets + BLOCK_BYTES). Sums are float64
 * whatever the input, and the same bits with either kernel.
 */
export function bandedProduct(job: BandedJob): void {
  const { plan, sets } = job;
  const { data: x, cols: stride } = job.data;
  const rectify = job.rectify ?? false;
  // A block row holds `parts` copies of the block's source columns ([negative | positive] parts).
  const parts = rectify ? 2 : 1;
  const { lo, hi, order } = plan;
  const n = order.length;
  const nTR = lo.length;
  const nPairs = Math.ceil(nTR / 2);
  // Arena layout (float64 elements): every pair's weights, sets × [TR 0 | TR 1] of 2·span each;
  // then the two accumulator rows; their float32 copy (emit32); then the column block of the
  // source rows.
  const wStart = new Float64Array(nPairs);
  let wTotal = 0;
  for (let q = 0; q < nPairs; q++) {
    wStart[q] = wTotal;
    wTotal += 2 * pairSpan(lo, hi, 2 * q) * sets;
  }
  const blockBytes = job.blockBytes ?? BLOCK_BYTES;
  const block = Math.min(stride, Math.max(1, Math.floor(blockBytes / (8 * parts * Math.max(n, 1)))));
  const a0 = wTotal;
  const a1 = a0 + parts * block;
  const a32 = a1 + parts * block;
  const xs = a32 + parts * block;
  const kernel = pairKernel();
  const m = kernel.reserve(xs + n * parts * block);
  for (let q = 0; q < nPairs; q++) {
    const i0 = 2 * q;
    const base = lo[i0]!;
    const span = pairSpan(lo, hi, i0);
    for (let set = 0; set < sets; set++) {
      const off = wStart[q]! + 2 * span * set;
      m.fill(0, off, off + 2 * span);
      if (hi[i0]! > lo[i0]!) job.weights(set, i0, lo[i0]!, hi[i0]!, m, off);
      if (i0 + 1 < nTR && hi[i0 + 1]! > lo[i0 + 1]!) job.weights(set, i0 + 1, lo[i0 + 1]!, hi[i0 + 1]!, m, off + span + lo[i0 + 1]! - base);
    }
  }
  for (let c0 = 0; c0 < stride; c0 += block) {
    const bw = Math.min(block, stride - c0);
    const rw = parts * bw;
    // Rows are copied just before the first pair that reads them, while they are still in cache.
    let ready = 0;
    let layout: BlockLayout = 'float64';
    const loadUntil = (until: number): void => {
      if (until <= ready) return;
      const got = kernel.load(x, stride, order, c0, bw, rectify, xs, ready, until);
      if (!got) nonFinite(job);
      layout = got;
      ready = until;
    };
    const acc0 = m.subarray(a0, a0 + rw);
    const acc1 = m.subarray(a1, a1 + rw);
    const emit = (set: number, i: number, acc: Float64Array): void => {
      if (!rectify) return job.emit(set, i, acc, c0);
      job.emit(set, i, acc.subarray(0, bw), c0);
      job.emit(set, i, acc.subarray(bw, rw), stride + c0);
    };
    const { emit32 } = job;
    // With emit32, both accumulator rows are rounded in one call (with the gap between them when
    // bw < block) into float32 rows at the same offsets, two floats per arena element.
    const f32 = emit32 ? kernel.floats() : null;
    const acc32 = f32 ? [0, a1 - a0].map((o) => f32.subarray(2 * a32 + o, 2 * a32 + o + rw)) : [];
    const emitPair = (set: number, i0: number): void => {
      if (!emit32) {
        emit(set, i0, acc0);
        if (i0 + 1 < nTR) emit(set, i0 + 1, acc1);
        return;
      }
      kernel.demote(a0, a32, a1 - a0 + rw);
      for (let r = 0; r < 2 && i0 + r < nTR; r++) {
        const acc = acc32[r]!;
        if (!rectify) emit32(set, i0 + r, acc, c0);
        else {
          emit32(set, i0 + r, acc.subarray(0, bw), c0);
          emit32(set, i0 + r, acc.subarray(bw, rw), stride + c0);
        }
      }
    };
    for (let q = 0; q < nPairs; q++) {
      const i0 = 2 * q;
      const base = lo[i0]!;
      const span = pairSpan(lo, hi, i0);
      loadUntil(base + span);
      for (let set = 0; set < sets; set++) {
        if (span > 0) kernel.pair(xs, layout, base, rw, span, wStart[q]! + 2 * span * set, a0, a1);
        else m.fill(0, a0, a1 + rw);
        emitPair(set, i0);
      }
    }
    loadUntil(n); // words no TR reaches are checked too
  }
}

/** Throws the error {@link checkFeatures} gives for the job's features (a copy found a NaN or ±Infinity). */
function nonFinite(job: BandedJob): never {
  checkFeatures(job.data, job.where);
  // Only reached when the features changed while the product ran.
  throw voxelwiseError({
    code: 'E_NOT_FINITE',
    where: job.where,
    message: 'features contain NaN or ±Infinity',
    hint: 'Replace non-finite features (e.g. with 0) before downsampling.',
  });
}

/** Rows in the union of the word ranges of TRs `i0` and `i0 + 1` (the last TR may be alone). */
function pairSpan(lo: Int32Array, hi: Int32Array, i0: number): number {
  return (i0 + 1 < lo.length ? hi[i0 + 1]! : hi[i0]!) - lo[i0]!;
}
