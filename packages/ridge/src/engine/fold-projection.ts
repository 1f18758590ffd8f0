import { matrix } from '@voxelwise/core';
import type { DType, Matrix } from '@voxelwise/core';
import type { LinalgBackend } from '../linalg/backend.js';
import { takeRows, toFloat32, transposed } from '../linalg/dense.js';
import type { Dense } from '../linalg/dense.js';
import { multiplyTridiagonal, solveShifted } from '../linalg/tridiagonal-ops.js';
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
 * (see {@link ProductPlan}). Built as Hᵀ = Q·S with S = (K + λI)⁻¹·Qᵀ·X_valᵀ solved on the
 * tridiagonal (or diagonal) K, so no p × p inverse is ever formed.
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
  const XvT = transposed(takeRows(Xd, p, test), nTest, p);
  const ATd = (await backend.matmul(basis.QT, matrix(p, nTest, XvT), { dtype })).data;
  const AT = ATd instanceof Float64Array ? ATd : Float64Array.from(ATd);
  const nP = plan.products;
  const width = nP * nTest;
  const S = dtype === 'float32' ? new Float32Array(p * width) : new Float64Array(p * width);
  const put = (block: Float64Array, k: number): void => {
    for (let i = 0; i < p; i++) {
      const src = i * nTest;
      const dst = i * width + k * nTest;
      for (let j = 0; j < nTest; j++) S[dst + j] = block[src + j]!;
    }
  };
  plan.exact.forEach((a, k) => {
    const block = Float64Array.from(AT);
    solveShifted(factor.d, factor.e, lambdas[a]!, block, p, nTest, factor.keep);
    put(block, k);
  });
  if (plan.terms > 0) {
    let cur = new Float64Array(p * nTest);
    multiplyTridiagonal(new Float64Array(p).fill(1), null, AT, p, nTest, cur, 1, factor.keep);
    const scale = factor.sMax2 > 0 ? 1 / factor.sMax2 : 0;
    for (let m = 0; m < plan.terms; m++) {
      put(cur, plan.exact.length + m);
      if (m + 1 < plan.terms) {
        const next = new Float64Array(p * nTest);
        multiplyTridiagonal(factor.d, factor.e, cur, p, nTest, next, scale, factor.keep);
        cur = next;
      }
    }
  }
  const HT = (await backend.matmul(basis.Q, matrix(p, width, S), { dtype })).data;
  return matrix(width, p, transposed(HT, p, width));
}
