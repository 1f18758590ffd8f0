import { describe, expect, it } from 'vitest';
import { delayedColumns, fromRows, makeDelayed, toRows, validLength } from '../src/index.js';
import { expectCode } from './expect-code.js';

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

  it('keeps the element type and refuses bad delays', () => {
    expect(makeDelayed(fromRows([[1]], 'float32'), [1]).data).toBeInstanceOf(Float32Array);
    expectCode(() => makeDelayed(stim, []), 'E_CONFIG_INVALID', /no FIR delays/);
    expectCode(() => makeDelayed(stim, [1, 1.5]), 'E_CONFIG_INVALID', /delay 1 is 1\.5/);
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
