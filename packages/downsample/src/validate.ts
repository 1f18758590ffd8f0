import { voxelwiseError } from '@voxelwise/core';
import type { DownsampleInput } from '@voxelwise/core';

/** Checks the invariants every resampler relies on; `where` names the stage in messages. */
export function validateInput(input: DownsampleInput, where: string): void {
  const { data, dataTimes, trTimes } = input;
  if (dataTimes.length !== data.rows) {
    throw voxelwiseError({ code: 'E_SHAPE_MISMATCH', where, message: 'data times length does not match data rows', got: dataTimes.length, expected: data.rows, hint: 'Pass one time per row of data.' });
  }
  if (trTimes.length === 0) {
    throw voxelwiseError({ code: 'E_DATA_INVALID', where, message: 'TR times are empty', hint: 'Pass the TR grid of the story.' });
  }
  for (let i = 1; i < trTimes.length; i++) {
    if (!(trTimes[i]! > trTimes[i - 1]!)) {
      throw voxelwiseError({ code: 'E_DATA_INVALID', where, message: `TR times are not increasing at index ${i} (${trTimes[i - 1]} then ${trTimes[i]})`, details: { index: i } });
    }
  }
  for (let i = 0; i < dataTimes.length; i++) {
    if (!Number.isFinite(dataTimes[i]!)) {
      throw voxelwiseError({ code: 'E_NOT_FINITE', where, message: `data time ${i} is ${dataTimes[i]}`, details: { row: i } });
    }
  }
  const { cols } = data;
  for (let k = 0; k < data.data.length; k++) {
    if (!Number.isFinite(data.data[k]!)) {
      const row = Math.floor(k / cols);
      throw voxelwiseError({ code: 'E_NOT_FINITE', where, message: `features contain ${data.data[k]} at row ${row}, column ${k - row * cols}`, details: { row, col: k - row * cols }, hint: 'Replace non-finite features before downsampling.' });
    }
  }
}

/** `TR = mean(diff(tr_times))` as LITcoder computes it; a single TR needs an explicit value. */
export function meanTR(trTimes: Float64Array): number {
  if (trTimes.length < 2) return Number.NaN;
  return (trTimes[trTimes.length - 1]! - trTimes[0]!) / (trTimes.length - 1);
}
