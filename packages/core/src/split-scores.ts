import { voxelwiseError } from './errors.js';
import type { Matrix } from './matrix.js';

const WHERE = 'core:split-scores';

function checkParts(Y: Matrix, parts: readonly Matrix[], what: string): void {
  if (parts.length === 0) {
    throw voxelwiseError({
      code: 'E_DATA_INVALID',
      where: WHERE,
      message: `${what} needs at least one band prediction (got none)`,
      hint: 'Pass the per-band predictions of a banded model (FittedModel.predictSplit).',
    });
  }
  parts.forEach((P, b) => {
    if (P.rows !== Y.rows || P.cols !== Y.cols) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where: WHERE,
        message: `${what}: prediction of band ${b} is ${P.rows} × ${P.cols} but the responses are ${Y.rows} × ${Y.cols}`,
        got: [P.rows, P.cols],
        expected: [Y.rows, Y.cols],
      });
    }
  });
}

/**
 * Splits each voxel's R² between bands by the product measure (himalaya
 * `himalaya/scoring.py::r2_score_split` with `include_correlation=True`):
 * `R²_b = Σ_t (2·y·ŷ_b − ŷ_b·Σ_j ŷ_j) / Σ_t y²`. The parts sum to the joint
 * `1 − Σ(y − Σ_j ŷ_j)² / Σ y²`, which is the usual R² when `Y` is zero-mean over samples (as
 * himalaya assumes; z-scored test responses are). A voxel with Σy² = 0 scores 0 in every band.
 * Sums are accumulated in float64.
 *
 * @param Y responses, samples × voxels
 * @param parts one prediction per band, each samples × voxels (summing to the joint prediction)
 * @returns one array per band, one value per voxel
 */
export function splitR2(Y: Matrix, parts: readonly Matrix[]): Float64Array[] {
  checkParts(Y, parts, 'split R²');
  const { rows: n, cols: v } = Y;
  const sst = new Float64Array(v);
  const sum = new Float64Array(v);
  const out = parts.map(() => new Float64Array(v));
  for (let i = 0; i < n; i++) {
    const o = i * v;
    sum.fill(0);
    for (const P of parts) for (let j = 0; j < v; j++) sum[j] = sum[j]! + P.data[o + j]!;
    for (let j = 0; j < v; j++) {
      const y = Y.data[o + j]!;
      sst[j] = sst[j]! + y * y;
    }
    parts.forEach((P, b) => {
      const r = out[b]!;
      for (let j = 0; j < v; j++) {
        const p = P.data[o + j]!;
        r[j] = r[j]! + 2 * Y.data[o + j]! * p - p * sum[j]!;
      }
    });
  }
  for (const r of out) for (let j = 0; j < v; j++) r[j] = sst[j]! > 0 ? r[j]! / sst[j]! : 0;
  return out;
}

/**
 * Splits each voxel's Pearson r between bands (himalaya
 * `himalaya/scoring.py::correlation_score_split`): with y and each ŷ_b centred over samples,
 * `r_b = mean_t(y·ŷ_b) / (σ_y·σ_Σŷ)` (σ with ddof 0, and 1 where it is 0), so the parts sum to
 * the correlation of the joint prediction Σ_b ŷ_b with y. Sums are accumulated in float64.
 *
 * @param Y responses, samples × voxels
 * @param parts one prediction per band, each samples × voxels
 * @returns one array per band, one value per voxel
 */
export function splitCorrelation(Y: Matrix, parts: readonly Matrix[]): Float64Array[] {
  checkParts(Y, parts, 'split correlation');
  const { rows: n, cols: v } = Y;
  const B = parts.length;
  const my = new Float64Array(v);
  const mp = parts.map(() => new Float64Array(v));
  for (let i = 0; i < n; i++) {
    const o = i * v;
    for (let j = 0; j < v; j++) my[j] = my[j]! + Y.data[o + j]!;
    parts.forEach((P, b) => {
      const m = mp[b]!;
      for (let j = 0; j < v; j++) m[j] = m[j]! + P.data[o + j]!;
    });
  }
  for (let j = 0; j < v; j++) {
    my[j] = my[j]! / n;
    for (let b = 0; b < B; b++) mp[b]![j] = mp[b]![j]! / n;
  }
  const syy = new Float64Array(v);
  const sss = new Float64Array(v);
  const cov = parts.map(() => new Float64Array(v));
  for (let i = 0; i < n; i++) {
    const o = i * v;
    for (let j = 0; j < v; j++) {
      const y = Y.data[o + j]! - my[j]!;
      syy[j] = syy[j]! + y * y;
      let s = 0;
      for (let b = 0; b < B; b++) {
        const p = parts[b]!.data[o + j]! - mp[b]![j]!;
        s += p;
        cov[b]![j] = cov[b]![j]! + y * p;
      }
      sss[j] = sss[j]! + s * s;
    }
  }
  for (let j = 0; j < v; j++) {
    const sy = Math.sqrt(syy[j]! / n) || 1;
    const sp = Math.sqrt(sss[j]! / n) || 1;
    for (let b = 0; b < B; b++) cov[b]![j] = cov[b]![j]! / n / (sy * sp);
  }
  return cov;
}
