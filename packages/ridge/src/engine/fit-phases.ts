import type { StageContext } from '@voxelwise/core';
import type { Fold } from '../cv/folds.js';
import type { LinalgBackend } from '../linalg/backend.js';
import { toFloat32, toFloat64 } from '../linalg/dense.js';
import type { Dense } from '../linalg/dense.js';
import { checkAborted } from './abort.js';
import { batchWorkspace, scoreAlphaPath } from './alpha-path.js';
import { selectAlphas } from './alpha-selection.js';
import type { AlphaSelection } from './alpha-selection.js';
import { planFitLayout } from './fit-layout.js';
import type { FitLayout } from './fit-layout.js';
import { fitInfo, gridEdgeWarning } from './fit-report.js';
import type { CheckedFitInput } from './fit-input.js';
import type { RidgeFitResult, RidgeSettings } from './fit-types.js';
import { fullGram, gramFactoriser, prepareFold } from './fold-factorisation.js';
import type { PreparedFold } from './fold-factorisation.js';
import { basisOf } from './fold-projection.js';
import type { Basis } from './fold-projection.js';
import { chosenPenalties, huthLambda } from './penalty.js';
import { refitWeights } from './refit-weights.js';
import type { ResponseReader } from './response-reader.js';
import type { SpectralFactor } from './spectral-factor.js';
import { fileWeightStore, memoryWeightStore } from './weight-store.js';
import type { WeightStore } from './weight-store.js';

/**
 * Everything of a fit that does not depend on the responses: the folds, the layout planned for
 * all `v` voxels, the full fit's factorisation and basis, and each fold's factorisation and
 * projection stack. A single-process fit computes the folds lazily, group by group; a sharded
 * fit computes them once ({@link prepareFit}) and every shard reads them back, so each voxel's
 * numbers are those of the single-process fit.
 */
export interface FitPreparation {
  readonly where: string;
  /** Samples, features, and the voxels of the whole fit (every shard's layout is planned for all of them). */
  readonly n: number;
  readonly p: number;
  readonly v: number;
  readonly folds: readonly Fold[];
  readonly layout: FitLayout;
  /** X in the element type of the products. */
  readonly Xd: Dense;
  readonly full: SpectralFactor;
  readonly fullBasis: Basis;
  /** Fold `index` ready for the voxel batches (computed on the first call, or read back). */
  fold(index: number): Promise<PreparedFold>;
  /** Summaries of the folds prepared so far, by index. */
  readonly foldPlans: Array<PreparedFold['summary']>;
}

/** X in the element type of the products. */
export function designOf(checked: Pick<CheckedFitInput, 'X'>, settings: RidgeSettings): Dense {
  return settings.precision === 'float32' ? toFloat32(checked.X.data) : toFloat64(checked.X.data);
}

/**
 * First phases of a fit: the memory layout ({@link planFitLayout}), the full Gram matrix and its
 * factorisation, and a lazy preparation of each fold ({@link prepareFold}). Emits the
 * `factorisations` progress of the full fit and of each fold as it is prepared.
 */
export async function prepareFit(
  checked: Pick<CheckedFitInput, 'where' | 'X' | 'n' | 'p' | 'v' | 'folds'>,
  settings: RidgeSettings,
  backend: LinalgBackend,
  ctx: StageContext,
): Promise<FitPreparation> {
  const { where, n, p, v, folds } = checked;
  const dt = settings.precision;
  const Xd = designOf(checked, settings);
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
  const foldPlans: Array<PreparedFold['summary']> = [];
  const fold = async (index: number): Promise<PreparedFold> => {
    const f = await prepareFold(index, layout, Xd, p, gram, factor, settings, backend, dt);
    foldPlans[index] = f.summary;
    factorised(`fold ${index + 1} of ${folds.length}`);
    checkAborted(ctx, where);
    return f;
  };
  return { where, n, p, v, folds, layout, Xd, full, fullBasis, fold, foldPlans };
}

