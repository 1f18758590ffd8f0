import type { ContextCodec, LitcoderContextType } from './contexts.js';
import { litcoderContexts } from './contexts.js';
import type { ResolvedLmOptions } from './options.js';
import type { ExtractionPlan } from './plan.js';
import { contextPlan, slidingPlan, tokenizeStory } from './plan.js';

/** What planning a story needs to know about the model. */
export interface PlanModelInfo {
  /** Token prepended to every context. */
  readonly bosId: number;
  /** Maximum sequence length. */
  readonly nPositions: number;
}

/**
 * The sequences the `lm` extractor runs for a story's words under its context policy: LITcoder's
 * contexts cut with `codec` and encoded with the model's tokenizer, or the `sliding` windows over
 * the story's own tokens (`window` positions). One function for the Node extractor and the
 * browser, so both read the same tokens.
 */
export function storyPlan(
  story: string,
  words: readonly string[],
  options: Pick<ResolvedLmOptions, 'contextType' | 'lookback' | 'pooling'>,
  encode: (text: string) => number[],
  codec: ContextCodec,
  info: PlanModelInfo,
  window: number | null,
): ExtractionPlan {
  if (options.contextType === 'sliding')
    return slidingPlan(tokenizeStory(words, encode), info.bosId, options.pooling, options.lookback, window!);
  const contexts = litcoderContexts(words, options.contextType as LitcoderContextType, options.lookback, codec);
  return contextPlan(story, contexts, encode, info.bosId, options.pooling, info.nPositions);
}
