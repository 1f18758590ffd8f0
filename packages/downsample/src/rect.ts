import type { Matrix, MatrixData } from '@voxelwise/core';
import { timeOrder } from './band.js';
import { zerosLike } from './output.js';
import type { TypedDownsampleInput } from './output.js';
import { requireTR, validateInput } from './validate.js';

/**
 * Rectangular window: the mean of the rows whose time falls in `[t − TR/2, t + TR/2)`, 0 when
 * none does, with `TR = mean(diff(trTimes))` (LITcoder `RectangularDownsampler`, downsampling.py
 * L24-39). Sums run in row order in float64, as numpy's `mean(axis=0)` does; windows may overlap
 * on irregular grids, as in the reference. Float32 features give a float32 result.
 *
 * @example
 * const y = rectDownsample({ data, dataTimes: story.wordTimes, trTimes: story.trTimes });
 */
export function rectDownsample<T extends MatrixData>(input: TypedDownsampleInput<T>): Matrix<T> {
  const where = 'downsample:rect';
  validateInput(input, where);
  const { data, dataTimes, trTimes } = input;
  const tr = requireTR(trTimes, where);
  const d = data.cols;
  const out = zerosLike(data, trTimes.length, d);
  const order = timeOrder(dataTimes);
  const x = data.data;
  const y = out.data;
  const acc = new Float64Array(d);
  const members: number[] = [];
  let lo = 0;
  for (let i = 0; i < trTimes.length; i++) {
    // downsampling.py: mask = (data_times >= t - tr / 2) & (data_times < t + tr / 2)
    const start = trTimes[i]! - tr / 2;
    const end = trTimes[i]! + tr / 2;
    while (lo < order.length && dataTimes[order[lo]!]! < start) lo++;
    members.length = 0;
    for (let p = lo; p < order.length && dataTimes[order[p]!]! < end; p++) members.push(order[p]!);
    if (members.length === 0) continue;
    // numpy's mean over data[mask] adds the selected rows in row order.
    members.sort((a, b) => a - b);
    acc.fill(0);
    for (const j of members) {
      const b = j * d;
      for (let c = 0; c < d; c++) acc[c]! += x[b + c]!;
    }
    const row = i * d;
    const count = members.length;
    for (let c = 0; c < d; c++) y[row + c] = acc[c]! / count;
  }
  return out;
}
