import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createTinyGpt2 } from '@voxelwise/features-lm';
import type { VoxelwiseConfig } from './config.js';
import { DEFAULT_DOWNSAMPLER } from './config.js';

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
    await createTinyGpt2(modelDir, { seed, ...DEMO_MODEL });
  }
  return { modelDir, cacheDir };
}

/** Options of {@link demoConfig}. */
export interface DemoOptions {
  /** The model folder from {@link prepareDemo}. */
  modelDir: string;
  seed?: number;
  outDir?: string;
  cacheDir?: string;
  /** Layer the simulated voxels respond to, and the layer fitted. @default 2 */
  layer?: number;
  /** Voxels of the simulated subject. @default 300 */
  voxels?: number;
  /** Stories (the last is held out). @default 5 */
  stories?: number;
  /** Seconds of speech per story. @default 300 */
  duration?: number;
}

/**
 * The demo run: a simulated subject whose planted voxels respond to layer 2 of the tiny language
 * model (through Lanczos resampling and a 4-TR FIR response), fitted with the same pipeline a
 * LeBel run uses: `lm` features (fullcontext, last token), Lanczos window 3, FIR delays 1–4,
 * LITcoder order, ridge with per-voxel alphas chosen by 5-fold CV, scored on the test story.
 */
export function demoConfig(options: DemoOptions): VoxelwiseConfig {
  const seed = options.seed ?? 0;
  const lm = {
    model: options.modelDir,
    layer: options.layer ?? 2,
    lookback: 48,
    contextType: 'fullcontext',
    pooling: 'lastToken',
  } as const;
  return {
    name: 'demo',
    seed,
    outDir: options.outDir ?? 'results',
    ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
    assembly: {
      name: 'simulated',
      options: {
        seed,
        stories: options.stories ?? 5,
        duration: options.duration ?? 300,
        voxels: options.voxels ?? 300,
        plantedFraction: 0.5,
        testRepeats: 4,
        extractor: { name: 'lm', options: lm },
      },
    },
    features: [{ name: 'lm', options: lm }],
    downsampler: { ...DEFAULT_DOWNSAMPLER, options: { ...DEFAULT_DOWNSAMPLER.options } },
    delays: [1, 2, 3, 4],
    preset: 'litcoder',
    // LITcoder's grid shifted down: a strong planted signal over 600 TRs wants little shrinkage.
    model: { name: 'ridge-cv', options: { alphas: Array.from({ length: 10 }, (_, i) => 10 ** (i - 3)) as [number, ...number[]] } },
  };
}

/** Median of an array (NaN when empty). */
function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Test r of planted and noise voxels, when the assembly records a simulator's ground truth. */
export function plantedSummary(
  r: Float64Array,
  metadata: Record<string, unknown>,
): { planted: number[]; noise: number[]; medianPlanted: number; medianNoise: number; bestR?: number[] } | null {
  const truth = metadata['groundTruth'] as { planted?: ArrayLike<number>; bestR?: ArrayLike<number> } | undefined;
  if (!truth?.planted || truth.planted.length !== r.length) return null;
  const planted: number[] = [];
  const noise: number[] = [];
  for (let v = 0; v < r.length; v++) (truth.planted[v] ? planted : noise).push(r[v]!);
  return {
    planted,
    noise,
    medianPlanted: median(planted),
    medianNoise: median(noise),
    ...(truth.bestR ? { bestR: Array.from(truth.bestR) } : {}),
  };
}
