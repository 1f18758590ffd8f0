import { definePlugin } from '@voxelwise/core';
import type { Plugin } from '@voxelwise/core';
import { embeddingsStage } from './embeddings-stage.js';
import { precomputedStage } from './precomputed-stage.js';
import { wordRateStage } from './wordrate-stage.js';

/**
 * Simple feature extractors as a plugin: `wordrate`, `precomputed` and `embeddings`.
 *
 * @example
 * const registry = createRegistry().use(basicFeatures());
 */
export function basicFeatures(): Plugin {
  return definePlugin('@voxelwise/features-basic', [wordRateStage, precomputedStage, embeddingsStage]);
}
