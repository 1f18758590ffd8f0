import { voxelwiseError } from '@voxelwise/core';
import type { Rng } from '@voxelwise/core';
import type { Dense } from '../linalg/dense.js';
import type { Alternative } from './p-values.js';

/**
 * Per-voxel block statistics of a prediction/response pair (n × b blocks), for resampling
 * whole blocks of consecutive samples — which keeps the autocorrelation of BOLD inside a block.
 * Data are centred per voxel first (Pearson r is shift-invariant), then summed per block:
 * sy[a], syy[a], sp[a], spp[a] and the cross sums C[a][c] = Σ_t y[a·L+t]·p[c·L+t].
 */
export interface BlockSums {
  readonly nBlocks: number;
  readonly blockLength: number;
  readonly b: number;
  readonly sy: Float64Array;
  readonly syy: Float64Array;
  readonly sp: Float64Array;
  readonly spp: Float64Array;
  /** (nBlocks·nBlocks) × b, or only the diagonal (nBlocks × b) when `paired`. */
  readonly cross: Float64Array;
  readonly paired: boolean;
}

/** Builds {@link BlockSums}; the tail rows that do not fill a block are left out (Huth's test needs whole blocks). */
export function blockSums(Y: Dense, P: Dense, n: number, b: number, blockLength: number, paired: boolean): BlockSums {
  const L = blockLength;
  const nb = Math.floor(n / L);
  if (nb < 2) {
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where: 'ridge:resampling',
      message: `${n} test samples make ${nb} blocks of ${L}; resampling needs at least 2`,
      hint: 'Use a shorter blockLength.',
    });
  }
  const used = nb * L;
  const my = new Float64Array(b);
  const mp = new Float64Array(b);
  for (let i = 0; i < used; i++) {
    for (let j = 0; j < b; j++) {
      my[j] = my[j]! + Y[i * b + j]!;
      mp[j] = mp[j]! + P[i * b + j]!;
    }
  }
  for (let j = 0; j < b; j++) {
    my[j] = my[j]! / used;
    mp[j] = mp[j]! / used;
  }
  const sy = new Float64Array(nb * b);
  const syy = new Float64Array(nb * b);
  const sp = new Float64Array(nb * b);
  const spp = new Float64Array(nb * b);
  for (let a = 0; a < nb; a++) {
    const o = a * b;
    for (let t = 0; t < L; t++) {
      const r = (a * L + t) * b;
      for (let j = 0; j < b; j++) {
        const y = Y[r + j]! - my[j]!;
        const p = P[r + j]! - mp[j]!;
        sy[o + j] = sy[o + j]! + y;
        syy[o + j] = syy[o + j]! + y * y;
        sp[o + j] = sp[o + j]! + p;
        spp[o + j] = spp[o + j]! + p * p;
      }
    }
  }
  const cross = new Float64Array((paired ? nb : nb * nb) * b);
  for (let a = 0; a < nb; a++) {
    for (let c = paired ? a : 0; c < (paired ? a + 1 : nb); c++) {
      const o = (paired ? a : a * nb + c) * b;
      for (let t = 0; t < L; t++) {
        const ry = (a * L + t) * b;
        const rp = (c * L + t) * b;
        for (let j = 0; j < b; j++) cross[o + j] = cross[o + j]! + (Y[ry + j]! - my[j]!) * (P[rp + j]! - mp[j]!);
      }
    }
  }
  return { nBlocks: nb, blockLength: L, b, sy, syy, sp, spp, cross, paired };
}

