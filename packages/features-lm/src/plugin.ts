import { definePlugin, defineStage } from '@voxelwise/core';
import { createLmExtractor } from './lm-extractor.js';
import type { LmOptions } from './options.js';
import { lmOptionsSchema } from './options.js';

declare module '@voxelwise/core' {
  interface ExtractorOptionsMap {
    lm: LmOptions;
  }
}

/** Name of the language-model extractor stage. */
export const LM_EXTRACTOR_NAME = 'lm';

/** The `lm` extractor stage: every layer of a language model in one pass, cached; returns one layer. */
export const lmStage = defineStage({
  kind: 'extractor',
  name: LM_EXTRACTOR_NAME,
  description:
    'Language-model residual stream per word (GPT-2/OPT/Pythia via transformers.js + onnxruntime), LITcoder contexts or sliding windows, Arrow cache of all layers.',
  options: lmOptionsSchema,
  create: (options) => createLmExtractor(options),
});

/**
 * Language-model features as a plugin.
 *
 * @example
 * const registry = createRegistry().use(lmFeatures());
 * const lm = await registry.create('extractor', { name: 'lm', options: { model: 'gpt2-small', layer: 9 } }, ctx);
 */
export function lmFeatures() {
  return definePlugin('@voxelwise/features-lm', [lmStage]);
}
