import { describe, expect, it } from 'vitest';
import { createRng, matrix } from '@voxelwise/core';
import type { DenseKernels } from '../src/linalg/backend.js';
import { gemm } from '../src/linalg/dense.js';
import { tridiagonalizeBlocked } from '../src/linalg/tridiagonalize.js';

/** TypeScript products that record the shape of every trailing-update call. */
function recordingKernels(calls: { m: number; n: number }[]): DenseKernels {
  return {
    gemm: async (A, B, m, k, n, out) => gemm(A, B, m, k, n, out),
    gemmSubtract: async (A, B, C, m, k, n, out) => {
      calls.push({ m, n });
      gemm(A, B, m, k, n, out);
      for (let i = 0; i < m * n; i++) out[i] = C[i]! - out[i]!;
    },
  };
}

/** A p × p Gram matrix of Gaussian rows (symmetric positive definite). */
function gram(p: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const rows = p + 20;
  const X = Float64Array.from({ length: rows * p }, () => rng.normal());
  const XT = new Float64Array(p * rows);
  for (let r = 0; r < rows; r++) for (let i = 0; i < p; i++) XT[i * rows + r] = X[r * p + i]!;
  const G = new Float64Array(p * p);
  gemm(XT, X, p, rows, p, G);
  return G;
}

describe('tridiagonalizeBlocked', () => {
  // Panels of 8 give row strips of 48: a 150 × 150 matrix has trailing blocks of 3, 2 and 1 strips.
  const p = 150;
  const block = 8;

  it('reads only the lower triangle, and updates it in row strips', async () => {
    const G = gram(p, 3);
    const poisoned = Float64Array.from(G);
    for (let i = 0; i < p; i++) for (let j = i + 1; j < p; j++) poisoned[i * p + j] = Number.NaN;
    const calls: { m: number; n: number }[] = [];
    const a = await tridiagonalizeBlocked(matrix(p, p, G), recordingKernels([]), block);
    const b = await tridiagonalizeBlocked(matrix(p, p, poisoned), recordingKernels(calls), block);
    expect(Array.from(b.d)).toEqual(Array.from(a.d));
    expect(Array.from(b.e)).toEqual(Array.from(a.e));
    expect(Array.from(b.Q.data)).toEqual(Array.from(a.Q.data));
    // The first trailing block (order 142) in 3 strips, each as wide as the rows it ends at.
    expect(calls.slice(0, 3)).toEqual([
      { m: 47, n: 47 },
      { m: 47, n: 94 },
      { m: 48, n: 142 },
    ]);
  });

  it('with strips, still gives QᵀGQ = T and QᵀQ = I', async () => {
    const G = gram(p, 5);
    const { d, e, Q } = await tridiagonalizeBlocked(matrix(p, p, G), recordingKernels([]), block);
    const QT = new Float64Array(p * p);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) QT[j * p + i] = Q.data[i * p + j]!;
    const GQ = new Float64Array(p * p);
    gemm(G, Q.data, p, p, p, GQ);
    const T = new Float64Array(p * p);
    gemm(QT, GQ, p, p, p, T);
    const I = new Float64Array(p * p);
    gemm(QT, Q.data, p, p, p, I);
    let scale = 0;
    for (const g of G) scale = Math.max(scale, Math.abs(g));
    let worstT = 0;
    let worstI = 0;
    for (let i = 0; i < p; i++)
      for (let j = 0; j < p; j++) {
        const t = i === j ? d[i]! : j === i + 1 ? e[i]! : i === j + 1 ? e[j]! : 0;
        worstT = Math.max(worstT, Math.abs(T[i * p + j]! - t));
        worstI = Math.max(worstI, Math.abs(I[i * p + j]! - (i === j ? 1 : 0)));
      }
    expect(worstT).toBeLessThan(1e-12 * scale);
    expect(worstI).toBeLessThan(1e-12);
  });
});
