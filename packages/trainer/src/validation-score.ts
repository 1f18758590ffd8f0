import type { FittedModel } from '@voxelwise/core';

/**
 * Mean over voxels of the inner cross-validation score at each voxel's chosen alpha: a
 * validation score that never looks at the test data, for choosing among layers. Read from
 * the model when it exposes its CV scores (`cvScores`, alphas × voxels, with `info.alphaGrid`),
 * else from `info.meanCvScoreByAlpha` (its best value); undefined when the model reports neither.
 */
export function validationScore(fitted: FittedModel | undefined): number | undefined {
  if (!fitted) return undefined;
  const cv = (fitted as { cvScores?: unknown }).cvScores;
  const grid = fitted.info['alphaGrid'];
  const chosen = fitted.alphas;
  if (cv instanceof Float64Array && Array.isArray(grid) && chosen && cv.length === grid.length * chosen.length && chosen.length > 0) {
    const v = chosen.length;
    let sum = 0;
    for (let j = 0; j < v; j++) {
      const a = grid.indexOf(chosen[j]);
      if (a < 0) return undefined;
      sum += cv[a * v + j]!;
    }
    return sum / v;
  }
  const byAlpha = fitted.info['meanCvScoreByAlpha'];
  if (Array.isArray(byAlpha) && byAlpha.length > 0 && byAlpha.every((x) => typeof x === 'number'))
    return Math.max(...(byAlpha as number[]));
  return undefined;
}
