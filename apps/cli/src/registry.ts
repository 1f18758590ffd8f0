import { createRegistry } from '@voxelwise/core';
import type { Registry } from '@voxelwise/core';
import { assemblies } from '@voxelwise/assembly';
import { basicFeatures } from '@voxelwise/features-basic';
import { downsamplers } from '@voxelwise/downsample';
import { ridge } from '@voxelwise/ridge';
import { wandb } from '@voxelwise/logger-wandb';
import { tensorboard } from '@voxelwise/logger-tensorboard';
import { builtinLoggers } from '@voxelwise/trainer';
import { lmPlugin } from './optional-lm.js';
import { speechPlugin } from './optional-speech.js';

/**
 * A registry holding every built-in stage: assembly sources, basic features, language-model
 * features when `@voxelwise/features-lm` is installed (an optional peer: it brings transformers.js
 * and onnxruntime; without it `lm` is listed as not installed), speech-model features when
 * `@voxelwise/features-speech` is (an optional peer likewise), downsamplers, ridge, and the
 * console, jsonl, wandb and tensorboard loggers. It lives in the CLI (not the trainer) so that a
 * program which fits precomputed features installs only the plugins it uses.
 *
 * @example
 * const registry = (await createDefaultRegistry()).use(myExtractorPlugin());
 */
export async function createDefaultRegistry(): Promise<Registry> {
  return createRegistry()
    .use(assemblies())
    .use(basicFeatures())
    .use(await lmPlugin())
    .use(await speechPlugin())
    .use(downsamplers())
    .use(ridge())
    .use(builtinLoggers())
    .use(wandb())
    .use(tensorboard());
}
