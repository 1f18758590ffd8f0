import { describe, expect, it } from 'vitest';
import { fromRows, toRows } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import {
  detectSplitFormat,
  labelDownsample,
  labelsFromSplitIndices,
  labelsFromTREnds,
  labelsFromWindows,
  legacyDownsample,
  rectDownsample,
} from '../src/index.js';
import { expectClose, randomInput } from './helpers.js';

const data = fromRows([[1], [2], [3], [4], [0], [-1]]);
const dataTimes = Float64Array.from([0.3, 1.1, 2.0, 2.9, 4.2, 5.5]);
const trTimes = Float64Array.from([1, 3, 5]);

describe('split index format', () => {
  it('reads one label per word as labels and nTRs − 1 values as np.split boundaries', () => {
    expect(detectSplitFormat([0, 0, 1, 1, 1, 2], 6, 3)).toBe('labels');
    expect(detectSplitFormat([2, 4], 6, 3)).toBe('boundaries');
  });

  it('boundaries become the same TR labels as np.split chunks, empty chunks included', () => {
    expect(Array.from(labelsFromSplitIndices([2, 4], 6, 3))).toEqual([0, 0, 1, 1, 2, 2]);
    expect(Array.from(labelsFromSplitIndices([0, 0, 3], 5, 4))).toEqual([2, 2, 2, 3, 3]);
    expect(Array.from(labelsFromSplitIndices([5, 5], 5, 3))).toEqual([0, 0, 0, 0, 0]);
  });

  it('decides by value when the length fits both readings but the values fit one', () => {
    // 4 words, 5 TRs: [0, 3, 1, 4] decreases, so only the label reading is valid
    expect(detectSplitFormat([0, 3, 1, 4], 4, 5)).toBe('labels');
  });

  it('refuses an ambiguous vector and asks for splitFormat', async () => {
    await expectVoxelwiseError(() => detectSplitFormat([0, 0, 1, 2], 4, 5), 'E_DATA_INVALID', /ambiguous/, /splitFormat/);
    expect(Array.from(labelsFromSplitIndices([0, 0, 1, 2], 4, 5, 'labels'))).toEqual([0, 0, 1, 2]);
    expect(Array.from(labelsFromSplitIndices([0, 0, 1, 2], 4, 5, 'boundaries'))).toEqual([2, 3, 4, 4]);
  });

  it('refuses a length that fits neither reading (E_SHAPE_MISMATCH)', async () => {
    await expectVoxelwiseError(
      () => labelsFromSplitIndices([1, 2, 3], 6, 3),
      'E_SHAPE_MISMATCH',
      /got 3/,
      /6 \(one TR label per word\) or 2/,
    );
  });

  it('refuses labels out of range, naming the word and value', async () => {
    await expectVoxelwiseError(
      () => labelsFromSplitIndices([0, 0, 1, 1, 3, 2], 6, 3),
      'E_DATA_INVALID',
      /split index 4/,
      /is 3/,
      /\[0, 2\]/,
    );
    await expectVoxelwiseError(() => labelsFromSplitIndices([0, -1, 1, 1, 1, 2], 6, 3), 'E_DATA_INVALID', /split index 1/);
    await expectVoxelwiseError(() => labelsFromSplitIndices([0, 0.5, 1, 1, 1, 2], 6, 3), 'E_DATA_INVALID', /0\.5/);
  });

  it('refuses boundaries out of range or decreasing', async () => {
    await expectVoxelwiseError(() => labelsFromSplitIndices([2, 7], 6, 3), 'E_DATA_INVALID', /split index 1/, /is 7/, /\[0, 6\]/);
    await expectVoxelwiseError(() => labelsFromSplitIndices([4, 2], 6, 3), 'E_DATA_INVALID', /previous: 4/);
    await expectVoxelwiseError(() => labelsFromSplitIndices([0, 1, 2], 6, 3, 'boundaries'), 'E_SHAPE_MISMATCH');
  });

  it('the stages pass the split format through and name themselves in errors', async () => {
    await expectVoxelwiseError(
      () => labelDownsample({ data, dataTimes, trTimes, splitIndices: [0, 0, 1, 1, 5, 2] }, 'mean'),
      'E_DATA_INVALID',
      /\[downsample:average\]/,
    );
    await expectVoxelwiseError(
      () => legacyDownsample({ data, dataTimes, trTimes, splitIndices: [2, 9] }, 'last'),
      'E_DATA_INVALID',
      /\[downsample:legacy-last\]/,
    );
    const out = labelDownsample(
      {
        data: fromRows([[1], [2], [3], [4], [0]]),
        dataTimes: dataTimes.subarray(0, 5),
        trTimes: Float64Array.from([1, 3, 5, 7, 9, 11]),
        splitIndices: [0, 0, 1, 1, 2],
      },
      'sum',
      { splitFormat: 'labels' },
    );
    expect(toRows(out)).toEqual([[3], [7], [0], [0], [0], [0]]);
  });
});

