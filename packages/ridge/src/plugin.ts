import { definePlugin, defineStage } from '@voxelwise/core';
import { createBandedRidgeModel } from './banded/banded-model.js';
import { bandedRidgeCVOptionsSchema } from './banded/banded-options.js';
import type { BandedRidgeCVOptions } from './banded/banded-options.js';
import { createRidgeModel } from './model/ridge-model.js';
import { ridgeCVOptionsSchema } from './options.js';
import type { RidgeCVOptions } from './options.js';

declare module '@voxelwise/core' {
  interface ModelOptionsMap {
    'ridge-cv': RidgeCVOptions;
    'banded-ridge-cv': BandedRidgeCVOptions;
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

/** The `banded-ridge-cv` model stage: one regularisation per feature space, band weights and alpha chosen per voxel (himalaya's BandedRidgeCV). */
export const bandedRidgeCVStage = defineStage({
  kind: 'model',
  name: 'banded-ridge-cv',
  description:
    'Banded ridge: per feature space (band) weights and alpha chosen per voxel by cross-validated random search (himalaya BandedRidgeCV, lambda_b = alpha / gamma_b).',
  options: bandedRidgeCVOptionsSchema,
  create: (options) => createBandedRidgeModel(options),
});

/**
 * The ridge plugin.
 *
 * @example
 * const registry = createRegistry().use(ridge());
 */
export function ridge() {
  return definePlugin('@voxelwise/ridge', [ridgeCVStage, bandedRidgeCVStage]);
}
