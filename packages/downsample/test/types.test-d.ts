import { expectTypeOf, test } from 'vitest';
import type { Matrix, StageRef } from '@voxelwise/core';
import { downsample, lanczosDownsample, makeDelayed, rectDownsample } from '../src/index.js';

declare const f32: Matrix<Float32Array>;
declare const f64: Matrix<Float64Array>;
const times = new Float64Array(0);

test('stage names and options are checked at compile time', () => {
  const refs: StageRef<'downsampler'>[] = [
    { name: 'lanczos', options: { window: 3, cutoffMult: 1 } },
    { name: 'lanczos', options: { window: 3, cutoffMult: 1, rectify: true } },
    { name: 'sinc', options: { window: 1, cutoffMult: 1, causal: true, renorm: false } },
    { name: 'gabor', options: { freqs: [0.1, 0.25], sigma: 1 } },
    { name: 'rect' },
    { name: 'legacy-average', options: { splitFormat: 'boundaries' } },
  ];
  expectTypeOf(refs).toBeArray();

  // @ts-expect-error misspelled stage name
  const a: StageRef<'downsampler'> = { name: 'lanczoss' };
  // @ts-expect-error LITcoder's snake_case name is not a voxelwise name
  const b: StageRef<'downsampler'> = { name: 'legacy_average' };
  // @ts-expect-error cutoffMult is required
  const c: StageRef<'downsampler'> = { name: 'lanczos', options: { window: 3 } };
  // @ts-expect-error window must be a number
  const d: StageRef<'downsampler'> = { name: 'sinc', options: { window: '1', cutoffMult: 1 } };
  // @ts-expect-error rect takes no options
  const e: StageRef<'downsampler'> = { name: 'rect', options: { window: 3 } };
  // @ts-expect-error splitFormat is an enum
  const f: StageRef<'downsampler'> = { name: 'average', options: { splitFormat: 'rows' } };
  // @ts-expect-error snake_case option
  const g: StageRef<'downsampler'> = { name: 'lanczos', options: { window: 3, cutoff_mult: 1 } };
  expectTypeOf([a, b, c, d, e, f, g]).toBeArray();

  // @ts-expect-error downsample() knows the options of each name too
  downsample({ data: f64, dataTimes: times, trTimes: times }, { name: 'gabor', options: { freqs: [1] } });
});

test('the output element type follows the input', () => {
  expectTypeOf(lanczosDownsample({ data: f32, dataTimes: times, trTimes: times }, { window: 3, cutoffMult: 1 })).toEqualTypeOf<
    Matrix<Float32Array>
  >();
  expectTypeOf(rectDownsample({ data: f64, dataTimes: times, trTimes: times })).toEqualTypeOf<Matrix<Float64Array>>();
  expectTypeOf(makeDelayed(f32, [1, 2])).toEqualTypeOf<Matrix<Float32Array>>();
});
