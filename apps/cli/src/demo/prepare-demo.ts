import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { importFeaturesLm } from '../optional-lm.js';

/** Options of {@link prepareDemo}. */
export interface PrepareDemoOptions {
  /** Seed of the model weights. @default 0 */
  seed?: number;
  /** Where the model goes (`<cacheDir>/models/…`). @default '.voxelwise-cache' */
  cacheDir?: string;
  /** Rebuild the model even if it exists. */
  force?: boolean;
}

/** What {@link prepareDemo} made. */
export interface PreparedDemo {
  /** Folder of the tiny GPT-2 model (config.json, tokenizer.json, onnx/model.onnx). */
  modelDir: string;
  cacheDir: string;
}

/** Shape of the demo's language model: GPT-2 architecture, 4 blocks, d = 64, real GPT-2 tokenizer. */
export const DEMO_MODEL = { layers: 4, dModel: 64, heads: 4, positions: 128 } as const;

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/**
 * Builds the demo's tiny GPT-2 (seeded random weights, the real GPT-2 BPE tokenizer) into the
 * cache directory once; later calls reuse it.
 */
export async function prepareDemo(options: PrepareDemoOptions = {}): Promise<PreparedDemo> {
  const cacheDir = resolve(options.cacheDir ?? '.voxelwise-cache');
  const seed = options.seed ?? 0;
  const modelDir = join(cacheDir, 'models', `tiny-gpt2-l${DEMO_MODEL.layers}-d${DEMO_MODEL.dModel}-s${seed}`);
  if (options.force || !(await exists(join(modelDir, 'onnx', 'model.onnx'))) || !(await exists(join(modelDir, 'config.json')))) {
    const { createTinyGpt2 } = await importFeaturesLm('the demo (its tiny GPT-2)');
    await createTinyGpt2(modelDir, { seed, ...DEMO_MODEL });
  }
  return { modelDir, cacheDir };
}
