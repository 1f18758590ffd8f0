import { voxelwiseError } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';
import type { BandPlan } from './band.js';
import { SHARED_MAX_PAGES, pairKernel } from './banded-kernel.js';
import type { BlockLayout } from './banded-kernel.js';
import { CTL, UNIT_MASK, bandedTeam, cpuMs, judgeJob } from './banded-team.js';
import type { Team } from './banded-team.js';
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
 * rows. On Node with two or more cores, a large product is shared with one persistent worker
 * thread (banded-team.ts, {@link threadedProduct}): it computes pairs while the caller copies.
 * Cost O(TRs × support × columns); memory O(TRs × support × sets + BLOCK_BYTES) (twice the block
 * bound with the worker: the pairs' sums are kept too). Sums are float64 whatever the input, and
 * the same bits with either kernel and whichever thread computed them.
 */
export function bandedProduct(job: BandedJob): void {
  const { plan, sets } = job;
  const nPairs = Math.ceil(plan.lo.length / 2);
  // The worker runs the SIMD kernel: where it is missing (or the scalar one is asked for), one thread.
  if (nPairs > 0 && nPairs < UNIT_MASK && pairKernel().kind === 'simd') {
    let work = 0;
    for (let q = 0; q < nPairs; q++) work += pairSpan(plan.lo, plan.hi, 2 * q);
    const team = bandedTeam(work * 2 * sets * job.data.cols * (job.rectify ? 2 : 1), plan.order.length * job.data.cols);
    if (team) {
      const wall = performance.now();
      const cpu = cpuMs();
      const done = threadedProduct(job, team);
      if (cpu !== undefined && done > 0) judgeJob(team, performance.now() - wall, cpuMs()! - cpu);
      // The columns the threaded path leaves (all of them when the job does not fit its memory,
      // those after a block where the worker stalled) are done on one thread.
      return oneThread(job, done);
    }
  }
  oneThread(job, 0);
}

/**
 * {@link bandedProduct} on one thread, for the source columns from `first` on: the source rows are
 * copied just before the first pair that reads them.
 */
function oneThread(job: BandedJob, first: number): void {
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
  const { wStart, wTotal } = pairWeightOffsets(lo, hi, nPairs, sets);
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
  for (let c0 = first; c0 < stride; c0 += block) {
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

/** Bytes of the shared memory a threaded job may use (its maximum, less a margin). */
const SHARED_BYTES = (SHARED_MAX_PAGES - 16) * 65536;

/**
 * {@link bandedProduct} with the worker thread of banded-team.ts. Per column block, the caller
 * computes each pair's weights (first block only), copies the rows the pair reads into the shared
 * memory and publishes the pair as ready; meanwhile the worker claims ready pairs and computes
 * them (banded-kernel.wat `unit`). Once its copy is done the caller claims the pairs still left.
 * Every pair's sums (and their float32 rounding) land in rows of their own, and the caller emits
 * them in pair order as they are done, so the results are the one-thread path's bits whoever
 * computed what. A pair the worker holds for longer than `team.takeoverMs` (a worker descheduled
 * or gone) is computed again by the caller into scratch rows (same bits), and the memory is not
 * used again until the worker is seen idle: not by the job's later column blocks either, which
 * are left to the one-thread path. Returns the first source column not done: `cols` normally, 0
 * when the job does not fit the shared memory.
 */
function threadedProduct(job: BandedJob, team: Team): number {
  const { plan, sets, emit32 } = job;
  const { data: x, cols: stride } = job.data;
  const rectify = job.rectify ?? false;
  const parts = rectify ? 2 : 1;
  const { lo, hi, order } = plan;
  const n = order.length;
  const nTR = lo.length;
  const nPairs = Math.ceil(nTR / 2);
  const { kernel, ctl } = team;
  const { wStart, wTotal } = pairWeightOffsets(lo, hi, nPairs, sets);
  // The copy of the rows and the sums of every pair (2·nPairs rows per set) both stay within
  // blockBytes (float64-sized).
  const blockBytes = job.blockBytes ?? BLOCK_BYTES;
  const block = Math.min(stride, Math.max(1, Math.floor(blockBytes / (8 * parts * Math.max(n, 2 * nPairs * sets, 1)))));
  const rwMax = parts * block;
  // Arena (float64 elements): weights | the sums of every pair, sets × 2·nPairs rows (float64, or
  // only their float32 rounding with emit32, the float64 sums then staying in each thread's own
  // two accumulator rows) | the caller's and the worker's accumulator rows | scratch rows for one
  // pair (float64 and float32) | unit table, nPairs + 1 entries of 5 int32 | done flags, one int32
  // per pair | two job descriptors of 6 int32 | the source block.
  const outLen = sets * 2 * nPairs * rwMax;
  const out = wTotal;
  const out32 = out + (emit32 ? 0 : outLen);
  const accs = out32 + (emit32 ? Math.ceil(outLen / 2) : 0);
  const scratch = accs + 4 * rwMax;
  const scratch32 = scratch + sets * 2 * rwMax;
  const table = scratch32 + sets * rwMax;
  const done = table + Math.ceil((5 * (nPairs + 1)) / 2);
  const desc = done + Math.ceil(nPairs / 2);
  const xs = desc + 8;
  const total = xs + n * rwMax;
  if (total * 8 > SHARED_BYTES) return 0;
  const m = kernel.reserve(total);
  const ints = kernel.ints();
  const floats = kernel.floats();
  // With emit32, `unit` keeps the float64 sums in the calling thread's own rows.
  const accCaller = emit32 ? 8 * accs : 0;
  const f32 = x instanceof Float32Array; // the SIMD kernel keeps float32 rows as float32
  const flags = 2 * done;
  const entry = (q: number): number => 2 * table + 5 * q;
  for (let c0 = 0; c0 < stride; c0 += block) {
    // A worker that stalled may still write to its pair's rows and its accumulators.
    if (!team.clean) return c0;
    const bw = Math.min(block, stride - c0);
    const rw = parts * bw;
    const rowBytes = (f32 ? 4 : 8) * rw;
    const gen = (team.gen = (team.gen % 0x3fffffff) + 1);
    const tag = (gen & 0x7ff) << 20;
    // The descriptors of banded-kernel.wat `unit`: the pairs' own rows, then one pair's scratch rows.
    for (const [d, outStride] of [
      [2 * desc, 2 * nPairs * rw],
      [2 * desc + 8, 2 * rw],
    ] as const) {
      ints.set([f32 ? 1 : 0, rw, sets, 8 * table, 8 * outStride, emit32 ? 4 * outStride : 0], d);
    }
    for (let q = 0; q < nPairs; q++) {
      const e = entry(q);
      ints[e] = 8 * xs + lo[2 * q]! * rowBytes;
      ints[e + 1] = pairSpan(lo, hi, 2 * q);
      ints[e + 2] = 8 * wStart[q]!;
      ints[e + 3] = 8 * out + 16 * q * rw;
      ints[e + 4] = 8 * out32 + 8 * q * rw;
    }
    ints.fill(0, flags, flags + nPairs);
    Atomics.store(ctl, CTL.READY, 0);
    Atomics.store(ctl, CTL.JOB, 8 * desc);
    Atomics.store(ctl, CTL.UNITS, nPairs);
    Atomics.store(ctl, CTL.DONE, 8 * done);
    Atomics.store(ctl, CTL.ACC, emit32 ? 8 * (accs + 2 * rwMax) : 0);
    Atomics.store(ctl, CTL.NEXT, tag);
    Atomics.store(ctl, CTL.GEN, gen);
    Atomics.notify(ctl, CTL.GEN);

    let ready = 0;
    let layout: BlockLayout = 'float64';
    const loadUntil = (until: number): void => {
      if (until <= ready) return;
      const got = kernel.load(x, stride, order, c0, bw, rectify, xs, ready, until);
      if (!got) nonFinite(job);
      layout = got;
      ready = until;
    };
    // Pair q's sums of set `set` are 2 rows of rw at float64 element a (float32 element o), sets
    // `setStride` elements apart.
    const emitUnit = (q: number, a: number, o: number, setStride: number): void => {
      for (let set = 0; set < sets; set++) {
        for (let r = 0; r < 2 && 2 * q + r < nTR; r++) {
          const i = 2 * q + r;
          const k = set * setStride + r * rw;
          if (emit32) {
            const acc = floats.subarray(o + k, o + k + rw);
            if (!rectify) emit32(set, i, acc, c0);
            else {
              emit32(set, i, acc.subarray(0, bw), c0);
              emit32(set, i, acc.subarray(bw, rw), stride + c0);
            }
          } else {
            const acc = m.subarray(a + k, a + k + rw);
            if (!rectify) job.emit(set, i, acc, c0);
            else {
              job.emit(set, i, acc.subarray(0, bw), c0);
              job.emit(set, i, acc.subarray(bw, rw), stride + c0);
            }
          }
        }
      }
    };
    const emitOwn = (q: number): void => emitUnit(q, out + 2 * q * rw, 2 * out32 + 2 * q * rw, 2 * nPairs * rw);
    const claim = (): number => {
      for (;;) {
        const v = Atomics.load(ctl, CTL.NEXT);
        const q = v & UNIT_MASK;
        if (q >= nPairs) return -1;
        if (Atomics.compareExchange(ctl, CTL.NEXT, v, v + 1) === v) return q;
      }
    };
    let finished = false;
    try {
      let e = 0; // the next pair to emit
      for (let q = 0; q < nPairs; q++) {
        const i0 = 2 * q;
        const span = pairSpan(lo, hi, i0);
        if (c0 === 0) {
          for (let set = 0; set < sets; set++) {
            const off = wStart[q]! + 2 * span * set;
            m.fill(0, off, off + 2 * span);
            if (hi[i0]! > lo[i0]!) job.weights(set, i0, lo[i0]!, hi[i0]!, m, off);
            if (i0 + 1 < nTR && hi[i0 + 1]! > lo[i0 + 1]!)
              job.weights(set, i0 + 1, lo[i0 + 1]!, hi[i0 + 1]!, m, off + span + lo[i0 + 1]! - lo[i0]!);
          }
        }
        loadUntil(lo[i0]! + span);
        Atomics.store(ctl, CTL.READY, q + 1);
        if (Atomics.load(ctl, CTL.SLEEPS) === 1) Atomics.notify(ctl, CTL.READY);
        while (e < nPairs && Atomics.load(ints, flags + e) === 1) emitOwn(e++);
      }
      loadUntil(n); // words no TR reaches are checked too
      if (f32 !== ((layout as BlockLayout) === 'float32')) throw new Error('banded product: unexpected row layout'); // the unit table assumed it
      let stop = -1; // once the caller took over: the first pair nobody had claimed
      while (e < nPairs) {
        if (Atomics.load(ints, flags + e) === 1) {
          emitOwn(e++);
          continue;
        }
        if (stop < 0) {
          const q = team.callerClaims ? claim() : -1;
          if (q >= 0) {
            kernel.unit(8 * desc, q, accCaller);
            Atomics.store(ints, flags + q, 1);
            continue;
          }
          if (waitDone(ints, flags + e, team.takeoverMs)) continue;
          stop = Atomics.exchange(ctl, CTL.NEXT, tag | UNIT_MASK) & UNIT_MASK;
          team.clean = false;
          team.penalty = Math.min(64, 2 * team.penalty || 1);
          team.backoff = team.penalty;
        }
        if (e >= stop) {
          kernel.unit(8 * desc, e, accCaller); // never claimed: its own rows
          emitOwn(e++);
          continue;
        }
        // Still held by the worker: computed again into the scratch rows.
        const s = entry(nPairs);
        ints.copyWithin(s, entry(e), entry(e) + 3);
        ints[s + 3] = 8 * scratch;
        ints[s + 4] = 8 * scratch32;
        kernel.unit(8 * desc + 32, nPairs, accCaller);
        emitUnit(e++, scratch, 2 * scratch32, 2 * rw);
      }
      finished = true;
    } finally {
      Atomics.store(ctl, CTL.NEXT, tag | UNIT_MASK);
      if (!finished) {
        Atomics.store(ctl, CTL.ABORT, gen);
        Atomics.notify(ctl, CTL.READY);
        team.clean = false;
      }
    }
  }
  return stride;
}

/**
 * Waits until the done flag at `index` is 1: a short spin (a pair takes microseconds), then a
 * futex wait of at most `ms` milliseconds. False when it timed out.
 */
function waitDone(ints: Int32Array, index: number, ms: number): boolean {
  for (let spin = 0; spin < 4000; spin++) if (Atomics.load(ints, index) === 1) return true;
  Atomics.wait(ints, index, 0, ms);
  return Atomics.load(ints, index) === 1;
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

/**
 * Where each TR pair's weights start in the arena (float64 elements; sets × [TR 0 | TR 1] of
 * 2·span each), and their total. One layout for the one-thread and the threaded product.
 */
function pairWeightOffsets(lo: Int32Array, hi: Int32Array, nPairs: number, sets: number): { wStart: Float64Array; wTotal: number } {
  const wStart = new Float64Array(nPairs);
  let wTotal = 0;
  for (let q = 0; q < nPairs; q++) {
    wStart[q] = wTotal;
    wTotal += 2 * pairSpan(lo, hi, 2 * q) * sets;
  }
  return { wStart, wTotal };
}
