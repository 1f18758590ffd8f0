import { matrix, voxelwiseError } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';
import type { DenseKernels, LinalgBackend, SymmetricEigen, Tridiagonalization } from './backend.js';
import { gemm } from './dense.js';
import { dataAs, productPlan } from './matmul-shape.js';
import { tridiagonalizeBlocked } from './tridiagonalize.js';

/** Dense kernels in plain TypeScript. */
const pureKernels: DenseKernels = {
  gemm: async (A, B, m, k, n, out) => gemm(A, B, m, k, n, out),
  gemmSubtract: async (A, B, C, m, k, n, out) => {
    gemm(A, B, m, k, n, out);
    for (let i = 0; i < m * n; i++) out[i] = C[i]! - out[i]!;
  },
};

/** `XᵀX` in float64 by rank-one row updates of the upper triangle, then mirrored. */
function gramPure(X: Matrix): Matrix<Float64Array> {
  const { rows: n, cols: p, data } = X;
  const G = new Float64Array(p * p);
  const row = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++) row[a] = data[i * p + a]!;
    for (let a = 0; a < p; a++) {
      const xa = row[a]!;
      if (xa === 0) continue;
      const o = a * p;
      for (let b = a; b < p; b++) G[o + b] = G[o + b]! + xa * row[b]!;
    }
  }
  for (let a = 0; a < p; a++) for (let b = 0; b < a; b++) G[a * p + b] = G[b * p + a]!;
  return matrix(p, p, G);
}

/**
 * The reference backend: plain TypeScript products and Householder reduction, ml-matrix for
 * the symmetric eigendecomposition. Exact and dependency-light, for small problems and as the
 * yardstick of the fast backend in tests.
 *
 * @example
 * const backend = await createPureBackend();
 * const G = await backend.gram(X);
 */
export async function createPureBackend(): Promise<LinalgBackend> {
  return {
    name: 'pure',
    async matmul(A, B, options = {}) {
      const { dtype, out } = productPlan(A, B, options, 'ridge:pure-backend');
      gemm(dataAs(A, dtype), dataAs(B, dtype), A.rows, A.cols, B.cols, out);
      return matrix(A.rows, B.cols, out);
    },
    async gram(X) {
      return gramPure(X);
    },
    async tridiagonalize(G): Promise<Tridiagonalization> {
      return tridiagonalizeBlocked(G, pureKernels, 32);
    },
    async eigh(G): Promise<SymmetricEigen> {
      let ml: typeof import('ml-matrix');
      try {
        ml = await import('ml-matrix');
      } catch (cause) {
        throw voxelwiseError({
          code: 'E_BACKEND',
          where: 'ridge:pure-backend',
          message: 'ml-matrix could not be loaded',
          cause,
          hint: 'Reinstall dependencies with npm ci.',
        });
      }
      const p = G.rows;
      const rows: number[][] = [];
      for (let i = 0; i < p; i++) rows.push(Array.from(G.data.subarray(i * p, (i + 1) * p)));
      const evd = new ml.EigenvalueDecomposition(new ml.Matrix(rows), { assumeSymmetric: true });
      const values = Float64Array.from(evd.realEigenvalues);
      const V = evd.eigenvectorMatrix;
      const vectors = new Float64Array(p * p);
      for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) vectors[i * p + j] = V.get(i, j);
      return { values, vectors: matrix(p, p, vectors) };
    },
    async dispose() {},
  };
}
