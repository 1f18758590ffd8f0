import { zeros } from './matrix.js';
import type { Matrix } from './matrix.js';

/** Options of {@link zscore}. */
export interface ZscoreOptions {
  /** Delta degrees of freedom of the standard deviation: 0 as numpy's default, 1 as pandas'. @default 0 */
  ddof?: 0 | 1;
  /** A column whose standard deviation is at most this is treated as constant (all zeros). @default 0 */
  epsilon?: number;
}

/**
 * Column z-score (LITcoder encoding/utils.py `zscore` = Huth ridge_utils npp.py `zscore`):
 * `(x − mean) / std`, with sums in row order in float64 as numpy's `axis=0` reductions, ddof 0 by
 * default. A constant column becomes all zeros. Unlike the reference, "constant" means every
 * value is equal (or the sd is at most `epsilon`), not only `std == 0`: numpy turns a column of
 * 0.1s into ±1 because its mean is off by one ulp. The result is float64.
 *
 * @example
 * const z = zscore(features);
 */
export function zscore(m: Matrix, options: ZscoreOptions = {}): Matrix<Float64Array> {
  const { rows, cols, data } = m;
  const ddof = options.ddof ?? 0;
  const epsilon = options.epsilon ?? 0;
  const out = zeros(rows, cols, 'float64');
  const mean = new Float64Array(cols);
  const ss = new Float64Array(cols);
  const constant = new Uint8Array(cols).fill(1);
  for (let i = 0; i < rows; i++) {
    const b = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = data[b + j]!;
      mean[j]! += v;
      if (v !== data[j]) constant[j] = 0;
    }
  }
  for (let j = 0; j < cols; j++) mean[j]! /= rows || 1;
  for (let i = 0; i < rows; i++) {
    const b = i * cols;
    for (let j = 0; j < cols; j++) {
      const v = data[b + j]! - mean[j]!;
      out.data[b + j] = v;
      ss[j]! += v * v;
    }
  }
  const dof = Math.max(1, rows - ddof);
  for (let j = 0; j < cols; j++) {
    const sd = Math.sqrt(ss[j]! / dof);
    if (sd <= epsilon || constant[j]) {
      for (let i = 0; i < rows; i++) out.data[i * cols + j] = 0;
    } else {
      for (let i = 0; i < rows; i++) out.data[i * cols + j]! /= sd;
    }
  }
  return out;
}
