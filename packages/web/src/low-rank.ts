import { matrix, voxelwiseError } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';
import { createPureBackend } from '@voxelwise/ridge';

/** A truncated SVD of a weight matrix, `W ≈ A·B`, and what it keeps. */
export interface LowRank {
  readonly A: Matrix<Float32Array>;
  readonly B: Matrix<Float32Array>;
  readonly rank: number;
  /** `Σ_{i<rank} σᵢ² / Σ σᵢ²`: the share of `‖W‖²_F` kept. */
  readonly keptVariance: number;
  /** Cumulative kept share after each rank 1, 2, …, min(p, v). */
  readonly cumulative: Float64Array;
}

/** How the rank is chosen: a fixed rank, or the smallest rank keeping at least `keep` of `‖W‖²_F`. */
export type RankChoice = { readonly rank: number } | { readonly keep: number };

/**
 * Truncated SVD of `W` (p × v) through the eigendecomposition of its smaller Gram matrix (ridge's
 * pure backend, float64): with `WWᵀ = UΛUᵀ`, `A = U_k`, `B = U_kᵀW`; with `WᵀW = VΛVᵀ`,
 * `A = WV_k`, `B = V_kᵀ`. Either way `A·B` is the best rank-k approximation (Eckart–Young).
 */
export async function truncatedSvd(W: Matrix, choice: RankChoice): Promise<LowRank> {
  const { rows: p, cols: v, data } = W;
  const tall = p <= v;
  const n = tall ? p : v;
  const G = new Float64Array(n * n);
  // G = W·Wᵀ (p × p) or Wᵀ·W (v × v), accumulated in float64.
  if (tall) {
    for (let i = 0; i < p; i++)
      for (let j = 0; j <= i; j++) {
        let s = 0;
        for (let c = 0; c < v; c++) s += data[i * v + c]! * data[j * v + c]!;
        G[i * n + j] = s;
        G[j * n + i] = s;
      }
  } else {
    for (let r = 0; r < p; r++) {
      const o = r * v;
      for (let i = 0; i < v; i++) {
        const a = data[o + i]!;
        if (a === 0) continue;
        for (let j = 0; j <= i; j++) G[i * n + j]! += a * data[o + j]!;
      }
    }
    for (let i = 0; i < v; i++) for (let j = 0; j < i; j++) G[j * n + i] = G[i * n + j]!;
  }
  const backend = await createPureBackend();
  const { values, vectors } = await backend.eigh(matrix(n, n, G));
  // Eigenvalues come ascending; take them largest first, clipping round-off negatives.
  const order = Array.from({ length: n }, (_, i) => n - 1 - i);
  const lambda = order.map((i) => Math.max(0, values[i]!));
  const total = lambda.reduce((a, b) => a + b, 0);
  const cumulative = new Float64Array(n);
  let acc = 0;
  lambda.forEach((l, i) => {
    acc += l;
    cumulative[i] = total > 0 ? acc / total : 1;
  });
  let k: number;
  if ('rank' in choice) {
    if (!Number.isInteger(choice.rank) || choice.rank < 1) {
      throw voxelwiseError({
        code: 'E_OPTIONS_INVALID',
        where: 'web:export',
        message: 'option "rank" must be a positive integer',
        got: choice.rank,
      });
    }
    k = Math.min(choice.rank, n);
  } else {
    k = 1;
    while (k < n && cumulative[k - 1]! < choice.keep) k++;
  }
  const Vk = new Float64Array(n * k);
  for (let r = 0; r < n; r++) for (let c = 0; c < k; c++) Vk[r * k + c] = vectors.data[r * n + order[c]!]!;
  const A = new Float32Array(p * k);
  const B = new Float32Array(k * v);
  if (tall) {
    for (let r = 0; r < p; r++) for (let c = 0; c < k; c++) A[r * k + c] = Vk[r * k + c]!;
    for (let c = 0; c < k; c++) {
      const acc2 = new Float64Array(v);
      for (let r = 0; r < p; r++) {
        const u = Vk[r * k + c]!;
        if (u === 0) continue;
        for (let j = 0; j < v; j++) acc2[j]! += u * data[r * v + j]!;
      }
      B.set(acc2, c * v);
    }
  } else {
    for (let r = 0; r < p; r++)
      for (let c = 0; c < k; c++) {
        let s = 0;
        for (let j = 0; j < v; j++) s += data[r * v + j]! * Vk[j * k + c]!;
        A[r * k + c] = s;
      }
    for (let c = 0; c < k; c++) for (let j = 0; j < v; j++) B[c * v + j] = Vk[j * k + c]!;
  }
  return { A: matrix(p, k, A), B: matrix(k, v, B), rank: k, keptVariance: cumulative[k - 1] ?? 1, cumulative };
}
