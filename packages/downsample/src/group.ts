import type { Matrix, MatrixData } from '@voxelwise/core';
import { zerosLike } from './output.js';
import { labelsFromSplitIndices, labelsFromTREnds, labelsFromWindows } from './split-indices.js';
import type { SplitFormat } from './split-indices.js';
import type { TypedDownsampleInput } from './output.js';
import { requireTR, validateInput } from './validate.js';

/** How the words of one TR are combined. */
export type GroupReduce = 'mean' | 'sum' | 'last';

/** Options of {@link labelDownsample} and {@link legacyDownsample}. */
export interface SplitOptions {
  /** How to read `input.splitIndices`. @default 'auto' */
  readonly splitFormat?: SplitFormat;
}

/**
 * Row `r` of the result combines the rows `j` with `labels[j] === r` (−1: no TR): their mean or
 * sum (added in row order in float64, as numpy's `axis=0` reductions do) or the highest-index
 * row; 0 when a TR has no word.
 */
export function reduceByLabel<T extends MatrixData>(data: Matrix<T>, labels: Int32Array, nTRs: number, reduce: GroupReduce): Matrix<T> {
  const d = data.cols;
  const x = data.data;
  const acc = new Float64Array(nTRs * d);
  const count = new Int32Array(nTRs);
  const lastRow = new Int32Array(nTRs).fill(-1);
  for (let j = 0; j < data.rows; j++) {
    const r = labels[j]!;
    if (r < 0) continue;
    count[r]!++;
    lastRow[r] = j;
    if (reduce === 'last') continue;
    const b = j * d;
    const o = r * d;
    for (let c = 0; c < d; c++) acc[o + c]! += x[b + c]!;
  }
  const out = zerosLike(data, nTRs, d);
  for (let r = 0; r < nTRs; r++) {
    if (count[r] === 0) continue;
    const o = r * d;
    if (reduce === 'last') out.data.set(x.subarray(lastRow[r]! * d, lastRow[r]! * d + d), o);
    else if (reduce === 'sum') out.data.set(acc.subarray(o, o + d), o);
    else for (let c = 0; c < d; c++) out.data[o + c] = acc[o + c]! / count[r]!;
  }
  return out;
}

/**
 * `average`, `sum` and `last` of LITcoder (downsampling.py L42-136, L239-284): combine the words
 * that share a TR label. Labels come from `input.splitIndices` (labels, or np.split boundaries
 * turned into labels); without them, from the word times with the `rect` window convention
 * ({@link labelsFromWindows}), so `average` then equals `rect`. One row per TR time, where
 * LITcoder returns `max(label) + 1` rows. Float32 features give a float32 result.
 *
 * @example
 * const y = labelDownsample({ ...input, splitIndices: labels }, 'mean');
 */
export function labelDownsample<T extends MatrixData>(
  input: TypedDownsampleInput<T>,
  reduce: GroupReduce,
  options: SplitOptions = {},
): Matrix<T> {
  const where = `downsample:${reduce === 'mean' ? 'average' : reduce}`;
  validateInput(input, where);
  const { data, dataTimes, trTimes, splitIndices } = input;
  let labels: Int32Array;
  if (splitIndices === undefined) {
    requireTR(trTimes, where);
    labels = labelsFromWindows(dataTimes, trTimes);
  } else {
    labels = labelsFromSplitIndices(splitIndices, data.rows, trTimes.length, options.splitFormat ?? 'auto', where);
  }
  return reduceByLabel(data, labels, trTimes.length, reduce);
}

/**
 * `legacy_average`, `legacy_sum` and `legacy_last` of LITcoder (downsampling.py L170-236,
 * L287-319; = Huth `DataSequence.chunkmeans`/`chunksums`): mean, sum or last row of each
 * np.split chunk. Split indices may also be per-word labels. Without them the chunks follow
 * Huth's boundary rule on the word times ({@link labelsFromTREnds}): the first chunk also takes
 * words before the grid and the last chunk words after it. Float32 features give float32.
 *
 * @example
 * const y = legacyDownsample({ ...input, splitIndices: story.splitIndices }, 'mean');
 */
export function legacyDownsample<T extends MatrixData>(
  input: TypedDownsampleInput<T>,
  reduce: GroupReduce,
  options: SplitOptions = {},
): Matrix<T> {
  const where = `downsample:legacy-${reduce === 'mean' ? 'average' : reduce}`;
  validateInput(input, where);
  const { data, dataTimes, trTimes, splitIndices } = input;
  let labels: Int32Array;
  if (splitIndices === undefined) {
    if (trTimes.length === 1) labels = new Int32Array(data.rows);
    else labels = labelsFromTREnds(dataTimes, trTimes);
  } else {
    labels = labelsFromSplitIndices(splitIndices, data.rows, trTimes.length, options.splitFormat ?? 'auto', where);
  }
  return reduceByLabel(data, labels, trTimes.length, reduce);
}
