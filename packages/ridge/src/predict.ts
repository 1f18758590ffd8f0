import { matrix, voxelwiseError } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';
import { gemm } from './linalg/dense.js';
import { dataAs, productPlan } from './linalg/matmul-shape.js';

/**
 * The prediction of a fitted ridge model, `P = X·W` (samples × voxels), with the pure backend's
 * kernel (float64 accumulation), so a web page predicts what `FittedRidge.predict` predicts on
 * the pure backend. `W` is features × voxels, as `weights.arrow` is read back.
 */
export function predictLinear(X: Matrix, W: Matrix): Matrix<Float32Array> {
  const { out } = productPlan(X, W, { dtype: 'float32' }, 'ridge:predict');
  gemm(dataAs(X, 'float32'), dataAs(W, 'float32'), X.rows, X.cols, W.cols, out);
  return matrix(X.rows, W.cols, out as Float32Array);
}

/** A weight matrix stored as a rank-k product `W ≈ A·B` (A features × k, B k × voxels). */
export interface LowRankWeights {
  readonly A: Matrix;
  readonly B: Matrix;
}

/**
 * `P = (X·A)·B`: the prediction from a truncated factorisation of the weights, in
 * `n·k·(p + v)` operations instead of `n·p·v`. The inner product is kept in float64.
 */
export function predictLowRank(X: Matrix, weights: LowRankWeights): Matrix<Float32Array> {
  const { A, B } = weights;
  if (A.cols !== B.rows) {
    throw voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where: 'ridge:predict',
      message: `low-rank weights do not chain: A is ${A.rows} × ${A.cols} but B has ${B.rows} rows`,
      got: B.rows,
      expected: A.cols,
    });
  }
  const { out: XA } = productPlan(X, A, { dtype: 'float64' }, 'ridge:predict');
  gemm(dataAs(X, 'float64'), dataAs(A, 'float64'), X.rows, X.cols, A.cols, XA);
  const { out } = productPlan(matrix(X.rows, A.cols, XA), B, { dtype: 'float32' }, 'ridge:predict');
  gemm(XA, dataAs(B, 'float64'), X.rows, A.cols, B.cols, out);
  return matrix(X.rows, B.cols, out as Float32Array);
}
