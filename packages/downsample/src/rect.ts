import { zeros } from '@voxelwise/core';
import type { DownsampleInput, Matrix } from '@voxelwise/core';
import { meanTR, validateInput } from './validate.js';

/**
 * Rectangular window: mean of the rows whose time falls in `[t − TR/2, t + TR/2)`, 0 if none
 * (LITcoder `RectangularDownsampler`, downsampling.py L24-39).
 */
export function rectDownsample(input: DownsampleInput): Matrix<Float64Array> {
  validateInput(input, 'downsample:rect');
  const { data, dataTimes, trTimes } = input;
  const tr = meanTR(trTimes);
  const d = data.cols;
  const out = zeros(trTimes.length, d, 'float64');
  // Words are usually sorted; an index order keeps this O(N log N + M + N·d) either way.
  const order = Array.from(dataTimes.keys()).sort((a, b) => dataTimes[a]! - dataTimes[b]!);
  let lo = 0;
  for (let i = 0; i < trTimes.length; i++) {
    const start = trTimes[i]! - tr / 2;
    const end = trTimes[i]! + tr / 2;
    while (lo < order.length && dataTimes[order[lo]!]! < start) lo++;
    let count = 0;
    const row = out.data.subarray(i * d, (i + 1) * d);
    for (let k = lo; k < order.length && dataTimes[order[k]!]! < end; k++) {
      const j = order[k]!;
      for (let c = 0; c < d; c++) row[c]! += data.data[j * d + c]!;
      count++;
    }
    if (count > 0) for (let c = 0; c < d; c++) row[c]! /= count;
  }
  return out;
}
