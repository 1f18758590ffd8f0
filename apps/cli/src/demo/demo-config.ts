import { DEFAULT_DOWNSAMPLER } from '@voxelwise/trainer';
import type { VoxelwiseConfig } from '@voxelwise/trainer';

/** Options of {@link demoConfig}. */
export interface DemoOptions {
  /** The model folder from `prepareDemo`. */
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
  /**
   * Word rate as a second feature space next to the language model, fitted with banded ridge
   * and the variance partitioned between the two (what `voxelwise demo` runs). Off: `lm` alone
   * with `ridge-cv`. @default false
   */
  wordRate?: boolean;
}

/**
 * The demo run: a simulated subject whose planted voxels respond to layer 2 of the tiny language
 * model (through Lanczos resampling and a 4-TR FIR response), fitted with the same pipeline a
 * LeBel run uses: `lm` features (fullcontext, last token), Lanczos window 3, FIR delays 1–4,
 * LITcoder order, ridge with per-voxel alphas chosen by 5-fold CV, scored on the test story and
 * set against its noise ceiling (the test story is heard 4 times). With `wordRate`, word rate is
 * a second feature space: banded ridge (per voxel a weight γ per space and an alpha, by CV) and
 * the variance partitioned between the two spaces.
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
    features: options.wordRate
      ? [
          { name: 'lm', options: lm },
          // The planted signal is in the LM layer: the partition should give most of the explained variance to `lm`.
          { name: 'wordrate', options: { mode: 'huth' } },
        ]
      : [{ name: 'lm', options: lm }],
    downsampler: { ...DEFAULT_DOWNSAMPLER, options: { ...DEFAULT_DOWNSAMPLER.options } },
    delays: [1, 2, 3, 4],
    preset: 'litcoder',
    ...(options.wordRate
      ? {
          // Alphas in himalaya's convention (λ = α on the √γ-scaled spaces), 0.1 … 1e8; 10 random
          // γ candidates keep the demo well under a minute.
          model: {
            name: 'banded-ridge-cv',
            options: { nIter: 10, alphas: Array.from({ length: 10 }, (_, i) => 10 ** (i - 1)) as [number, ...number[]] },
          },
          partition: true,
        }
      : {
          // LITcoder's grid shifted down: a strong planted signal over 600 TRs wants little shrinkage.
          model: { name: 'ridge-cv', options: { alphas: Array.from({ length: 10 }, (_, i) => 10 ** (i - 3)) as [number, ...number[]] } },
        }),
  };
}
