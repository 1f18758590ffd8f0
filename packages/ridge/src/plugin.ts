import { definePlugin, defineStage, z } from '@voxelwise/core';
import { fitRidgeCV } from './simple-ridge.js';

const ridgeCVOptions = z
  .object({
    /** Alpha grid; weights use a² as the penalty (Huth/LITcoder convention). */
    alphas: z.array(z.number().positive()).nonempty().default(() => Array.from({ length: 10 }, (_, i) => 10 ** (-1 + i))),
    /** Multiply alpha by the largest singular value of X. */
    normalpha: z.boolean().default(true),
    /** Contiguous inner folds used to choose alpha. */
    nFolds: z.number().int().min(2).default(5),
    /** One alpha for all voxels, or one per voxel. */
    alphaMode: z.enum(['single', 'per-voxel']).default('per-voxel'),
  })
  .strict();

/** Options of the `ridge-cv` model. */
export type RidgeCVStageOptions = z.input<typeof ridgeCVOptions>;

declare module '@voxelwise/core' {
  interface ModelOptionsMap {
    'ridge-cv': RidgeCVStageOptions;
  }
}

/** The `ridge-cv` model stage. */
export const ridgeCVStage = defineStage({
  kind: 'model',
  name: 'ridge-cv',
  description: 'Ridge regression, alpha chosen by cross-validation on the training data (Huth/LITcoder convention).',
  options: ridgeCVOptions,
  create: (options) => ({ id: 'ridge-cv', fit: (data, ctx) => fitRidgeCV(data, options, ctx) }),
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
