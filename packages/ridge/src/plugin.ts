import { definePlugin, defineStage } from '@voxelwise/core';
import { createRidgeModel } from './model/ridge-model.js';
import { ridgeCVOptionsSchema } from './options.js';
import type { RidgeCVOptions } from './options.js';

declare module '@voxelwise/core' {
  interface ModelOptionsMap {
    'ridge-cv': RidgeCVOptions;
  }
}

/** The `ridge-cv` model stage: ridge regression with alpha chosen by cross-validation (Huth/LITcoder convention). */
export const ridgeCVStage = defineStage({
  kind: 'model',
  name: 'ridge-cv',
  description: 'Ridge regression, alpha chosen per voxel by cross-validation (Huth/LITcoder convention, nested CV, FDR statistics).',
  options: ridgeCVOptionsSchema,
  create: (options) => createRidgeModel(options),
});

/**
 * The ridge plugin.
 *
 * @example
 * const registry = createRegistry().use(ridge());
 */
export function ridge() {
  return definePlugin('@voxelwise/ridge', [ridgeCVStage]);
}
