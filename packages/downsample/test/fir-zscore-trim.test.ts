import { describe, expect, it } from 'vitest';
import { fromRows, toRows } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { delayedColumns, makeDelayed, trimRows, trimToResponses, validLength, zscore } from '../src/index.js';

const stim = fromRows([
  [1, 10],
  [2, 20],
  [3, 30],
]);

describe('makeDelayed', () => {
  it('builds delay-major blocks with zero padding (positive, negative and zero delays)', () => {
    expect(toRows(makeDelayed(stim, [1, -1, 0]))).toEqual([
      [0, 0, 2, 20, 1, 10],
      [1, 10, 3, 30, 2, 20],
      [2, 20, 0, 0, 3, 30],
    ]);
  });

  it('wraps with circpad, also for delays of at least the row count', () => {
    expect(toRows(makeDelayed(stim, [1], true))).toEqual([
      [3, 30],
      [1, 10],
      [2, 20],
    ]);
    expect(toRows(makeDelayed(stim, [4, -3], { circpad: true }))).toEqual([
      [3, 30, 1, 10],
      [1, 10, 2, 20],
      [2, 20, 3, 30],
    ]);
    expect(toRows(makeDelayed(stim, [5]))).toEqual([
      [0, 0],
      [0, 0],
      [0, 0],
    ]);
  });

  it('keeps the element type and refuses bad delays', async () => {
    expect(makeDelayed(fromRows([[1]], 'float32'), [1]).data).toBeInstanceOf(Float32Array);
    await expectVoxelwiseError(() => makeDelayed(stim, []), 'E_CONFIG_INVALID', /no FIR delays/);
    await expectVoxelwiseError(() => makeDelayed(stim, [1, 1.5]), 'E_CONFIG_INVALID', /delay 1 is 1\.5/);
  });

  it('describes every column: index, feature, delay and name', () => {
    expect(delayedColumns(2, [1, -2])).toEqual([
      { index: 0, feature: 0, delay: 1 },
      { index: 1, feature: 1, delay: 1 },
      { index: 2, feature: 0, delay: -2 },
      { index: 3, feature: 1, delay: -2 },
    ]);
    const cols = delayedColumns(['rate', 'lm'], [1, 2]);
    expect(cols.map((c) => c.name)).toEqual(['rate@1', 'lm@1', 'rate@2', 'lm@2']);
    // the metadata matches the matrix: column c holds feature c.feature shifted by c.delay
    const delayed = makeDelayed(stim, [1, 2]);
    for (const c of cols)
      for (let t = c.delay; t < 3; t++) expect(delayed.data[t * 4 + c.index]).toBe(stim.data[(t - c.delay) * 2 + c.feature]);
  });

  it('valid length: rows − max |delay|, or all rows with circpad', () => {
    expect(validLength(100, [1, 2, 3, 4])).toBe(96);
    expect(validLength(100, [-5, 2])).toBe(95);
    expect(validLength(100, [-5, 2], true)).toBe(100);
    expect(validLength(3, [7])).toBe(0);
  });
});

describe('zscore', () => {
  it('uses ddof 0 and zeroes constant columns', () => {
    expect(
      toRows(
        zscore(
          fromRows([
            [1, 5],
            [3, 5],
          ]),
        ),
      ),
    ).toEqual([
      [-1, 0],
      [1, 0],
    ]);
  });

  it('zeroes a constant column whose mean is not exact (numpy would give ±1)', () => {
    const z = zscore(
      fromRows([
        [0.1, 1],
        [0.1, 2],
        [0.1, 3],
      ]),
    );
    expect(toRows(z).map((r) => r[0])).toEqual([0, 0, 0]);
    expect(z.data[1]).toBeCloseTo(-Math.sqrt(1.5), 14);
  });
});

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
