import { zeros } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';

/**
 * Column z-score with ddof 0; a constant column becomes all zeros instead of NaN
 * (LITcoder encoding/utils.py zscore L16-47, = Huth npp.zscore). Accumulates in float64.
 */
export function zscore(m: Matrix): Matrix<Float64Array> {
  const { rows, cols, data } = m;
  const out = zeros(rows, cols, 'float64');
  const mean = new Float64Array(cols);
  const ss = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) mean[j]! += data[i * cols + j]!;
  for (let j = 0; j < cols; j++) mean[j]! /= rows || 1;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = data[i * cols + j]! - mean[j]!;
      out.data[i * cols + j] = v;
      ss[j]! += v * v;
    }
  }
  for (let j = 0; j < cols; j++) {
    const sd = Math.sqrt(ss[j]! / (rows || 1));
    if (sd === 0) {
      for (let i = 0; i < rows; i++) out.data[i * cols + j] = 0;
    } else {
      for (let i = 0; i < rows; i++) out.data[i * cols + j]! /= sd;
    }
  }
  return out;
}
