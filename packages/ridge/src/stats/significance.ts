import { median } from '@voxelwise/core';
import type { Rng } from '@voxelwise/core';
import type { Dense } from '../linalg/dense.js';
import { blockBootstrapCorrelations, blockPermutationPValues, blockSums, drawBlocks, quantileSorted } from './block-resampling.js';
import type { Alternative } from './p-values.js';
import { pearsonPValues } from './p-values.js';

/** How test correlations are tested. */
export interface SignificanceOptions {
  /** Alternative hypothesis. @default 'greater' */
  alternative: Alternative;
  /** FDR level of Benjamini–Hochberg. @default 0.05 */
  fdr: number;
  /** Block permutations per voxel; 0 uses the parametric Pearson p-value. @default 0 */
  permutations: number;
  /** Samples per block for permutations and the bootstrap CI. @default 10 */
  blockLength: number;
  /** Block-bootstrap resamples for the CI of the median r; 0 skips it. @default 0 */
  ciResamples: number;
  /** Level of that interval. @default 0.95 */
  ciLevel: number;
}

/** Accumulates per-voxel p-values and bootstrap correlations over voxel batches. */
export interface SignificanceAccumulator {
  /** Adds the batch of voxels `[v0, v0 + b)`: responses Y and predictions P (n × b), observed r. */
  add(v0: number, Y: Dense, P: Dense, n: number, b: number, r: Float64Array): void;
  /** p-values of every voxel. */
  readonly p: Float64Array;
  /** The median-r interval, when requested. */
  medianInterval(): { low: number; high: number; resamples: number } | null;
  /** How the p-values were obtained. */
  readonly method: 'parametric' | 'block-permutation';
}

/** Starts the significance computation for `v` voxels of `n` test samples. */
export function significance(
  options: SignificanceOptions,
  n: number,
  v: number,
  rngs: { permutation: Rng; bootstrap: Rng },
): SignificanceAccumulator {
  const p = new Float64Array(v);
  const L = options.blockLength;
  const nb = Math.floor(n / L);
  const perm =
    options.permutations > 0
      ? {
          y: drawBlocks(rngs.permutation, options.permutations, nb),
          p: drawBlocks(rngs.permutation, options.permutations, nb),
          count: options.permutations,
        }
      : null;
  const ciDraws = options.ciResamples > 0 ? drawBlocks(rngs.bootstrap, options.ciResamples, nb) : null;
  const boot = ciDraws ? new Float32Array(options.ciResamples * v) : null;
  return {
    p,
    method: perm ? 'block-permutation' : 'parametric',
    add(v0, Y, P, rows, b, r) {
      if (perm) {
        const sums = blockSums(Y, P, rows, b, L, false);
        p.set(blockPermutationPValues(sums, r, perm, options.alternative), v0);
      } else {
        p.set(pearsonPValues(r, rows, options.alternative), v0);
      }
      if (ciDraws && boot) {
        const sums = blockSums(Y, P, rows, b, L, true);
        blockBootstrapCorrelations(sums, ciDraws, options.ciResamples, boot, v0, v);
      }
    },
    medianInterval() {
      if (!boot || !ciDraws) return null;
      const medians = new Float64Array(options.ciResamples);
      for (let k = 0; k < options.ciResamples; k++) medians[k] = median(boot.subarray(k * v, (k + 1) * v));
      medians.sort();
      const tail = (1 - options.ciLevel) / 2;
      return { low: quantileSorted(medians, tail), high: quantileSorted(medians, 1 - tail), resamples: options.ciResamples };
    },
  };
}
