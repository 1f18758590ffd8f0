import type { Matrix } from '@voxelwise/core';

/**
 * Exact Pearson r of each column of `a` with the same column of `b`, accumulated in float64.
 * A constant column scores 0 (not NaN): it carries no signal.
 */
export function columnCorrelations(a: Matrix, b: Matrix): Float64Array {
  const { rows: n, cols: v } = a;
  const ma = new Float64Array(v);
  const mb = new Float64Array(v);
  for (let i = 0; i < n; i++) {
    const o = i * v;
    for (let j = 0; j < v; j++) {
      ma[j]! += a.data[o + j]!;
      mb[j]! += b.data[o + j]!;
    }
  }
  for (let j = 0; j < v; j++) {
    ma[j]! /= n;
    mb[j]! /= n;
  }
  const sab = new Float64Array(v);
  const saa = new Float64Array(v);
  const sbb = new Float64Array(v);
  for (let i = 0; i < n; i++) {
    const o = i * v;
    for (let j = 0; j < v; j++) {
      const x = a.data[o + j]! - ma[j]!;
      const y = b.data[o + j]! - mb[j]!;
      sab[j]! += x * y;
      saa[j]! += x * x;
      sbb[j]! += y * y;
    }
  }
  const r = new Float64Array(v);
  for (let j = 0; j < v; j++) {
    const den = Math.sqrt(saa[j]! * sbb[j]!);
    r[j] = den > 0 ? sab[j]! / den : 0;
  }
  return r;
}
