import { median } from '@voxelwise/core';

/** Test r of the planted and the noise voxels of a simulated subject, and their medians. */
export interface PlantedSummary {
  planted: number[];
  noise: number[];
  medianPlanted: number;
  medianNoise: number;
  /** The simulator's best achievable test r per voxel (noiseless signal vs the stored response). */
  bestR?: number[];
}

/** Test r of planted and noise voxels, when the assembly records a simulator's ground truth. */
export function plantedSummary(r: Float64Array, metadata: Record<string, unknown>): PlantedSummary | null {
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
