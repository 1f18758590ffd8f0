import { describe, expect, it } from 'vitest';
import { createRng } from '@voxelwise/core';
import type { LogEvent, VoxelwiseEvent } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { createFolds } from '../src/index.js';
import type { Fold, FoldSpec } from '../src/index.js';

const rng = (seed = 1) => createRng(seed).fork('folds');
const arr = (a: Int32Array) => Array.from(a);
const disjoint = (f: Fold) => {
  const s = new Set(arr(f.train));
  return arr(f.test).every((i) => !s.has(i));
};
const sortedUnique = (a: Int32Array) => arr(a).every((x, i) => i === 0 || x > a[i - 1]!);

describe('folds', () => {
  it('kfold: contiguous sklearn sizes, train = complement', () => {
    const folds = createFolds(11, { type: 'kfold', n: 5 }, { rng: rng() });
    expect(folds.map((f) => arr(f.test))).toEqual([
      [0, 1, 2],
      [3, 4],
      [5, 6],
      [7, 8],
      [9, 10],
    ]);
    for (const f of folds) {
      expect(f.train.length + f.test.length).toBe(11);
      expect(disjoint(f)).toBe(true);
    }
  });

  it('kfold_trimmed: test folds lose `trim` rows at each end, which stay out of training (a gap)', () => {
    const folds = createFolds(20, { type: 'kfold_trimmed', n: 2, trim: 3 }, { rng: rng() });
    expect(arr(folds[0]!.test)).toEqual([3, 4, 5, 6]);
    expect(arr(folds[0]!.train)).toEqual(Array.from({ length: 10 }, (_, i) => 10 + i));
  });

  it('kfold_trimmed keeps a fold whole (with a warning) when it is too short to trim', () => {
    const events: VoxelwiseEvent[] = [];
    const folds = createFolds(10, { type: 'kfold_trimmed', n: 2, trim: 3 }, { rng: rng(), emit: (e) => events.push(e) });
    expect(folds[0]!.test.length).toBe(5);
    expect(events.filter((e): e is LogEvent => e.type === 'log' && e.level === 'warn')).toHaveLength(2);
  });

  it('chunked_contiguous: chunks in order, the remainder joins the last chunk', () => {
    const folds = createFolds(23, { type: 'chunked_contiguous', n: 2, chunkLength: 5 }, { rng: rng() });
    // 4 chunks: [0,5) [5,10) [10,15) [15,23); 2 per fold.
    expect(arr(folds[0]!.test)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(arr(folds[1]!.test)).toEqual(Array.from({ length: 13 }, (_, i) => 10 + i));
    expect(folds[1]!.train.length).toBe(10);
  });

  it('chunked: seeded shuffles of whole chunks, reproducible, every row tested once', () => {
    const spec: FoldSpec = { type: 'chunked', n: 3, chunkLength: 4 };
    const a = createFolds(40, spec, { rng: rng(7) });
    const b = createFolds(40, spec, { rng: rng(7) });
    const c = createFolds(40, spec, { rng: rng(8) });
    expect(a.map((f) => arr(f.test))).toEqual(b.map((f) => arr(f.test)));
    expect(a.map((f) => arr(f.test))).not.toEqual(c.map((f) => arr(f.test)));
    const all = a.flatMap((f) => arr(f.test)).sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 40 }, (_, i) => i));
    for (const f of a) {
      expect(sortedUnique(f.test)).toBe(true);
      expect(disjoint(f)).toBe(true);
      // whole chunks: every tested row's chunk is tested entirely
      const t = new Set(arr(f.test));
      for (const i of t) for (let k = Math.floor(i / 4) * 4; k < Math.floor(i / 4) * 4 + 4; k++) expect(t.has(k)).toBe(true);
    }
  });

  it('chunked_trimmed: test chunks lose `trim` rows at each end; training uses whole other chunks', () => {
    const folds = createFolds(40, { type: 'chunked_trimmed', n: 2, chunkLength: 10, trim: 2 }, { rng: rng(3) });
    for (const f of folds) {
      expect(f.test.length).toBe(12);
      expect(f.train.length).toBe(20);
      for (const i of f.test) expect(i % 10 >= 2 && i % 10 < 8).toBe(true);
    }
  });

  it('timeseries: expanding training windows before each test block (sklearn TimeSeriesSplit)', () => {
    const folds = createFolds(10, { type: 'timeseries', n: 3 }, { rng: rng() });
    expect(folds.map((f) => [arr(f.train).length, arr(f.test)])).toEqual([
      [4, [4, 5]],
      [6, [6, 7]],
      [8, [8, 9]],
    ]);
  });

  it('group: whole groups held out, balanced largest first (sklearn GroupKFold)', () => {
    const groups = Int32Array.from([0, 0, 0, 0, 1, 1, 2, 2, 2, 3]);
    const folds = createFolds(10, { type: 'group', n: 2 }, { rng: rng(), groups });
    const tested = folds.map((f) => new Set(arr(f.test).map((i) => groups[i])));
    // sizes 4, 3, 2, 1: group 0 → fold 0, group 2 → fold 1, group 1 → fold 1, group 3 → fold 0.
    expect(tested.map((s) => [...s].sort())).toEqual([
      [0, 3],
      [1, 2],
    ]);
    for (const f of folds) expect(disjoint(f)).toBe(true);
  });

  it('group folds without groups fail with a hint', async () => {
    await expectVoxelwiseError(() => createFolds(10, { type: 'group', n: 2 }, { rng: rng() }), 'E_OPTIONS_INVALID', /group label per row/);
  });

  it('bootstrap: nboots seeded draws of nchunks chunks; the tail is never held out', () => {
    const folds = createFolds(103, { type: 'bootstrap', nboots: 4, chunkLength: 10, nchunks: 3 }, { rng: rng(5) });
    expect(folds).toHaveLength(4);
    for (const f of folds) {
      expect(f.test.length).toBe(30);
      expect(f.train.length).toBe(73);
      expect(arr(f.test).every((i) => i < 100)).toBe(true);
      expect(disjoint(f)).toBe(true);
    }
    expect(arr(folds[0]!.test)).not.toEqual(arr(folds[1]!.test));
    const again = createFolds(103, { type: 'bootstrap', nboots: 4, chunkLength: 10, nchunks: 3 }, { rng: rng(5) });
    expect(again.map((f) => arr(f.test))).toEqual(folds.map((f) => arr(f.test)));
  });

  it('explicit folds are checked against the row count', async () => {
    const folds = createFolds(
      5,
      { type: 'explicit', folds: [{ train: Int32Array.from([3, 0]), test: Int32Array.from([4]) }] },
      { rng: rng() },
    );
    expect(arr(folds[0]!.train)).toEqual([0, 3]);
    await expectVoxelwiseError(
      () => createFolds(5, { type: 'explicit', folds: [{ train: Int32Array.from([9]), test: Int32Array.from([1]) }] }, { rng: rng() }),
      'E_OPTIONS_INVALID',
      /row 9/,
    );
  });

  it('impossible layouts fail with E_OPTIONS_INVALID naming the numbers', async () => {
    await expectVoxelwiseError(() => createFolds(3, { type: 'kfold', n: 5 }, { rng: rng() }), 'E_OPTIONS_INVALID', /3 rows into 5 folds/);
    await expectVoxelwiseError(
      () => createFolds(30, { type: 'chunked', n: 5, chunkLength: 10 }, { rng: rng() }),
      'E_OPTIONS_INVALID',
      /3 chunks of 10/,
    );
    await expectVoxelwiseError(
      () => createFolds(30, { type: 'bootstrap', nboots: 2, chunkLength: 10, nchunks: 3 }, { rng: rng() }),
      'E_OPTIONS_INVALID',
      /holds out 3 chunks/,
    );
    await expectVoxelwiseError(() => createFolds(30, { type: 'kfold', n: 1 }, { rng: rng() }), 'E_OPTIONS_INVALID', /n ≥ 2/);
  });
});
