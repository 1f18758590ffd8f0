import type { Matrix } from '@voxelwise/core';

/**
 * Per voxel sign(R²)·√|R²| with R² = 1 − var(y − ŷ)/var(y) (population variances), the "corrs"
 * that Huth's encoding.py saves: HuthLab/deep-fMRI-dataset, ridge_utils/ridge.py
 * `bootstrap_ridge` with `use_corr` False. A constant response gives 0 (numpy's NaN, then
 * `nan_to_num`). Accumulated in float64.
 */
export function signedSqrtR2(Y: Matrix, P: Matrix): Float64Array {
  const n = Y.rows;
  const v = Y.cols;
  // Two passes (means, then centred sums of squares), so large offsets do not cancel.
  const my = new Float64Array(v);
  const me = new Float64Array(v);
  for (let i = 0; i < n; i++) {
    const o = i * v;
    for (let j = 0; j < v; j++) {
      const y = Y.data[o + j]!;
      my[j]! += y;
      me[j]! += y - P.data[o + j]!;
    }
  }
  for (let j = 0; j < v; j++) {
    my[j]! /= n;
    me[j]! /= n;
  }
  const vy = new Float64Array(v);
  const ve = new Float64Array(v);
  for (let i = 0; i < n; i++) {
    const o = i * v;
    for (let j = 0; j < v; j++) {
      const y = Y.data[o + j]!;
      const dy = y - my[j]!;
      const de = y - P.data[o + j]! - me[j]!;
      vy[j]! += dy * dy;
      ve[j]! += de * de;
    }
  }
  const out = new Float64Array(v);
  for (let j = 0; j < v; j++) {
    if (!(vy[j]! > 0)) continue;
    const r2 = 1 - ve[j]! / vy[j]!;
    out[j] = Number.isFinite(r2) ? Math.sign(r2) * Math.sqrt(Math.abs(r2)) : 0;
  }
  return out;
}
