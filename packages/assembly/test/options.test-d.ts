import { expectTypeOf, test } from 'vitest';
import type { StageRef } from '@voxelwise/core';
import type { LebelSourceOptions, SimulatedOptions } from '../src/index.js';

test('assembly-source names and options are checked at compile time', () => {
  expectTypeOf<{ name: 'lebel'; options: { root: string; subject: string } }>().toMatchTypeOf<StageRef<'assembly-source'>>();
  expectTypeOf<{ name: 'arrow'; options: { path: string } }>().toMatchTypeOf<StageRef<'assembly-source'>>();
  expectTypeOf<{ name: 'simulated'; options: { seed: number; features: 'embedding' } }>().toMatchTypeOf<StageRef<'assembly-source'>>();
  expectTypeOf<{ name: 'lebell'; options: { root: string; subject: string } }>().not.toMatchTypeOf<StageRef<'assembly-source'>>();
  expectTypeOf<{ name: 'simulated'; options: { voxels: string } }>().not.toMatchTypeOf<StageRef<'assembly-source'>>();
  expectTypeOf<{ name: 'simulated'; options: { features: 'glove' } }>().not.toMatchTypeOf<StageRef<'assembly-source'>>();
  expectTypeOf<LebelSourceOptions>().toHaveProperty('testStories');
  expectTypeOf<SimulatedOptions>().toHaveProperty('plantedFraction');
});
