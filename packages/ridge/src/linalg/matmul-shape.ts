import { dtypeOf, voxelwiseError } from '@voxelwise/core';
import type { DType, Matrix } from '@voxelwise/core';
import type { MatmulOptions } from './backend.js';

/** Checks the inner dimensions of `A·B` and resolves the product's element type and storage. */
export function productPlan(
  A: Matrix,
  B: Matrix,
  options: MatmulOptions,
  where: string,
): { dtype: DType; out: Float32Array | Float64Array } {
  if (A.cols !== B.rows) {
    throw voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where,
      message: `cannot multiply a ${A.rows} × ${A.cols} matrix by a ${B.rows} × ${B.cols} matrix`,
      got: B.rows,
      expected: A.cols,
    });
  }
  const dtype = options.dtype ?? (dtypeOf(A) === 'float32' && dtypeOf(B) === 'float32' ? 'float32' : 'float64');
  const size = A.rows * B.cols;
  let out = options.out;
  if (out) {
    const ok = (dtype === 'float32' ? out instanceof Float32Array : out instanceof Float64Array) && out.length === size;
    if (!ok) {
      throw voxelwiseError({
        code: 'E_INTERNAL',
        where,
        message: `output storage must be a ${dtype} array of ${size} elements`,
        got: out.length,
      });
    }
  } else {
    out = dtype === 'float32' ? new Float32Array(size) : new Float64Array(size);
  }
  return { dtype, out };
}

/** The data of `m` in the given element type (a copy only when the type differs). */
export function dataAs(m: Matrix, dtype: DType): Float32Array | Float64Array {
  if (dtype === 'float32') return m.data instanceof Float32Array ? m.data : Float32Array.from(m.data);
  return m.data instanceof Float64Array ? m.data : Float64Array.from(m.data);
}
