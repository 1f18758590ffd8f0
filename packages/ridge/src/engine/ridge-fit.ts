import type { StageContext } from '@voxelwise/core';
import type { LinalgBackend } from '../linalg/backend.js';
import { toFloat32, toFloat64 } from '../linalg/dense.js';
import type { Dense } from '../linalg/dense.js';
import { checkAborted } from './abort.js';
import { batchWorkspace, scoreAlphaPath } from './alpha-path.js';
import { selectAlphas } from './alpha-selection.js';
import { checkFitInput } from './fit-input.js';
import { planFitLayout } from './fit-layout.js';
import { fitInfo, gridEdgeWarning } from './fit-report.js';
import type { RidgeFitResult, RidgeInput, RidgeSettings } from './fit-types.js';
import { fullGram, gramFactoriser, prepareFold } from './fold-factorisation.js';
import type { PreparedFold } from './fold-factorisation.js';
import { basisOf } from './fold-projection.js';
import { chosenPenalties, huthLambda } from './penalty.js';
import { refitWeights } from './refit-weights.js';
import { fileWeightStore, memoryWeightStore } from './weight-store.js';

export type { RidgeFitResult, RidgeInput, RidgeSettings } from './fit-types.js';

/**
 * Fits ridge regression with the alpha of each voxel (or one for all) chosen by cross-validation
 * on the training rows, then refits on all rows (LITcoder `encoding/models/nested_cv.py`
 * `NestedCVModel.fit_predict` with a test set: `_find_best_alphas` then `ridge_torch`; Huth lab
 * deep-fMRI-dataset `ridge_utils/ridge.py` `bootstrap_ridge` with `folds: { type: 'bootstrap' }`).
 *
 * Phases, each in its own module: checking the inputs and building the folds
 * ({@link checkFitInput}), the memory layout ({@link planFitLayout}), per fold one float64 Gram
 * factorisation `G = Q·K·Qᵀ` (K tridiagonal) and projection stack ({@link prepareFold}), the
 * alpha path: per voxel batch one product of each fold's stack with its training
 * cross-products, which yields the validation predictions of every alpha at once
 * ({@link scoreAlphaPath}), alpha selection ({@link selectAlphas}), the refit
 * ({@link refitWeights}) and the report ({@link fitInfo}). Memory follows the budget: voxels are
 * processed in batches, folds in groups, weights spilled to disk if need be; results do not
 * depend on the batch size.
 */
export async function fitRidge(
  input: RidgeInput,
  settings: RidgeSettings,
  backend: LinalgBackend,
  ctx: StageContext,
): Promise<RidgeFitResult> {
  const { where, X, reader, n, p, v, folds } = checkFitInput(input, settings, ctx);
  const alphas = settings.alphas;
  const dt = settings.precision;
  const Xd: Dense = dt === 'float32' ? toFloat32(X.data) : toFloat64(X.data);
  const layout = planFitLayout(Xd, { n, p, v }, folds, settings, ctx.emit);

  const totalSteps = folds.length + 1;
  let steps = 0;
  const factorised = (message?: string) =>
    ctx.emit({
      type: 'stage:progress',
      stage: settings.stage,
      done: ++steps,
      total: totalSteps,
      unit: 'factorisations',
      ...(message ? { message } : {}),
    });

  const factor = gramFactoriser(backend, settings, ctx.emit);
  const gram = await fullGram(Xd, n, p, layout, backend);
  const full = await factor(gram.G, 'full fit');
  const fullBasis = basisOf(full, dt);
  factorised();
  checkAborted(ctx, where);

  const weights = layout.mem.spillWeights ? fileWeightStore(p, v, dt) : memoryWeightStore(p, v, dt);
  const foldPlans: Array<PreparedFold['summary']> = [];
  const prepare = async (index: number): Promise<PreparedFold> => {
    const f = await prepareFold(index, layout, Xd, p, gram, factor, settings, backend, dt);
    foldPlans[index] = f.summary;
    factorised(`fold ${index + 1} of ${folds.length}`);
    checkAborted(ctx, where);
    return f;
  };
  const maxOut = Math.max(...folds.map((f) => alphas.length * f.test.length));
  const ws = batchWorkspace(p, layout.mem.batch, maxOut, dt);
  const path = await scoreAlphaPath(
    {
      reader,
      n,
      p,
      v,
      nAlphas: alphas.length,
      layout,
      prepare,
      fullBasis,
      weights,
      ws,
      score: settings.score,
      backend,
      stage: settings.stage,
      where,
    },
    ctx,
  );

  const F = folds.length;
  const cvScores = path.scoreSum.map((s) => s / F);
  // Edge warnings concern voxels inner CV can predict: best mean CV score above 3/√n, three
  // standard errors of a null correlation over the n training rows (0 for R², whose null is ≤ 0).
  const predictableFloor = settings.score === 'r2' ? 0 : 3 / Math.sqrt(Math.max(1, n));
  const selection = selectAlphas(cvScores, alphas, v, settings.alphaMode, predictableFloor, settings.tieBreak);
  const { alphas: chosen, lambdas } = chosenPenalties(selection.index, alphas, full.sMax2, settings.normalpha);
  const gridLambdas = alphas.map((a) => huthLambda(a, full.sMax2, settings.normalpha));
  await refitWeights(
    { weights, alphaIndex: selection.index, gridLambdas, full, fullBasis, batch: layout.mem.batch, ws, backend, where },
    ctx,
  );

  const sMax = Math.sqrt(full.sMax2);
  const warning = gridEdgeWarning(selection, chosen, settings, predictableFloor, ctx.emit);
  const info = fitInfo({
    settings,
    sMax,
    gridLambdas,
    lambdas,
    selection,
    foldSums: path.foldSums,
    v,
    folds,
    foldPlans,
    solver: full.kind,
    backend: backend.name,
    edgeWarnings: warning ? [warning] : [],
    mem: layout.mem,
  });
  return {
    weights,
    alphas: chosen,
    alphaIndex: selection.index,
    alphaGrid: Float64Array.from(alphas),
    normalpha: settings.normalpha,
    lambdas,
    cvScores,
    meanByAlpha: selection.meanOverVoxels,
    sMax,
    folds,
    info,
  };
}
