import { sliceRows, voxelwiseError } from '@voxelwise/core';
import type { Matrix, MatrixData, Story } from '@voxelwise/core';

/** A Python-style row slice `[start:end]`: negative values count from the end, `end: null` keeps the rest. */
export interface RowSlice {
  /** @default 0 */
  readonly start?: number;
  /** @default null (to the end) */
  readonly end?: number | null;
}

/**
 * Rows `[start:end]` of `m` as a view (no copy), with Python slice semantics (LITcoder trims such
 * as `[10:-5]`, LITcoder README / train_simple.py LeBel defaults). Unlike Python it never clips silently: a bound beyond the
 * matrix or an empty result is an `E_SHAPE_MISMATCH` error naming `what`.
 *
 * @example
 * const train = trimRows(features, { start: 10, end: -5 }, `story "${story.name}" features`);
 */
export function trimRows<T extends MatrixData>(m: Matrix<T>, slice: RowSlice, what = 'matrix', where = 'downsample:trim'): Matrix<T> {
  const n = m.rows;
  const start = slice.start ?? 0;
  const end = slice.end ?? null;
  const text = `[${start}:${end ?? ''}]`;
  for (const [name, v] of [
    ['start', start],
    ['end', end],
  ] as const) {
    if (v === null) continue;
    if (!Number.isInteger(v) || v > n || v < -n) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where,
        message: `trim ${text} of ${what}: ${name} ${v} is outside its ${n} rows`,
        got: v,
        expected: `an integer in [${-n}, ${n}]`,
      });
    }
  }
  const s = start < 0 ? n + start : start;
  const e = end === null ? n : end < 0 ? n + end : end;
  if (e <= s) {
    throw voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where,
      message: `trim ${text} of ${what} keeps no rows (it has ${n})`,
      details: { rows: n, start: s, end: e },
      hint: 'Check the trimming config against the story length.',
    });
  }
  return sliceRows(m, s, e);
}

/**
 * The rows of TR-grid features that have responses: TRs `[trim.start, rows − trim.end)` of the
 * story (response row i is TR `trim.start + i`). Features must have one row per TR time and the
 * result one row per response row, else an `E_ALIGNMENT` error names the story.
 *
 * @example
 * const X = trimToResponses(features, story);
 */
export function trimToResponses<T extends MatrixData>(
  features: Matrix<T>,
  story: Pick<Story, 'name' | 'trTimes' | 'trim' | 'nResponseRows'>,
  where = 'downsample:trim',
): Matrix<T> {
  if (features.rows !== story.trTimes.length) {
    throw voxelwiseError({
      code: 'E_ALIGNMENT',
      where,
      message: `features of story "${story.name}" do not have one row per TR`,
      got: features.rows,
      expected: story.trTimes.length,
      hint: 'Downsample word features onto the story TR grid first.',
    });
  }
  const start = story.trim.start;
  const end = features.rows - story.trim.end;
  if (start < 0 || end - start !== story.nResponseRows) {
    throw voxelwiseError({
      code: 'E_ALIGNMENT',
      where,
      message: `story "${story.name}": trim ${story.trim.start}/${story.trim.end} of ${features.rows} TRs does not give its response rows`,
      got: end - start,
      expected: story.nResponseRows,
    });
  }
  return sliceRows(features, start, end);
}
