import { matrix } from '@voxelwise/core';
import type { DType, Matrix } from '@voxelwise/core';
import type { LinalgBackend } from '../linalg/backend.js';
import { takeRows, toFloat32, transposed } from '../linalg/dense.js';
import type { Dense } from '../linalg/dense.js';
import { multiplyTridiagonalRows, solveShiftedRows } from '../linalg/tridiagonal-ops.js';
import type { ProductPlan } from './product-plan.js';
import type { SpectralFactor } from './spectral-factor.js';

/** A factor's basis, both ways round, in the element type of the voxel-sized products. */
export interface Basis {
  readonly Q: Matrix;
  readonly QT: Matrix;
}

/** Q and Qᵀ in `dtype` (float32 copies, or the float64 basis itself). */
export function basisOf(factor: SpectralFactor, dtype: DType): Basis {
  const p = factor.Q.rows;
  const Q: Dense = dtype === 'float32' ? toFloat32(factor.Q.data) : factor.Q.data;
  return { Q: matrix(p, p, Q), QT: matrix(p, p, transposed(Q, p, p)) };
}

/**
 * The stack H (products·nTest × p, in `dtype`) whose product with a fold's training cross-products
 * XᵀY gives every validation prediction the fold needs: block k is
 * X_val·(G + λ_k I)⁻¹ for an exact alpha, or X_val·Q·K̃^m·Qᵀ for series term m
 * (see {@link ProductPlan}). Built as H = Sᵀ·Qᵀ with the rows of Sᵀ = X_val·Q·(K + λI)⁻¹ solved
 * on the tridiagonal (or diagonal) K, so no p × p inverse is ever formed. Everything is formed
 * row by row in H's own layout (X_val·Q, then Sᵀ), so nothing p-sized is transposed; the
 * products give the same bits as the transposed ones (Q·S)ᵀ on both backends
 * (`test/fold-projection.test.ts`).
 */
export async function projectionStack(
  Xd: Dense,
  p: number,
  test: Int32Array,
  factor: SpectralFactor,
  basis: Basis,
  lambdas: readonly number[],
  plan: ProductPlan,
  backend: LinalgBackend,
  dtype: DType,
): Promise<Matrix> {
  const nTest = test.length;
  // A = X_val·Q (nTest × p): row r is Qᵀ applied to validation row r.
  const A = (await backend.matmul(matrix(nTest, p, takeRows(Xd, p, test)), basis.Q, { dtype })).data;
  const width = plan.products * nTest;
  const ST = dtype === 'float32' ? new Float32Array(width * p) : new Float64Array(width * p);
  plan.exact.forEach((a, k) => solveShiftedRows(factor.d, factor.e, lambdas[a]!, A, nTest, p, ST, k * nTest, factor.keep));
  if (plan.terms > 0) {
    // Term m is K̃^m applied to the rows of A; each term is kept in float64 for the next one.
    // Term 0 is A itself (zero in the components a singular-value cutoff drops).
    let cur: Dense = A;
    if (factor.keep) {
      cur = new Float64Array(nTest * p);
      multiplyTridiagonalRows(new Float64Array(p).fill(1), null, A, nTest, p, cur, 0, 1, factor.keep);
    }
    const scale = factor.sMax2 > 0 ? 1 / factor.sMax2 : 0;
    let spare: Float64Array | null = null;
    for (let m = 0; m < plan.terms; m++) {
      ST.set(cur, (plan.exact.length + m) * nTest * p);
      if (m + 1 < plan.terms) {
        const next: Float64Array = spare ?? new Float64Array(nTest * p);
        multiplyTridiagonalRows(factor.d, factor.e, cur, nTest, p, next, 0, scale, factor.keep);
        spare = cur instanceof Float64Array && cur !== A ? cur : null;
        cur = next;
      }
    }
  }
  return backend.matmul(matrix(width, p, ST), basis.QT, { dtype });
}