/** Pearson r of each voxel over the resampled blocks `ya` (responses) and `pa` (predictions). */
function resampledR(s: BlockSums, ya: Int32Array, pa: Int32Array, out: Float64Array): void {
  const { nBlocks: nb, b } = s;
  const N = nb * s.blockLength;
  const Sy = new Float64Array(b);
  const Syy = new Float64Array(b);
  const Sp = new Float64Array(b);
  const Spp = new Float64Array(b);
  const Syp = new Float64Array(b);
  for (let k = 0; k < ya.length; k++) {
    const a = ya[k]!;
    const c = pa[k]!;
    const oa = a * b;
    const oc = c * b;
    const ox = (s.paired ? a : a * nb + c) * b;
    for (let j = 0; j < b; j++) {
      Sy[j] = Sy[j]! + s.sy[oa + j]!;
      Syy[j] = Syy[j]! + s.syy[oa + j]!;
      Sp[j] = Sp[j]! + s.sp[oc + j]!;
      Spp[j] = Spp[j]! + s.spp[oc + j]!;
      Syp[j] = Syp[j]! + s.cross[ox + j]!;
    }
  }
  for (let j = 0; j < b; j++) {
    const cov = Syp[j]! - (Sy[j]! * Sp[j]!) / N;
    const vy = Syy[j]! - (Sy[j]! * Sy[j]!) / N;
    const vp = Spp[j]! - (Sp[j]! * Sp[j]!) / N;
    out[j] = vy > 0 && vp > 0 ? cov / Math.sqrt(vy * vp) : 0;
  }
}

/** Random block indices for `count` resamples of `nBlocks` blocks (with replacement), drawn once so every voxel batch sees the same resamples. */
export function drawBlocks(rng: Rng, count: number, nBlocks: number): Int32Array {
  const out = new Int32Array(count * nBlocks);
  for (let i = 0; i < out.length; i++) out[i] = rng.int(nBlocks);
  return out;
}

/**
 * Block permutation p-values of test correlations (Huth lab deep-fMRI-dataset
 * `encoding/significance_testing.py` `permutation_test`): responses and predictions are cut
 * into blocks of `blockLength` samples, blocks of each are drawn at random independently (with
 * replacement, as Huth's `make_randinds`), and the correlation of the mismatched series forms
 * the null. p = (1 + #null ≥ observed)/(1 + permutations) (Phipson & Smyth 2010, so p is never
 * 0; Huth's own estimate omits the +1).
 */
export function blockPermutationPValues(
  sums: BlockSums,
  observed: Float64Array,
  draws: { y: Int32Array; p: Int32Array; count: number },
  alternative: Alternative,
): Float64Array {
  const { nBlocks: nb, b } = sums;
  const exceed = new Float64Array(b);
  const r = new Float64Array(b);
  for (let k = 0; k < draws.count; k++) {
    resampledR(sums, draws.y.subarray(k * nb, (k + 1) * nb), draws.p.subarray(k * nb, (k + 1) * nb), r);
    for (let j = 0; j < b; j++) {
      const o = observed[j]!;
      const x = r[j]!;
      const hit = alternative === 'greater' ? x >= o : alternative === 'less' ? x <= o : Math.abs(x) >= Math.abs(o);
      if (hit) exceed[j] = exceed[j]! + 1;
    }
  }
  const out = new Float64Array(b);
  for (let j = 0; j < b; j++) out[j] = (1 + exceed[j]!) / (1 + draws.count);
  return out;
}

/**
 * Correlations of each voxel under `count` paired block-bootstrap resamples of the test samples
 * (the same blocks for responses and predictions), written resample-major into `out`
 * (count × total voxels, at column offset `v0`).
 */
export function blockBootstrapCorrelations(
  sums: BlockSums,
  draws: Int32Array,
  count: number,
  out: Float32Array,
  v0: number,
  totalVoxels: number,
): void {
  const { nBlocks: nb, b } = sums;
  const r = new Float64Array(b);
  for (let k = 0; k < count; k++) {
    const idx = draws.subarray(k * nb, (k + 1) * nb);
    resampledR(sums, idx, idx, r);
    const o = k * totalVoxels + v0;
    for (let j = 0; j < b; j++) out[o + j] = r[j]!;
  }
}

/** Linear-interpolation quantile of sorted values (numpy's default). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}
