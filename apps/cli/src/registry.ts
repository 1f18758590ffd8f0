import { createRegistry } from '@voxelwise/core';
import type { Registry } from '@voxelwise/core';
import { assemblies } from '@voxelwise/assembly';
import { basicFeatures } from '@voxelwise/features-basic';
import { lmFeatures } from '@voxelwise/features-lm';
import { downsamplers } from '@voxelwise/downsample';
import { ridge } from '@voxelwise/ridge';
import { wandb } from '@voxelwise/logger-wandb';
import { tensorboard } from '@voxelwise/logger-tensorboard';
import { builtinLoggers } from '@voxelwise/trainer';

/**
 * A registry holding every built-in stage: assembly sources, basic and language-model features,
 * downsamplers, ridge, and the console, jsonl, wandb and tensorboard loggers. It lives in the CLI (not the
 * trainer) so that a program which fits precomputed features installs only the plugins it uses.
 *
 * @example
 * const registry = createDefaultRegistry().use(myExtractorPlugin());
 */
export function createDefaultRegistry(): Registry {
  return createRegistry()
    .use(assemblies())
    .use(basicFeatures())
    .use(lmFeatures())
    .use(downsamplers())
    .use(ridge())
    .use(builtinLoggers())
    .use(wandb())
    .use(tensorboard());
}
