import { expectTypeOf, test } from 'vitest';
import type { StageRef } from '@voxelwise/core';
import type { FittedRidge, RidgeCVOptions } from '../src/index.js';

test('ridge-cv options are checked at compile time', () => {
  const ok: StageRef<'model'>[] = [
    { name: 'ridge-cv', options: { alphas: [1, 10], normalpha: false, alphaMode: 'single' } },
    { name: 'ridge-cv', options: { folds: { type: 'bootstrap', nboots: 50, chunkLength: 40, nchunks: 125 }, score: 'huth' } },
    { name: 'ridge-cv', options: { folds: { type: 'group', n: 5 }, outerFolds: { type: 'kfold', n: 5 }, permutations: 1000 } },
  ];
  expectTypeOf(ok).toBeArray();
  // @ts-expect-error unknown alpha mode
  const mode: StageRef<'model'> = { name: 'ridge-cv', options: { alphaMode: 'voxelwise' } };
  // @ts-expect-error unknown fold type
  const folds: StageRef<'model'> = { name: 'ridge-cv', options: { folds: { type: 'loo', n: 3 } } };
  // @ts-expect-error alphas are numbers
  const alphas: StageRef<'model'> = { name: 'ridge-cv', options: { alphas: ['1'] } };
  // @ts-expect-error misspelled stage name
  const name: StageRef<'model'> = { name: 'ridge', options: {} };
  void [mode, folds, alphas, name];
  expectTypeOf<RidgeCVOptions['score']>().toEqualTypeOf<'pearson' | 'r2' | 'signed-sqrt-r2' | 'litcoder' | 'huth' | undefined>();
  expectTypeOf<FittedRidge['cvScores']>().toEqualTypeOf<Float64Array>();
});
