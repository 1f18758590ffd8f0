import { matrix } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';
import { centerRows, runPlan, storyPlan } from '@voxelwise/features-lm/browser';
import type { ContextCodec, RunnerModel } from '@voxelwise/features-lm/browser';
import type { WebFeatureSettings } from './manifest.js';

/** What the page needs to compute `lm` features: the runner over the bundled graph and tokenizers. */
export interface TextFeatureModel {
  readonly runner: RunnerModel;
  /** The model's tokenizer (no special tokens). */
  readonly encode: (text: string) => number[];
  /** The tokenizer that cuts contexts (the model's, or GPT-2's under `contextTokenizer: gpt2`). */
  readonly codec: ContextCodec;
}

/**
 * The run's `lm` features of a text's words (words × d_model, float32): the extractor's own plan
 * (features-lm `storyPlan`), batched runner (`runPlan`) and centring, on the graph the export
 * bundled. `onProgress` receives words done / total.
 */
export async function textFeatures(
  model: TextFeatureModel,
  settings: WebFeatureSettings,
  words: readonly string[],
  options: { memoryBudget?: number; batchSize?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<Matrix<Float32Array>> {
  const plan = storyPlan('text', words, settings, model.encode, model.codec, settings, settings.slidingWindow);
  const nTargets = plan.sequences.reduce((a, s) => a + s.targets.length, 0);
  const layers = await runPlan(model.runner, plan, {
    memoryBudget: options.memoryBudget ?? 256 * 1024 ** 2,
    ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
    onProgress: ({ rows }) => options.onProgress?.(rows, nTargets),
  });
  const d = settings.dModel;
  const raw = layers[settings.layer]!;
  return matrix(words.length, d, settings.center ? centerRows(raw, words.length, d) : Float32Array.from(raw));
}
