import { voxelwiseError } from '@voxelwise/core';
import type { DownsampleInput } from '@voxelwise/core';
import { numpyMean } from './numpy-sum.js';

/**
 * Checks the invariants every resampler relies on and throws a coded error naming the problem:
 * empty input (`E_DATA_INVALID`), data times that do not match the rows (`E_SHAPE_MISMATCH`),
 * TR times that are not strictly increasing (`E_DATA_INVALID`), NaN/Inf in times or features
 * (`E_NOT_FINITE`, naming the row and column). `where` names the stage in messages.
 */
export function validateInput(input: DownsampleInput, where: string): void {
  validateShape(input, where);
  checkFeatures(input.data, where);
}

/**
 * {@link validateInput} without the scan of the feature values, for resamplers that check them
 * while copying them anyway (the banded product); they call {@link checkFeatures} when a copy
 * finds a non-finite value, which throws the same error.
 */
export function validateShape(input: DownsampleInput, where: string): void {
  const { data, dataTimes, trTimes } = input;
  if (data.rows === 0 || data.cols === 0) {
    throw voxelwiseError({
      code: 'E_DATA_INVALID',
      where,
      message: 'the features are empty',
      got: `${data.rows} × ${data.cols}`,
      expected: 'at least one word and one feature column',
      hint: 'Check that the extractor produced features for this story.',
    });
  }
  if (dataTimes.length !== data.rows) {
    throw voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where,
      message: 'data times length does not match data rows',
      got: dataTimes.length,
      expected: data.rows,
      hint: 'Pass one time per row of data (one per word).',
    });
  }
  if (trTimes.length === 0) {
    throw voxelwiseError({ code: 'E_DATA_INVALID', where, message: 'TR times are empty', hint: 'Pass the TR grid of the story.' });
  }
  for (let i = 0; i < trTimes.length; i++) {
    if (!Number.isFinite(trTimes[i]!)) {
      throw voxelwiseError({
        code: 'E_NOT_FINITE',
        where,
        message: `TR time ${i} is ${trTimes[i]}`,
        details: { index: i },
        hint: 'TR times must be finite seconds.',
      });
    }
    if (i > 0 && !(trTimes[i]! > trTimes[i - 1]!)) {
      throw voxelwiseError({
        code: 'E_DATA_INVALID',
        where,
        message: `TR times are not increasing at index ${i} (${trTimes[i - 1]} then ${trTimes[i]})`,
        details: { index: i },
        hint: 'Pass the TR centre times in increasing order.',
      });
    }
  }
  for (let i = 0; i < dataTimes.length; i++) {
    if (!Number.isFinite(dataTimes[i]!)) {
      throw voxelwiseError({
        code: 'E_NOT_FINITE',
        where,
        message: `data time of row ${i} is ${dataTimes[i]}`,
        details: { row: i },
        hint: 'Give every word a finite time.',
      });
    }
  }
}

/** Throws `E_NOT_FINITE` naming the row and column of the first NaN or ±Infinity feature value. */
export function checkFeatures(data: DownsampleInput['data'], where: string): void {
  // `v − v` is 0 for every finite v and NaN for NaN and ±Infinity, so one unrolled sum tells
  // whether a slower scan for the culprit is needed (this check reads every feature value).
  const values = data.data;
  const n = values.length;
  let acc = 0;
  let k = 0;
  for (; k + 3 < n; k += 4)
    acc +=
      values[k]! - values[k]! + (values[k + 1]! - values[k + 1]!) + (values[k + 2]! - values[k + 2]!) + (values[k + 3]! - values[k + 3]!);
  for (; k < n; k++) acc += values[k]! - values[k]!;
  if (acc === 0) return;
  const { cols } = data;
  for (k = 0; k < n; k++) {
    const v = values[k]!;
    if (!Number.isFinite(v)) {
      const row = Math.floor(k / cols);
      const col = k - row * cols;
      throw voxelwiseError({
        code: 'E_NOT_FINITE',
        where,
        message: `features contain ${v} at row ${row}, column ${col}`,
        details: { row, col },
        hint: 'Replace non-finite features (e.g. with 0) before downsampling.',
      });
    }
  }
}

/**
 * `TR = mean(diff(tr_times))` exactly as numpy computes it (pairwise sum, then divide), so
 * window edges land on the same side as in LITcoder (downsampling.py L31, interpdata.py
 * `cutoff = 1/np.mean(np.diff(newtime))`). NaN for fewer than two TR times.
 */
export function meanTR(trTimes: Float64Array): number {
  if (trTimes.length < 2) return Number.NaN;
  const diff = new Float64Array(trTimes.length - 1);
  for (let i = 0; i < diff.length; i++) diff[i] = trTimes[i + 1]! - trTimes[i]!;
  return numpyMean(diff);
}

/** {@link meanTR}, or an `E_DATA_INVALID` error when the grid has a single TR (no spacing to read). */
export function requireTR(trTimes: Float64Array, where: string): number {
  const tr = meanTR(trTimes);
  if (!(tr > 0)) {
    throw voxelwiseError({
      code: 'E_DATA_INVALID',
      where,
      message: 'the TR cannot be read from a grid of fewer than two TR times',
      got: trTimes.length,
      expected: 'at least 2 TR times',
      hint: 'Pass the full TR grid of the story.',
    });
  }
  return tr;
}
