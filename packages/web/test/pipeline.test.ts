import { describe, expect, it } from 'vitest';
import { createRng, hstack, makeDelayed, matrix, zscore } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';
import { downsample } from '@voxelwise/downsample';
import { readNpy } from '@voxelwise/io';
import { expectVoxelwiseError } from '@voxelwise/testing';
import {
  designMatrix,
  predictionCsv,
  predictionNpy,
  predictResponses,
  timedWords,
  trGridFor,
  truncatedSvd,
  wordsAtRate,
} from '../src/index.js';

function randn(rows: number, cols: number, seed: number): Matrix<Float32Array> {
  const rng = createRng(seed);
  return matrix(
    rows,
    cols,
    Float32Array.from({ length: rows * cols }, () => rng.normal()),
  );
}

function product(A: Matrix, B: Matrix): Float64Array {
  const out = new Float64Array(A.rows * B.cols);
  for (let i = 0; i < A.rows; i++)
    for (let k = 0; k < A.cols; k++)
      for (let j = 0; j < B.cols; j++) out[i * B.cols + j]! += A.data[i * A.cols + k]! * B.data[k * B.cols + j]!;
  return out;
}

describe('timing a text', () => {
  it('places words at the midpoints of a constant reading rate and builds a TR grid through the last word plus the longest delay', () => {
    const t = wordsAtRate('one  two\nthree', 2);
    expect(t.text).toEqual(['one', 'two', 'three']);
    const timed = timedWords('text', 'one  two\nthree', { wordsPerSecond: 2 });
    expect(Array.from(timed.times)).toEqual([0.25, 0.75, 1.25]);
    expect(Array.from(trGridFor([0.25, 5.1], 2, [1, 2, 3, 4]))).toEqual([1, 3, 5, 7, 9, 11, 13]);
  });

  it('reads a words TSV and a TextGrid word tier (non-speech labels dropped) with midpoint times', () => {
    const tsv = timedWords('tsv', 'word\tonset\toffset\nhello\t0.5\t0.9\nworld\t1.0\t1.4\n');
    expect(tsv.words).toEqual(['hello', 'world']);
    expect(Array.from(tsv.times).map((x) => +x.toFixed(6))).toEqual([0.7, 1.2]);
    const grid = [
      'File type = "ooTextFile"',
      'Object class = "TextGrid"',
      '',
      'xmin = 0',
      'xmax = 2',
      'tiers? <exists>',
      'size = 1',
      'item []:',
      '    item [1]:',
      '        class = "IntervalTier"',
      '        name = "word"',
      '        xmin = 0',
      '        xmax = 2',
      '        intervals: size = 3',
      '        intervals [1]:',
      '            xmin = 0',
      '            xmax = 0.4',
      '            text = "sp"',
      '        intervals [2]:',
      '            xmin = 0.4',
      '            xmax = 1',
      '            text = "hello"',
      '        intervals [3]:',
      '            xmin = 1',
      '            xmax = 2',
      '            text = "there"',
      '',
    ].join('\n');
    const tg = timedWords('textgrid', grid);
    expect(tg.words).toEqual(['hello', 'there']);
    expect(Array.from(tg.times)).toEqual([0.7, 1.5]);
  });

  it('refuses a reading rate that is not a positive number', async () => {
    await expectVoxelwiseError(() => wordsAtRate('a b', 0), 'E_OPTIONS_INVALID', /words per second/);
  });
});

