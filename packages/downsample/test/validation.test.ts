import { describe, it } from 'vitest';
import { fromRows, matrix } from '@voxelwise/core';
import { expectVoxelwiseError } from '@voxelwise/testing';
import { downsample, gaborDownsample, lanczosDownsample, rectDownsample, sincDownsample } from '../src/index.js';

const data = fromRows([
  [1, 5],
  [2, 6],
  [3, 7],
]);
const dataTimes = Float64Array.from([0.5, 1.5, 2.5]);
const trTimes = Float64Array.from([1, 3]);
const input = { data, dataTimes, trTimes };

describe('coded validation errors', () => {
  it('TR times that do not increase', async () => {
    await expectVoxelwiseError(
      () => lanczosDownsample({ ...input, trTimes: Float64Array.from([1, 3, 3]) }, { window: 3, cutoffMult: 1 }),
      'E_DATA_INVALID',
      '[downsample:lanczos]',
      /index 2 \(3 then 3\)/,
    );
    await expectVoxelwiseError(() => rectDownsample({ ...input, trTimes: Float64Array.from([3, 1]) }), 'E_DATA_INVALID', /not increasing/);
  });

  it('a single TR time, where the TR cannot be read', async () => {
    await expectVoxelwiseError(
      () => sincDownsample({ ...input, trTimes: Float64Array.from([1]) }, { window: 1, cutoffMult: 1 }),
      'E_DATA_INVALID',
      /fewer than two TR times/,
    );
  });

  it('data times whose length is not the number of rows', async () => {
    await expectVoxelwiseError(
      () => gaborDownsample({ ...input, dataTimes: Float64Array.from([0.5, 1]) }, { freqs: [0.1], sigma: 1 }),
      'E_SHAPE_MISMATCH',
      /got 2, expected 3/,
    );
  });

  it('NaN or Inf in the features, naming row and column', async () => {
    const bad = matrix(3, 2, Float32Array.from([1, 5, 2, Number.NaN, 3, 7]));
    await expectVoxelwiseError(() => rectDownsample({ ...input, data: bad }), 'E_NOT_FINITE', /NaN at row 1, column 1/);
    const inf = matrix(3, 2, Float64Array.from([1, 5, 2, 6, Number.NEGATIVE_INFINITY, 7]));
    await expectVoxelwiseError(
      () => lanczosDownsample({ ...input, data: inf }, { window: 3, cutoffMult: 1 }),
      'E_NOT_FINITE',
      /-Infinity at row 2, column 0/,
    );
  });

  it('NaN in the times', async () => {
    await expectVoxelwiseError(
      () => rectDownsample({ ...input, dataTimes: Float64Array.from([0.5, Number.NaN, 2]) }),
      'E_NOT_FINITE',
      /row 1/,
    );
    await expectVoxelwiseError(
      () => rectDownsample({ ...input, trTimes: Float64Array.from([1, Number.NaN]) }),
      'E_NOT_FINITE',
      /TR time 1/,
    );
  });

  it('empty input', async () => {
    await expectVoxelwiseError(
      () => rectDownsample({ data: matrix(0, 2, new Float64Array(0)), dataTimes: new Float64Array(0), trTimes }),
      'E_DATA_INVALID',
      /empty/,
    );
    await expectVoxelwiseError(
      () => rectDownsample({ data: matrix(3, 0, new Float64Array(0)), dataTimes, trTimes }),
      'E_DATA_INVALID',
      /empty/,
    );
    await expectVoxelwiseError(() => rectDownsample({ ...input, trTimes: new Float64Array(0) }), 'E_DATA_INVALID', /TR times are empty/);
  });

  it('bad options through the function API', async () => {
    await expectVoxelwiseError(() => lanczosDownsample(input, { window: 0, cutoffMult: 1 }), 'E_OPTIONS_INVALID', /"window"/);
    await expectVoxelwiseError(() => sincDownsample(input, { window: 1, cutoffMult: Number.NaN }), 'E_OPTIONS_INVALID', /"cutoffMult"/);
    await expectVoxelwiseError(() => gaborDownsample(input, { freqs: [], sigma: 1 }), 'E_OPTIONS_INVALID', /"freqs"/);
    await expectVoxelwiseError(() => gaborDownsample(input, { freqs: [0.1], sigma: -1 }), 'E_OPTIONS_INVALID', /"sigma"/);
  });

  it('missing, unknown and mistyped options by name (LITcoder drops unknown ones silently)', async () => {
    await expectVoxelwiseError(
      () => downsample(input, { name: 'lanczos', options: { window: 3 } as never }),
      'E_OPTIONS_INVALID',
      /option "cutoffMult"/,
    );
    await expectVoxelwiseError(
      () => downsample(input, { name: 'lanczos', options: { window: 3, cutoffMult: 1, split_indices: [1] } as never }),
      'E_OPTIONS_INVALID',
      /split_indices/,
    );
    await expectVoxelwiseError(
      () => downsample(input, { name: 'sinc', options: { window: '1', cutoffMult: 1 } as never }),
      'E_OPTIONS_INVALID',
      /option "window"/,
    );
    await expectVoxelwiseError(
      () => downsample(input, { name: 'gabor', options: { freqs: [0.1] } as never }),
      'E_OPTIONS_INVALID',
      /option "sigma"/,
    );
    await expectVoxelwiseError(() => downsample(input, { name: 'rect', options: { window: 3 } as never }), 'E_OPTIONS_INVALID', /window/);
    await expectVoxelwiseError(
      () => downsample(input, { name: 'average', options: { splitFormat: 'rows' } as never }),
      'E_OPTIONS_INVALID',
      /splitFormat/,
    );
    await expectVoxelwiseError(() => downsample(input, { name: 'legacy_average' as never }), 'E_STAGE_UNKNOWN', /legacy-average/);
  });
});
