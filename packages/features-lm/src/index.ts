export { lmFeatures, lmStage, LM_EXTRACTOR_NAME } from './plugin.js';
export { lmOptionsSchema, CONTEXT_TYPES } from './options.js';
export type { LmOptions, ResolvedLmOptions } from './options.js';
export { createLmExtractor } from './lm-extractor.js';
export { centerRows } from './center-rows.js';
export { storyPlan } from './story-plan.js';
export type { PlanModelInfo } from './story-plan.js';
export type { LmExtractor, LmStoryLayers } from './lm-extractor.js';
export { fullContexts, noContexts, halfContexts, litcoderContexts } from './contexts.js';
export type { ContextCodec, LitcoderContextType } from './contexts.js';
export { contextPlan, slidingPlan, tokenizeStory } from './plan.js';
export type { ExtractionPlan, Pooling, Sequence, StoryTokens, Target } from './plan.js';
export { openLmModel, releaseLmModel } from './lm-model.js';
export type { LmModel, ModelIdentity } from './lm-model.js';
export { resolveModelSource, readModelInfo } from './model-source.js';
/** The hub cache folder of a model (`@voxelwise/onnx-tools`, shared with features-speech). */
export { hubModelDir } from '@voxelwise/onnx-tools';
export type { ModelInfo, ModelSource, ResolveOptions } from './model-source.js';
export { MODEL_ALIASES, ONNX_CANDIDATES } from './aliases.js';
export type { ModelAlias } from './aliases.js';
export { buildFeatureGraph, layerOutputName, POOL_INPUT, SUPPORTED_ARCHITECTURES } from './feature-graph.js';
export type { Architecture, FeatureGraph, FeatureGraphSpec, FeedSpec } from './feature-graph.js';
export { runPlan, makeBatches, bytesPerSequence } from './runner.js';
export type { RunnerModel, RunOptions } from './runner.js';
export {
  LM_CACHE_FORMAT,
  LM_CACHE_META_KEY,
  lmCacheDir,
  lmCacheFile,
  lmCacheKey,
  wordsHash,
  writeLmCache,
  readLmCacheLayer,
  listLmCache,
  verifyLmCache,
  verifyLmCacheFile,
  clearLmCache,
} from './feature-cache.js';
export type { LmCacheEntry, LmCacheFilter, LmCacheKeyParts, LmCacheMetadata, LmCacheRead } from './feature-cache.js';
export { createTinyGpt2 } from './tiny-gpt2.js';
export type { Gpt2Config, TinyGpt2Model, TinyGpt2Options } from './tiny-gpt2.js';
export { gpt2TokenizerFiles, writeGpt2Tokenizer, GPT2_EOT_ID } from './gpt2-tokenizer.js';
export { gpt2Tokenizer, wrapTokenizer } from './tokenizer.js';
export type { TextTokenizer } from './tokenizer.js';
export { pyStrip } from './py-strip.js';
