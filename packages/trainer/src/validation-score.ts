import type { FittedModel } from '@voxelwise/core';

/**
 * Mean over voxels of the inner cross-validation score at each voxel's chosen alpha: a
 * validation score that never looks at the test data, for choosing among layers. Read from the
 * model's {@link FittedModel.validation} report: its per-voxel `best` scores, else its
 * alphas × voxels `scores` at the chosen alphas, else the best of `meanByAlpha`; undefined when
 * the model reports none.
 */
export function validationScore(fitted: FittedModel | undefined): number | undefined {
  const validation = fitted?.validation;
  if (!validation) return undefined;
  if (validation.best && validation.best.length > 0) return mean(validation.best);
  const { scores, alphaGrid } = validation;
  const chosen = fitted.alphas;
  if (scores && chosen && chosen.length > 0 && scores.length === alphaGrid.length * chosen.length) {
    const v = chosen.length;
    let sum = 0;
    for (let j = 0; j < v; j++) {
      const a = alphaGrid.indexOf(chosen[j]!);
      if (a < 0) return undefined;
      sum += scores[a * v + j]!;
    }
    return sum / v;
  }
  const byAlpha = validation.meanByAlpha;
  if (byAlpha && byAlpha.length > 0) return Math.max(...byAlpha);
  return undefined;
}

function mean(values: Float64Array): number {
  let sum = 0;
  for (const x of values) sum += x;
  return sum / values.length;
}