describe('split-index methods on both formats', () => {
  it('labels and the equivalent boundaries give the same result', () => {
    for (const reduce of ['mean', 'sum', 'last'] as const) {
      const a = labelDownsample({ data, dataTimes, trTimes, splitIndices: [0, 0, 1, 1, 2, 2] }, reduce);
      const b = labelDownsample({ data, dataTimes, trTimes, splitIndices: [2, 4] }, reduce);
      const c = legacyDownsample({ data, dataTimes, trTimes, splitIndices: [0, 0, 1, 1, 2, 2] }, reduce);
      expect(toRows(b)).toEqual(toRows(a));
      expect(toRows(c)).toEqual(toRows(a));
    }
  });

  it('always returns one row per TR (LITcoder returns max(label) + 1 rows)', () => {
    const out = labelDownsample({ data, dataTimes, trTimes: Float64Array.from([1, 3, 5, 7, 9]), splitIndices: [0, 0, 1, 1, 1, 2] }, 'mean');
    expect(toRows(out)).toEqual([[1.5], [7 / 3], [-1], [0], [0]]);
  });

  it('last takes the highest-index word, not the latest time', () => {
    expect(toRows(labelDownsample({ data, dataTimes, trTimes, splitIndices: [2, 0, 0, 1, 1, 0] }, 'last'))).toEqual([[-1], [0], [1]]);
  });
});

describe('without split indices', () => {
  it('labels come from the rect windows, so average equals rect', () => {
    expect(Array.from(labelsFromWindows(Float64Array.from([-0.5, 0, 1.99, 2, 5.9, 6]), trTimes))).toEqual([-1, 0, 0, 1, 2, -1]);
    for (const shape of [
      { seed: 1, n: 200, m: 40, d: 3 },
      { seed: 2, n: 50, m: 33, d: 2, unsorted: true },
    ]) {
      const input = randomInput(shape.seed, shape.n, shape.m, shape.d, shape);
      expectClose(labelDownsample(input, 'mean'), rectDownsample(input), 0, 0, 'average vs rect');
    }
  });

  it('sum and last use the same windows', () => {
    expect(toRows(labelDownsample({ data, dataTimes, trTimes }, 'sum'))).toEqual([[3], [7], [-1]]);
    expect(toRows(labelDownsample({ data, dataTimes, trTimes }, 'last'))).toEqual([[2], [4], [-1]]);
  });

  it('legacy chunks follow the TR ends (Huth split_inds rule), keeping words outside the grid', () => {
    const times = Float64Array.from([-3, 0.3, 1.99, 2, 3.9, 4, 9]);
    expect(Array.from(labelsFromTREnds(times, trTimes))).toEqual([0, 0, 0, 1, 1, 2, 2]);
    const x = fromRows([[1], [2], [3], [4], [5], [6], [7]]);
    expect(toRows(legacyDownsample({ data: x, dataTimes: times, trTimes }, 'mean'))).toEqual([[2], [4.5], [6.5]]);
    // the same as the boundaries Huth would compute from these times: [(s < t + TR/2).sum() for t in tr[:-1]]
    expect(toRows(legacyDownsample({ data: x, dataTimes: times, trTimes, splitIndices: [3, 5] }, 'mean'))).toEqual([[2], [4.5], [6.5]]);
  });

  it('legacy chunks are order-free for shuffled words', () => {
    const times = Float64Array.from([4, -3, 9, 0.3, 2]);
    expect(Array.from(labelsFromTREnds(times, trTimes))).toEqual([2, 0, 2, 0, 1]);
  });
});
