import { describe, expect, it } from 'vitest';
import { memoryStory, toRows } from '@voxelwise/core';
import { wordRateHuth, wordRateLitcoder } from '../src/index.js';

const story = memoryStory({
  name: 's',
  words: { text: ['a', '', 'b', 'c'], onset: new Float64Array([0, 0.5, 2.2, 2.6]), offset: new Float64Array([0.4, 0.7, 2.4, 2.8]) },
  trTimes: new Float64Array([0, 2, 4]),
  trim: { start: 0, end: 0 },
  responses: { rows: 3, cols: 1, data: new Float32Array(3) },
});

describe('wordrate', () => {
  it('counts non-empty words per TR window (LITcoder)', () => {
    const f = wordRateLitcoder(story);
    expect(f.level).toBe('tr');
    expect(toRows(f.data)).toEqual([[1], [2], [0]]);
  });
  it('gives a one per word, empty words included (Huth)', () => {
    const f = wordRateHuth(story);
    expect(f.level).toBe('word');
    expect(toRows(f.data)).toEqual([[1], [1], [1], [1]]);
  });
});
