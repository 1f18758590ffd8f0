import { describe, expectTypeOf, it } from 'vitest';
import type { StageRef } from '@voxelwise/core';
import type { TensorboardOptions } from '../src/index.js';

describe('tensorboard logger options in typed configs', () => {
  it('accepts the stage by name with its options', () => {
    const ref: StageRef<'logger'> = { name: 'tensorboard', options: { logDir: 'runs', histogramBins: 50, images: false } };
    expectTypeOf(ref).toExtend<StageRef<'logger'>>();
    expectTypeOf<TensorboardOptions['logDir']>().toEqualTypeOf<string | undefined>();
  });

  it('rejects a wrong option type and an unknown option', () => {
    // @ts-expect-error histogramBins is a number
    const bad: StageRef<'logger'> = { name: 'tensorboard', options: { histogramBins: 'many' } };
    // @ts-expect-error logdir is not an option (logDir is)
    const typo: StageRef<'logger'> = { name: 'tensorboard', options: { logdir: 'runs' } };
    expectTypeOf(bad).not.toBeNever();
    expectTypeOf(typo).not.toBeNever();
  });
});
