import type { VoxelwiseConfig } from './config.js';

/** Options of {@link demoConfig}. */
export interface DemoOptions {
  seed?: number;
  outDir?: string;
}

/** The embedded default run: a simulated subject, word rate, ridge with CV. */
export function demoConfig(options: DemoOptions = {}): VoxelwiseConfig {
  const seed = options.seed ?? 0;
  return {
    name: 'demo',
    seed,
    outDir: options.outDir ?? 'results',
    assembly: { name: 'simulated', options: { seed, stories: 5, duration: 400, voxels: 60, plantedFraction: 0.5 } },
    features: [{ name: 'wordrate' }],
    downsampler: { name: 'rect' },
    delays: [1, 2, 3, 4],
    model: { name: 'ridge-cv', options: { alphaMode: 'single', nFolds: 5 } },
  };
}

/** Median of an array (NaN when empty). */
function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Test r of planted and noise voxels, when the assembly records a ground truth. */
export function plantedSummary(r: Float64Array, metadata: Record<string, unknown>): { planted: number[]; noise: number[]; medianPlanted: number; medianNoise: number } | null {
  const truth = metadata['groundTruth'] as { planted?: ArrayLike<number> } | undefined;
  if (!truth?.planted || truth.planted.length !== r.length) return null;
  const planted: number[] = [];
  const noise: number[] = [];
  for (let v = 0; v < r.length; v++) (truth.planted[v] ? planted : noise).push(r[v]!);
  return { planted, noise, medianPlanted: median(planted), medianNoise: median(noise) };
}
