import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { createRng, fromRows, matrix } from '@voxelwise/core';
import type { DType, Matrix } from '@voxelwise/core';

/** Reads a JSON fixture of test/fixtures. */
export function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;
}

/**
 * Asserts `actual ≈ expected` element-wise: `|a − e| ≤ rel·|e| + abs`. The absolute floor covers
 * values that cancel to near 0, where only the scale of the terms is meaningful.
 */
export function expectClose(
  actual: Matrix,
  expected: readonly (readonly number[])[] | Matrix,
  rel: number,
  abs = 0,
  what = 'result',
): void {
  const exp = 'data' in expected ? expected : fromRows(expected as number[][]);
  expect([actual.rows, actual.cols], `${what}: shape`).toEqual([exp.rows, exp.cols]);
  for (let k = 0; k < exp.data.length; k++) {
    const a = actual.data[k]!;
    const e = exp.data[k]!;
    if (!(Math.abs(a - e) <= rel * Math.abs(e) + abs)) {
      const row = Math.floor(k / exp.cols);
      expect.fail(`${what}: (${row}, ${k - row * exp.cols}) is ${a}, expected ${e} (relative error ${Math.abs(a - e) / Math.abs(e)})`);
    }
  }
}

/** Largest absolute value. */
export function maxAbs(m: Matrix | readonly (readonly number[])[]): number {
  let s = 0;
  if ('data' in m) for (const v of m.data) s = Math.max(s, Math.abs(v));
  else for (const row of m) for (const v of row) s = Math.max(s, Math.abs(v));
  return s;
}

/** Rows of nested arrays as a matrix of the given element type. */
export function rowsAs(rows: readonly (readonly number[])[], dtype: DType): Matrix {
  return fromRows(rows as number[][], dtype);
}

/** A random story: `n` words (optionally unsorted, some on exact grid points), `m` TRs of `tr` s. */
export function randomInput(
  seed: number,
  n: number,
  m: number,
  d: number,
  opts: { tr?: number; unsorted?: boolean; irregular?: boolean; dtype?: DType } = {},
) {
  const rng = createRng(seed);
  const tr = opts.tr ?? 2;
  const trTimes = new Float64Array(m);
  let t = tr / 2;
  for (let i = 0; i < m; i++) {
    trTimes[i] = t;
    t += opts.irregular ? tr * (0.8 + 0.4 * rng.next()) : tr;
  }
  const span = trTimes[m - 1]! + tr;
  const dataTimes = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const r = rng.next();
    // one word in five on a TR centre or a window edge, the rest anywhere (a little outside the grid too)
    dataTimes[j] = r < 0.1 ? trTimes[rng.int(m)]! : r < 0.2 ? trTimes[rng.int(m)]! + tr / 2 : -3 + (span + 6) * rng.next();
  }
  if (!opts.unsorted) dataTimes.sort();
  const values = opts.dtype === 'float32' ? new Float32Array(n * d) : new Float64Array(n * d);
  for (let k = 0; k < values.length; k++) values[k] = rng.normal();
  return { data: matrix(n, d, values), dataTimes, trTimes };
}
