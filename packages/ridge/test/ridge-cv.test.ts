import { describe, expect, it } from 'vitest';
import { createContext, createRng, matrix } from '@voxelwise/core';
import { columnCorrelations, fitRidgeCV } from '../src/index.js';

function problem(n: number, p: number, v: number, noise: number, seed = 1) {
  const rng = createRng(seed);
  const X = matrix(n, p, Float64Array.from({ length: n * p }, () => rng.normal()));
  const W = Float64Array.from({ length: p * v }, () => rng.normal());
  const Y = matrix(n, v, new Float64Array(n * v));
  for (let i = 0; i < n; i++) for (let j = 0; j < v; j++) {
    let s = 0;
    for (let a = 0; a < p; a++) s += X.data[i * p + a]! * W[a * v + j]!;
    Y.data[i * v + j] = s + noise * rng.normal();
  }
  return { X, Y, W };
}

describe('ridge-cv', () => {
  it('recovers noiseless weights with a tiny alpha', async () => {
    const { X, Y, W } = problem(200, 5, 3, 0);
    const fitted = await fitRidgeCV({ X, Y }, { alphas: [1e-6], normalpha: false, nFolds: 4, alphaMode: 'single' }, createContext());
    for (let k = 0; k < W.length; k++) expect(fitted.weights!.data[k]).toBeCloseTo(W[k]!, 6);
  });

  it('prefers larger alphas when the signal is weak and predicts held-out data', async () => {
    const { X, Y } = problem(60, 40, 4, 8, 2);
    const fitted = await fitRidgeCV({ X, Y }, { alphas: [1e-3, 1, 1e3], normalpha: false, nFolds: 5, alphaMode: 'per-voxel' }, createContext());
    expect(Array.from(fitted.alphas!).every((a) => a >= 1)).toBe(true);
    const test = problem(60, 40, 4, 8, 2);
    const r = await fitted.score(test.X, test.Y);
    expect(r.length).toBe(4);
  });

  it('scores a constant column as 0 rather than NaN', () => {
    const a = matrix(3, 1, new Float64Array([1, 1, 1]));
    const b = matrix(3, 1, new Float64Array([1, 2, 3]));
    expect(columnCorrelations(a, b)[0]).toBe(0);
  });
});
