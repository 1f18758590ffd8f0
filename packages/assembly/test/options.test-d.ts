import { expectTypeOf, test } from 'vitest';
import type { StageRef } from '@voxelwise/core';
import type { LebelSourceOptions, LppSourceOptions, NarrativesSourceOptions, SimulatedOptions } from '../src/index.js';

test('assembly-source names and options are checked at compile time', () => {
  expectTypeOf<{ name: 'lebel'; options: { root: string; subject: string } }>().toMatchTypeOf<StageRef<'assembly-source'>>();
  expectTypeOf<{ name: 'arrow'; options: { path: string } }>().toMatchTypeOf<StageRef<'assembly-source'>>();
  expectTypeOf<{ name: 'simulated'; options: { seed: number; features: 'embedding' } }>().toMatchTypeOf<StageRef<'assembly-source'>>();
  expectTypeOf<{ name: 'lebell'; options: { root: string; subject: string } }>().not.toMatchTypeOf<StageRef<'assembly-source'>>();
  expectTypeOf<{ name: 'simulated'; options: { voxels: string } }>().not.toMatchTypeOf<StageRef<'assembly-source'>>();
  expectTypeOf<{ name: 'simulated'; options: { features: 'glove' } }>().not.toMatchTypeOf<StageRef<'assembly-source'>>();
  expectTypeOf<LebelSourceOptions>().toHaveProperty('testStories');
  expectTypeOf<SimulatedOptions>().toHaveProperty('plantedFraction');
  expectTypeOf<{ name: 'narratives'; options: { root: string; subject: string; space: 'fsaverage6'; trim: 'litcoder' } }>().toMatchTypeOf<
    StageRef<'assembly-source'>
  >();
  expectTypeOf<{ name: 'lpp'; options: { root: string; subject: string; trim: { start: 5; end: 5 } } }>().toMatchTypeOf<
    StageRef<'assembly-source'>
  >();
  expectTypeOf<{ name: 'narratives'; options: { root: string; subject: string; trim: '14:-9' } }>().not.toMatchTypeOf<
    StageRef<'assembly-source'>
  >();
  expectTypeOf<{ name: 'lpp'; options: { root: string } }>().not.toMatchTypeOf<StageRef<'assembly-source'>>();
  expectTypeOf<NarrativesSourceOptions>().toHaveProperty('unaligned');
  expectTypeOf<LppSourceOptions>().toHaveProperty('testRuns');
});
