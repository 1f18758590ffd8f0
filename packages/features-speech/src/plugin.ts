import { definePlugin, defineStage } from '@voxelwise/core';
import type { SpeechOptions } from './options.js';
import { speechOptionsSchema } from './options.js';
import { createSpeechExtractor } from './speech-extractor.js';

declare module '@voxelwise/core' {
  interface ExtractorOptionsMap {
    speech: SpeechOptions;
  }
}

/** Name of the speech-model extractor stage. */
export const SPEECH_EXTRACTOR_NAME = 'speech';

/** The `speech` extractor stage: every encoder layer of a speech model over LITcoder's windows, cached; returns one layer. */
export const speechStage = defineStage({
  kind: 'extractor',
  name: SPEECH_EXTRACTOR_NAME,
  description:
    'Speech-model hidden states over sliding windows of the story audio (Whisper encoder, wav2vec 2.0, HuBERT via transformers.js + onnxruntime), LITcoder windows and layers, Arrow cache of all layers.',
  options: speechOptionsSchema,
  create: (options) => createSpeechExtractor(options),
});

/**
 * Speech-model features as a plugin.
 *
 * @example
 * const registry = createRegistry().use(speechFeatures());
 * const speech = await registry.create('extractor', { name: 'speech', options: { model: 'openai/whisper-base', layer: 3 } }, ctx);
 */
export function speechFeatures() {
  return definePlugin('@voxelwise/features-speech', [speechStage]);
}
