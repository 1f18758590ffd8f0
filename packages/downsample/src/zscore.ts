import { zeros } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';

/**
 * Column z-score with ddof 0 (LITcoder encoding/utils.py zscore L16-47 = Huth npp.zscore):
 * `(x − mean) / std`, with sums in row order in float64 as numpy's `axis=0` reductions.
 * A constant column becomes all zeros. Unlike the reference, "constant" means every value is
 * equal, not only `std == 0`: numpy turns a column of 0.1s into ±1 because its mean is off by
 * one ulp. The result is float64.
 *
 * @example
 * const z = zscore(trimRows(delayed, { start: 10, end: -5 }));
 */
export function zscore(m: Matrix): Matrix<Float64Array> {
  const { rows, cols, data } = m;
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
  for (let j = 0; j < cols; j++) {
    const sd = Math.sqrt(ss[j]! / (rows || 1));
    if (sd === 0 || constant[j]) {
      for (let i = 0; i < rows; i++) out.data[i * cols + j] = 0;
    } else {
      for (let i = 0; i < rows; i++) out.data[i * cols + j]! /= sd;
    }
  }
  return out;
}
