import { createContext, createRng, matrix } from '@voxelwise/core';
import { describe, expect, it } from 'vitest';
import { bonferroniCombine, createRidgeModel, fisherCombine } from '../src/index.js';
import type { RidgeCVOptions } from '../src/index.js';

// Calibration of nested cross-validation p-values on a null: responses that are pure noise,
// independent of smooth features. Each outer fold's correlation test is exact there, but the
// folds of one voxel are not independent (every fold's weights are fitted on the other folds'
// test rows), so the combined p-value must be valid under dependence.

const GROUPS = 4;
const ROWS = 175;
const FEATURES = 4;
const VOXELS = 800;

/** Stationary AR(1) series of `n` values, restarted at every story boundary (`every` rows). */
function ar1(rng: ReturnType<typeof createRng>, n: number, phi: number, every: number, out: (i: number, x: number) => void): void {
  const innov = Math.sqrt(1 - phi * phi);
  let e = 0;
  for (let i = 0; i < n; i++) {
    e = i % every === 0 ? rng.normal() : phi * e + innov * rng.normal();
    out(i, e);
  }
}

/** Null data: smooth features (AR 0.9, as delayed word rates are) and noise responses with AR coefficient `phi`. */
function nullProblem(seed: number, phi: number) {
  const rng = createRng(seed);
  const n = GROUPS * ROWS;
  const X = new Float32Array(n * FEATURES);
  for (let k = 0; k < FEATURES; k++) ar1(rng, n, 0.9, n, (i, x) => (X[i * FEATURES + k] = x));
  const Y = new Float32Array(n * VOXELS);
  for (let j = 0; j < VOXELS; j++) ar1(rng, n, phi, ROWS, (i, x) => (Y[i * VOXELS + j] = x));
  const groups = Int32Array.from({ length: n }, (_, i) => Math.floor(i / ROWS));
  return { X: matrix(n, FEATURES, X), Y: matrix(n, VOXELS, Y), groups };
}

/** Smallest c with P(Binomial(n, q) ≤ c) ≥ level: the count of p < q that a calibrated test exceeds with probability below 1 − level. */
function binomialQuantile(n: number, q: number, level: number): number {
  let logPmf = n * Math.log1p(-q);
  let cdf = Math.exp(logPmf);
  let c = 0;
  while (cdf < level && c < n) {
    logPmf += Math.log((n - c) / (c + 1)) + Math.log(q / (1 - q));
    c++;
    cdf += Math.exp(logPmf);
  }
  return c;
}

async function nestedP(phi: number, options: RidgeCVOptions): Promise<{ combined: Float64Array; folds: Float64Array[] }> {
  const { X, Y, groups } = nullProblem(11, phi);
  const model = createRidgeModel({ backend: 'pure', alphas: [0.1, 10, 1000, 1e5, 1e7], folds: { type: 'kfold', n: 3 }, ...options });
  const cv = await model.crossValidate!({ X, Y, groups }, createContext({ seed: 5 }));
  return { combined: cv.voxels.p!, folds: cv.folds.map((f) => Float64Array.from(f.evaluation.voxels.p!)) };
}

const below = (p: ArrayLike<number>, q: number): number => Array.from(p).filter((x) => x < q).length;

describe('p-value combination', () => {
  it('bonferroniCombine is k·min p, capped at 1; NaN counts as 1', () => {
    expect(bonferroniCombine([0.01, 0.2, 0.5])).toBeCloseTo(0.03, 15);
    expect(bonferroniCombine([0.4, 0.9])).toBe(0.8);
    expect(bonferroniCombine([0.6, 0.9])).toBe(1);
    expect(bonferroniCombine([Number.NaN, 0.1])).toBeCloseTo(0.2, 15);
    expect(() => bonferroniCombine([])).toThrow(/empty/);
  });
});

describe('nested cross-validation p-values are calibrated on a null', () => {
  // With q = 0.05 and 800 null voxels the count of p < q is Binomial(800, ≤ 0.05) for a valid
  // test; the 0.999 quantile is the bound (the fixed seed makes the outcome repeatable).
  const bound = binomialQuantile(VOXELS, 0.05, 0.999);

  it('white noise: every fold is exact and the combined p holds its level (Fisher does not)', async () => {
    const { combined, folds } = await nestedP(0, {});
    for (const p of folds) expect(below(p, 0.05)).toBeLessThanOrEqual(bound);
    expect(below(combined, 0.05)).toBeLessThanOrEqual(bound);
    // The same fold p-values through Fisher's method, which assumes independent folds: too many.
    const fisher = Array.from({ length: VOXELS }, (_, j) => fisherCombine(folds.map((p) => p[j]!)).p);
    expect(below(fisher, 0.05)).toBeGreaterThan(bound);
  });

  it('AR(1) noise: the parametric fold test is too liberal; block permutations restore the level', async () => {
    const parametric = await nestedP(0.3, {});
    expect(Math.max(...parametric.folds.map((p) => below(p, 0.05)))).toBeGreaterThan(bound);
    const permuted = await nestedP(0.3, { permutations: 400, blockLength: 10 });
    for (const p of permuted.folds) expect(below(p, 0.05)).toBeLessThanOrEqual(bound);
    expect(below(permuted.combined, 0.05)).toBeLessThanOrEqual(bound);
  });
});
