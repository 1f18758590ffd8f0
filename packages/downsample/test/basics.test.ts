import { describe, expect, it } from 'vitest';
import { fromRows, isVoxelwiseError, toRows } from '@voxelwise/core';
import { makeDelayed, rectDownsample, zscore } from '../src/index.js';

describe('rect', () => {
  it('averages the words inside each TR window and leaves empty windows at 0', () => {
    const out = rectDownsample({
      data: fromRows([[1], [3], [5]]),
      dataTimes: new Float64Array([0.1, 0.9, 4.2]),
      trTimes: new Float64Array([0, 2, 4]),
    });
    // windows [-1,1), [1,3), [3,5)
    expect(toRows(out)).toEqual([[2], [0], [5]]);
  });

  it('rejects times that do not match the rows', () => {
    try {
      rectDownsample({ data: fromRows([[1], [2]]), dataTimes: new Float64Array([0]), trTimes: new Float64Array([0, 2]) });
      expect.unreachable();
    } catch (e) {
      expect(isVoxelwiseError(e, 'E_SHAPE_MISMATCH')).toBe(true);
    }
  });
});

describe('makeDelayed', () => {
  const stim = fromRows([
    [1, 10],
    [2, 20],
    [3, 30],
  ]);
  it('builds delay-major blocks with zero padding', () => {
    expect(toRows(makeDelayed(stim, [1, -1]))).toEqual([
      [0, 0, 2, 20],
      [1, 10, 3, 30],
      [2, 20, 0, 0],
    ]);
  });
  it('wraps with circpad', () => {
    expect(toRows(makeDelayed(stim, [1], true))).toEqual([
      [3, 30],
      [1, 10],
      [2, 20],
    ]);
  });
});

describe('zscore', () => {
  it('uses ddof 0 and zeroes constant columns', () => {
    const z = toRows(zscore(fromRows([[1, 5], [3, 5]])));
    expect(z).toEqual([
      [-1, 0],
      [1, 0],
    ]);
  });
});