/** What {@link fitVoxels} computes for its voxels. */
export interface VoxelsFit {
  /** Final weights, features × the reader's voxels. */
  readonly weights: WeightStore;
  /** Mean validation score over folds, nAlphas × the reader's voxels. */
  readonly cvScores: Float64Array;
  /** Per fold, the sum over the reader's voxels of each alpha's validation score. */
  readonly foldSums: Float64Array[];
  readonly selection: AlphaSelection;
}

/**
 * Validation scores with the alpha of each voxel below an inner-CV score this low do not count
 * for edge warnings: three standard errors of a null correlation over the n training rows (0 for
 * R², whose null is ≤ 0).
 */
export function predictableFloor(settings: RidgeSettings, n: number): number {
  return settings.score === 'r2' ? 0 : 3 / Math.sqrt(Math.max(1, n));
}

/**
 * The voxel phases of a fit for the voxels `reader` holds (all of them, or one shard's range):
 * the alpha path ({@link scoreAlphaPath}), alpha selection ({@link selectAlphas}) and the refit
 * ({@link refitWeights}). Each voxel's numbers depend only on its own responses and on
 * `prep`, never on which other voxels share the call (per-voxel alphas; a `single` alpha needs
 * every voxel in one call).
 */
export async function fitVoxels(
  prep: FitPreparation,
  reader: ResponseReader,
  settings: RidgeSettings,
  backend: LinalgBackend,
  ctx: StageContext,
): Promise<VoxelsFit> {
  const { where, n, p, layout, folds, full, fullBasis } = prep;
  const v = reader.cols;
  const alphas = settings.alphas;
  const dt = settings.precision;
  const batch = Math.min(layout.mem.batch, Math.max(1, v));
  const weights = layout.mem.spillWeights ? fileWeightStore(p, v, dt) : memoryWeightStore(p, v, dt);
  const maxOut = Math.max(...folds.map((f) => alphas.length * f.test.length));
  const maxTest = Math.max(...folds.map((f) => f.test.length));
  const ws = batchWorkspace(p, batch, maxOut, dt, {
    maxTest,
    nAlphas: alphas.length,
    groupSize: Math.max(...layout.mem.groups.map((g) => g.length)),
  });
  const path = await scoreAlphaPath(
    {
      reader,
      n,
      p,
      v,
      nAlphas: alphas.length,
      layout: batch === layout.mem.batch ? layout : { ...layout, mem: { ...layout.mem, batch } },
      prepare: prep.fold,
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
  const selection = selectAlphas(cvScores, alphas, v, settings.alphaMode, predictableFloor(settings, n), settings.tieBreak);
  const gridLambdas = alphas.map((a) => huthLambda(a, full.sMax2, settings.normalpha));
  await refitWeights({ weights, alphaIndex: selection.index, gridLambdas, full, fullBasis, batch, ws, backend, where }, ctx);
  checkAborted(ctx, where);
  return { weights, cvScores, foldSums: path.foldSums, selection };
}

/**
 * Last phase: the fit's result from its voxels' fit (all voxels, or the shards' parts put back
 * together): penalties, the grid-edge warning (an event) and the report.
 */
export function finishFit(
  prep: Pick<FitPreparation, 'n' | 'folds' | 'full' | 'layout' | 'foldPlans'>,
  fit: VoxelsFit,
  settings: RidgeSettings,
  backend: LinalgBackend,
  ctx: StageContext,
): RidgeFitResult {
  const { full, folds } = prep;
  const alphas = settings.alphas;
  const { selection, cvScores, weights } = fit;
  const v = weights.cols;
  const floor = predictableFloor(settings, prep.n);
  const { alphas: chosen, lambdas } = chosenPenalties(selection.index, alphas, full.sMax2, settings.normalpha);
  const gridLambdas = alphas.map((a) => huthLambda(a, full.sMax2, settings.normalpha));
  const sMax = Math.sqrt(full.sMax2);
  const warning = gridEdgeWarning(selection, chosen, settings, floor, ctx.emit);
  const info = fitInfo({
    settings,
    sMax,
    gridLambdas,
    lambdas,
    selection,
    foldSums: fit.foldSums,
    v,
    folds,
    foldPlans: prep.foldPlans,
    solver: full.kind,
    backend: backend.name,
    edgeWarnings: warning ? [warning] : [],
    mem: prep.layout.mem,
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
