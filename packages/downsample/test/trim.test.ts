import { describe, expect, it } from 'vitest';
import { fromRows, toRows } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { trimRows, trimToResponses } from '../src/index.js';

describe('trimming', () => {
  const m = fromRows(Array.from({ length: 20 }, (_, i) => [i]));

  it('Python slices [start:end], negative ends, null for the rest, as views', () => {
    expect(toRows(trimRows(m, { start: 10, end: -5 })).flat()).toEqual([10, 11, 12, 13, 14]);
    expect(toRows(trimRows(m, { start: -3 })).flat()).toEqual([17, 18, 19]);
    expect(trimRows(m, { start: 0, end: null }).rows).toBe(20);
    expect(trimRows(m, { start: 2, end: 4 }).data.buffer).toBe(m.data.buffer);
  });

  it('never clips silently', async () => {
    await expectVoxelwiseError(
      () => trimRows(m, { start: 25 }, 'story "a" features'),
      'E_SHAPE_MISMATCH',
      /trim \[25:\] of story "a" features/,
      /20 rows/,
    );
    await expectVoxelwiseError(() => trimRows(m, { start: 15, end: -5 }), 'E_SHAPE_MISMATCH', /keeps no rows/);
    await expectVoxelwiseError(() => trimRows(m, { start: 1.5 }), 'E_SHAPE_MISMATCH');
  });

  it('trimToResponses keeps the TRs that have responses', async () => {
    const story = { name: 'sloth', trTimes: new Float64Array(20), trim: { start: 10, end: 5 }, nResponseRows: 5 };
    expect(toRows(trimToResponses(m, story)).flat()).toEqual([10, 11, 12, 13, 14]);
    await expectVoxelwiseError(
      () => trimToResponses(m, { ...story, nResponseRows: 6 }),
      'E_ALIGNMENT',
      /story "sloth"/,
      /got 5, expected 6/,
    );
    await expectVoxelwiseError(() => trimToResponses(m, { ...story, trTimes: new Float64Array(21) }), 'E_ALIGNMENT', /one row per TR/);
  });
});
