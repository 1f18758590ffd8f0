import { voxelwiseError } from '@voxelwise/core';
import { meanTR } from './validate.js';

/**
 * How to read LITcoder's `split_indices`: one TR label per word (`labels`, what `average`, `sum`
 * and `last` expect), np.split boundaries (`boundaries`, Huth `DataSequence.split_inds`, what the
 * `legacy_*` methods expect), or `auto`: decided by length. LITcoder's docs and its `StoryData`
 * docstring (encoding/assembly/story_data.py) disagree on which format it is.
 */
export type SplitFormat = 'auto' | 'labels' | 'boundaries';

function isInt(v: number): boolean {
  return Number.isInteger(v);
}

/** The first index where `split` is not a valid label vector, or −1. */
function invalidLabel(split: ArrayLike<number>, nTRs: number): number {
  for (let k = 0; k < split.length; k++) {
    const v = split[k]!;
    if (!isInt(v) || v < 0 || v >= nTRs) return k;
  }
  return -1;
}

/** The first index where `split` is not valid np.split boundaries (integers, non-decreasing, within [0, nWords]), or −1. */
function invalidBoundary(split: ArrayLike<number>, nWords: number): number {
  for (let k = 0; k < split.length; k++) {
    const v = split[k]!;
    if (!isInt(v) || v < 0 || v > nWords || (k > 0 && v < split[k - 1]!)) return k;
  }
  return -1;
}

/**
 * Decides whether `split` holds one TR label per word or `nTRs − 1` np.split boundaries:
 * the length decides; when it fits both (`nWords = nTRs − 1`) the values must fit only one,
 * otherwise an `E_DATA_INVALID` error asks for an explicit `splitFormat`.
 */
export function detectSplitFormat(
  split: ArrayLike<number>,
  nWords: number,
  nTRs: number,
  where = 'downsample:split-indices',
): 'labels' | 'boundaries' {
  const asLabels = split.length === nWords;
  const asBoundaries = split.length === nTRs - 1;
  if (asLabels && asBoundaries) {
    const labelsOk = invalidLabel(split, nTRs) < 0;
    const boundariesOk = invalidBoundary(split, nWords) < 0;
    if (labelsOk && !boundariesOk) return 'labels';
    if (boundariesOk && !labelsOk) return 'boundaries';
    throw voxelwiseError({
      code: 'E_DATA_INVALID',
      where,
      message: `split indices are ambiguous: their length ${split.length} equals both the word count and the TR count − 1${labelsOk ? ', and the values fit both readings' : ', and the values fit neither reading'}`,
      details: { length: split.length, nWords, nTRs },
      hint: 'Set the option splitFormat to "labels" (one TR per word) or "boundaries" (np.split indices).',
    });
  }
  if (asLabels) return 'labels';
  if (asBoundaries) return 'boundaries';
  throw voxelwiseError({
    code: 'E_SHAPE_MISMATCH',
    where,
    message: 'split indices have the wrong length',
    got: split.length,
    expected: `${nWords} (one TR label per word) or ${nTRs - 1} (np.split boundaries, TR count − 1)`,
    hint: 'Pass the split_indices of this story.',
  });
}

/**
 * TR label of every word from `split` (read as `format`): labels are checked to be integers in
 * `[0, nTRs − 1]`; boundaries to be `nTRs − 1` non-decreasing integers in `[0, nWords]`, and
 * word j gets the chunk c with `b[c−1] ≤ j < b[c]` (np.split semantics). Out-of-range values are
 * an `E_DATA_INVALID` error naming the index and value.
 */
export function labelsFromSplitIndices(
  split: ArrayLike<number>,
  nWords: number,
  nTRs: number,
  format: SplitFormat = 'auto',
  where = 'downsample:split-indices',
): Int32Array {
  const kind = format === 'auto' ? detectSplitFormat(split, nWords, nTRs, where) : format;
  if (kind === 'labels') {
    if (split.length !== nWords) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where,
        message: 'split indices read as labels need one label per word',
        got: split.length,
        expected: nWords,
      });
    }
    const bad = invalidLabel(split, nTRs);
    if (bad >= 0) {
      throw voxelwiseError({
        code: 'E_DATA_INVALID',
        where,
        message: `split index ${bad} (the TR label of word ${bad}) is ${split[bad]}, outside the TR range`,
        got: split[bad],
        expected: `an integer in [0, ${nTRs - 1}]`,
        details: { index: bad },
        hint: 'Labels count TRs of this story from 0.',
      });
    }
    return Int32Array.from(split);
  }
  if (split.length !== nTRs - 1) {
    throw voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where,
      message: 'split indices read as np.split boundaries need one per TR boundary',
      got: split.length,
      expected: nTRs - 1,
    });
  }
  const bad = invalidBoundary(split, nWords);
  if (bad >= 0) {
    throw voxelwiseError({
      code: 'E_DATA_INVALID',
      where,
      message: `split index ${bad} (a np.split boundary) is ${split[bad]}, out of range`,
      got: split[bad],
      expected: `integers in [0, ${nWords}], non-decreasing${bad > 0 ? ` (previous: ${split[bad - 1]})` : ''}`,
      details: { index: bad },
      hint: 'Boundaries are word indices where a new TR starts.',
    });
  }
  const labels = new Int32Array(nWords);
  let c = 0;
  for (let j = 0; j < nWords; j++) {
    while (c < split.length && j >= split[c]!) c++;
    labels[j] = c;
  }
  return labels;
}

/** First TR index `i` with `time < trTimes[i] + tr/2`, or `trTimes.length`. */
function firstEndAfter(time: number, trTimes: Float64Array, half: number): number {
  let a = 0;
  let b = trTimes.length;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (time < trTimes[mid]! + half) b = mid;
    else a = mid + 1;
  }
  return a;
}

/**
 * TR labels from word times with the `rect` window convention: word j belongs to the first TR
 * whose window `[t − TR/2, t + TR/2)` holds its time (`TR = mean(diff(trTimes))`); −1 when none
 * does. With these labels `average` equals `rect` on a regular grid.
 */
export function labelsFromWindows(dataTimes: Float64Array, trTimes: Float64Array): Int32Array {
  const half = meanTR(trTimes) / 2;
  const labels = new Int32Array(dataTimes.length);
  for (let j = 0; j < dataTimes.length; j++) {
    const s = dataTimes[j]!;
    const i = firstEndAfter(s, trTimes, half);
    labels[j] = i < trTimes.length && s >= trTimes[i]! - half ? i : -1;
  }
  return labels;
}

/**
 * Chunk labels from word times with Huth's boundary rule (`DataSequence.from_grid`:
 * `split_inds = [(word_starts < t + tr).sum() for t in reltrig][:-1]`), applied to the given
 * times: word j goes to the first TR whose end `t + TR/2` is after it, and the last TR takes
 * everything later, so no word is dropped. Huth counts word onsets; voxelwise only has the word
 * times it is given (midpoints), so pass `splitIndices` for exact Huth chunks.
 */
export function labelsFromTREnds(dataTimes: Float64Array, trTimes: Float64Array): Int32Array {
  const half = meanTR(trTimes) / 2;
  const last = trTimes.length - 1;
  const labels = new Int32Array(dataTimes.length);
  // Only the first M − 1 ends are boundaries ([:-1]); searching all M and clamping is the same.
  for (let j = 0; j < dataTimes.length; j++) labels[j] = Math.min(last, firstEndAfter(dataTimes[j]!, trTimes, half));
  return labels;
}
