import { describe, expect, it } from 'vitest';
import { Matrix as MlMatrix } from 'ml-matrix';
import {
  assertFinite,
  fromMlMatrix,
  fromRows,
  hstack,
  isVoxelwiseError,
  matrix,
  sliceCols,
  sliceRows,
  toMlMatrix,
  toRows,
  transpose,
  vstack,
} from '../src/index.js';

describe('matrix', () => {
  const m = fromRows([
    [1, 2, 3],
    [4, 5, 6],
  ]);

  it('checks the data length', () => {
    expect(() => matrix(2, 2, new Float32Array(3))).toThrow(/got 3, expected 4/);
  });

  it('slices rows as views and columns as copies', () => {
    const r = sliceRows(m, 1);
    expect(toRows(r)).toEqual([[4, 5, 6]]);
    r.data[0] = 40;
    expect(m.data[3]).toBe(40);
    m.data[3] = 4;
    expect(toRows(sliceCols(m, 1, 3))).toEqual([
      [2, 3],
      [5, 6],
    ]);
    expect(toRows(sliceRows(m, 0, -1))).toEqual([[1, 2, 3]]);
  });

  it('stacks and transposes', () => {
    expect(toRows(vstack([m, m])).length).toBe(4);
    expect(toRows(hstack([m, m]))[1]).toEqual([4, 5, 6, 4, 5, 6]);
    expect(toRows(transpose(m))).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
  });

  it('converts to and from ml-matrix', () => {
    const ml = toMlMatrix(m, MlMatrix);
    expect(ml.get(1, 2)).toBe(6);
    expect(toRows(fromMlMatrix(ml))).toEqual(toRows(m));
  });

  it('names the row and column of a non-finite value', () => {
    const bad = fromRows([
      [1, 2],
      [3, Number.NaN],
    ]);
    try {
      assertFinite(bad, 'features of story "a"');
      expect.unreachable();
    } catch (e) {
      expect(isVoxelwiseError(e, 'E_NOT_FINITE')).toBe(true);
      expect((e as Error).message).toContain('row 1, column 1');
    }
  });
});
