import type { StageContext } from '@voxelwise/core';
import type { LinalgBackend } from '../linalg/backend.js';
import { checkFitInput } from './fit-input.js';
import { finishFit, fitVoxels, prepareFit } from './fit-phases.js';
import type { RidgeFitResult, RidgeInput, RidgeSettings } from './fit-types.js';

export type { RidgeFitResult, RidgeInput, RidgeSettings } from './fit-types.js';

/**
 * Fits ridge regression with the alpha of each voxel (or one for all) chosen by cross-validation
 * on the training rows, then refits on all rows (LITcoder `encoding/models/nested_cv.py`
 * `NestedCVModel.fit_predict` with a test set: `_find_best_alphas` then `ridge_torch`; Huth lab
 * deep-fMRI-dataset `ridge_utils/ridge.py` `bootstrap_ridge` with `folds: { type: 'bootstrap' }`).
 *
 * Phases, each in its own module: checking the inputs and building the folds
 * ({@link checkFitInput}); what does not depend on the responses ({@link prepareFit}: the memory
 * layout, per fold one float64 Gram factorisation `G = Q·K·Qᵀ` (K tridiagonal) and projection
 * stack); the voxel phases ({@link fitVoxels}: the alpha path, per voxel batch one product of each
 * fold's stack with its training cross-products, which yields the validation predictions of
 * every alpha at once; alpha selection; the refit) and the report ({@link finishFit}). A sharded
 * fit (`ridge-shards.ts`) runs the same phases, the voxel ones per shard. Memory follows the budget: voxels are
 * processed in batches, folds in groups, weights spilled to disk if need be; results do not
 * depend on the batch size.
 */
export async function fitRidge(
  input: RidgeInput,
  settings: RidgeSettings,
  backend: LinalgBackend,
  ctx: StageContext,
): Promise<RidgeFitResult> {
  const checked = checkFitInput(input, settings, ctx);
  const prep = await prepareFit(checked, settings, backend, ctx);
  const fit = await fitVoxels(prep, checked.reader, settings, backend, ctx);
  return finishFit(prep, fit, settings, backend, ctx);
}
