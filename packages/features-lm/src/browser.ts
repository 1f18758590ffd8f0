// `@voxelwise/features-lm/browser`: the parts of the `lm` extractor that run in a web page
// (contexts, plans, the batched runner, centring). Nothing here imports node:*, onnxruntime-node
// or the cache; the page brings onnxruntime-web and a tokenizer.
export { centerRows } from './center-rows.js';
export { storyPlan } from './story-plan.js';
export type { PlanModelInfo } from './story-plan.js';
export { fullContexts, noContexts, halfContexts, litcoderContexts } from './contexts.js';
export type { ContextCodec, LitcoderContextType } from './contexts.js';
export { contextPlan, slidingPlan, tokenizeStory } from './plan.js';
export type { ExtractionPlan, Pooling, Sequence, StoryTokens, Target } from './plan.js';
export { runPlan, makeBatches, bytesPerSequence } from './runner.js';
export type { RunnerModel, RunOptions } from './runner.js';
export { layerOutputName, POOL_INPUT } from './graph-names.js';
export type { FeedSpec } from './feature-graph.js';
export { lmOptionsSchema, CONTEXT_TYPES } from './options.js';
export type { LmOptions, ResolvedLmOptions } from './options.js';
export { wrapTokenizer } from './text-tokenizer.js';
export type { TextTokenizer } from './text-tokenizer.js';