describe('the design matrix and prediction of a text', () => {
  const words = randn(30, 3, 1);
  const times = Float64Array.from({ length: 30 }, (_, i) => 0.2 + i * 0.4);
  const trTimes = trGridFor(times, 2, [1, 2]);
  const settings = {
    downsampler: { name: 'lanczos', options: { window: 3, cutoffMult: 1 } },
    delays: [1, 2],
    zscoreFeatures: true,
  } as const;

  it('follows the run preset: per-story delays then z-score (LITcoder), or z-score then delays (Huth)', () => {
    const onGrid = downsample({ data: words, dataTimes: times, trTimes }, { name: 'lanczos', options: { window: 3, cutoffMult: 1 } });
    const litcoder = designMatrix([{ level: 'word', data: words }], times, trTimes, { ...settings, delayOrder: 'per-story' });
    expect(Array.from(litcoder.data)).toEqual(Array.from(zscore(makeDelayed(onGrid, [1, 2])).data));
    const huth = designMatrix([{ level: 'word', data: words }], times, trTimes, { ...settings, delayOrder: 'after-stacking' });
    expect(Array.from(huth.data)).toEqual(Array.from(makeDelayed(zscore(onGrid), [1, 2]).data));
    expect(litcoder.rows).toBe(trTimes.length);
    expect(litcoder.cols).toBe(6);
  });

  it('puts word-level and TR-level extractors side by side in the run order before the delays, as the trainer does', () => {
    const onGrid = downsample({ data: words, dataTimes: times, trTimes }, { name: 'lanczos', options: { window: 3, cutoffMult: 1 } });
    const perTr = randn(trTimes.length, 2, 7);
    const both = designMatrix(
      [
        { level: 'word', data: words },
        { level: 'tr', data: perTr },
      ],
      times,
      trTimes,
      { ...settings, delayOrder: 'per-story' },
    );
    expect(Array.from(both.data)).toEqual(Array.from(zscore(makeDelayed(hstack([onGrid, perTr], 'float64'), [1, 2])).data));
    expect(both.cols).toBe(10);
  });

  it('names the mismatch when word times and feature rows differ', async () => {
    await expectVoxelwiseError(
      () => designMatrix([{ level: 'word', data: words }], times.subarray(1), trTimes, { ...settings, delayOrder: 'per-story' }),
      'E_ALIGNMENT',
      /29 word times but extractor 0 gave 30/,
    );
  });

  it('writes the prediction as .npy (numpy-readable) and CSV with a time column', () => {
    const P = predictResponses(randn(4, 3, 2), { kind: 'dense', W: randn(3, 5, 3) });
    const back = readNpy(predictionNpy(P), 'pred.npy');
    expect([back.rows, back.cols]).toEqual([4, 5]);
    expect(Array.from(back.data)).toEqual(Array.from(P.data));
    const csv = predictionCsv(P, [1, 3, 5, 7]).trim().split('\n');
    expect(csv[0]).toBe('time,v0,v1,v2,v3,v4');
    expect(csv).toHaveLength(5);
    expect(csv[2]!.split(',')[0]).toBe('3');
  });
});

describe('truncated SVD of the weights', () => {
  it.each([
    ['more voxels than features', 12, 40],
    ['more features than voxels', 40, 12],
  ])('finds the rank of a rank-3 matrix (%s) and reconstructs it; full rank is exact', async (_, p, v) => {
    const W = matrix(p, v, Float32Array.from(product(randn(p, 3, 4), randn(3, v, 5))));
    const auto = await truncatedSvd(W, { keep: 0.999999 });
    expect(auto.rank).toBe(3);
    expect(auto.keptVariance).toBeGreaterThan(0.999999);
    const back = product(auto.A, auto.B);
    let err = 0;
    let norm = 0;
    W.data.forEach((x, i) => {
      err += (back[i]! - x) ** 2;
      norm += x ** 2;
    });
    expect(Math.sqrt(err / norm)).toBeLessThan(1e-5);
    const one = await truncatedSvd(W, { rank: 1 });
    expect(one.rank).toBe(1);
    expect(one.keptVariance).toBeLessThan(auto.keptVariance);
    for (let i = 1; i < auto.cumulative.length; i++) expect(auto.cumulative[i]!).toBeGreaterThanOrEqual(auto.cumulative[i - 1]! - 1e-12);
  });

  it('refuses a rank that is not a positive integer', async () => {
    await expectVoxelwiseError(() => truncatedSvd(randn(3, 3, 6), { rank: 0 }), 'E_OPTIONS_INVALID', /rank/);
  });
});
