import { matrix, voxelwiseError } from '@voxelwise/core';
import type { CrossValidationFold, CrossValidationResult, FitData, StageContext } from '@voxelwise/core';
import { createFolds } from '../cv/folds.js';
import type { FoldSpec } from '../cv/folds.js';
import { fitRidge } from '../engine/ridge-fit.js';
import type { RidgeInput, RidgeSettings } from '../engine/ridge-fit.js';
import { rowsReader } from '../engine/response-reader.js';
import type { LinalgBackend } from '../linalg/backend.js';
import { gatherRows } from '../linalg/dense.js';
import type { ResolvedRidgeCVOptions } from '../options.js';
import { masked, scoreSummary } from '../stats/metrics.js';
import { benjaminiHochberg, bonferroniCombine, fisherCombine } from '../stats/p-values.js';
import { evaluationMetrics, fittedRidge } from './fitted-ridge.js';
import type { FittedRidge } from './fitted-ridge.js';
import { evaluationSettings, ridgeSettings } from './settings.js';

const STAGE = 'model/ridge-cv';

/** The outer folds: `outerFolds`, else one fold per group (up to 5) when groups are given, else contiguous 5-fold. */
export function outerFoldSpec(o: ResolvedRidgeCVOptions, groups: Int32Array | undefined): FoldSpec {
  if (o.outerFolds) return o.outerFolds;
  if (groups) return { type: 'group', n: Math.min(5, new Set(groups).size) };
  return { type: 'kfold', n: 5 };
}

/** Fits one outer fold's training rows (model selection inside) and returns the fitted model and its alphas. */
export type OuterFoldFit = (
  input: RidgeInput,
  settings: RidgeSettings,
  ctx: StageContext,
) => Promise<{ fitted: FittedRidge; alphas: Float64Array }>;

/** A context whose random streams are distinct for outer fold `k`. */
function foldContext(ctx: StageContext, k: number): StageContext {
  return { ...ctx, rng: (stream: string) => ctx.rng(`${stream}#outer-${k}`) };
}

/**
 * Full nested cross-validation (LITcoder `encoding/models/nested_cv.py`
 * `NestedCVModel.fit_predict` without a test set): for each outer fold, alpha is chosen by the inner folds on the outer
 * training rows, the model refitted there and scored on the held-out rows. Combined per voxel:
 * r = mean of fold correlations, p = combination of fold p-values (`combine`), BH-FDR on those,
 * and the majority mask (significant in ⌊k/2⌋ + 1 folds). Departures from LITcoder: fold p-values
 * are combined by Bonferroni (k·min p) unless `combine: 'fisher'`, because the folds of a voxel
 * are not independent (each fold's training rows hold the other folds' test rows) and Fisher's
 * method then rejects true nulls too often; alphas are summarised by their geometric mean (not
 * arithmetic), and the pooled correlation of all out-of-fold predictions is reported beside the
 * fold mean (`info.pooledR`).
 *
 * @param fitFold how an outer fold's training rows are fitted: `ridge-cv`'s engine by default, or
 *   another model's (`banded-ridge-cv`) with the same inner folds and settings
 * @param stage event label of the model, e.g. `model/banded-ridge-cv`
 */
export async function crossValidateRidge(
  data: FitData,
  o: ResolvedRidgeCVOptions,
  backend: LinalgBackend,
  ctx: StageContext,
  fitFold: OuterFoldFit = async (input, settings, fctx) => {
    const fit = await fitRidge(input, settings, backend, fctx);
    return { fitted: fittedRidge(fit, backend, evaluationSettings(o, fctx)), alphas: fit.alphas };
  },
  stage = STAGE,
): Promise<CrossValidationResult> {
  const { X, Y, groups } = data;
  const where = `ridge:${stage.replace(/^model\//, '')}`;
  if (X.rows !== Y.rows) {
    throw voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where,
      message: 'X and Y have different numbers of rows (samples)',
      got: Y.rows,
      expected: X.rows,
    });
  }
  const n = X.rows;
  const p = X.cols;
  const v = Y.cols;
  const spec = outerFoldSpec(o, groups);
  const outer = createFolds(n, spec, { ...(groups ? { groups } : {}), rng: ctx.rng('ridge:outer-folds'), emit: ctx.emit, where });
  const k = outer.length;
  const foldResults: CrossValidationFold[] = [];
  const rSum = new Float64Array(v);
  const logAlphaSum = new Float64Array(v);
  const sigCount = new Int32Array(v);
  const pByFold: Float64Array[] = [];
  // Pooled sums over all out-of-fold predictions (about per-voxel shifts from the first fold).
  const pooled = {
    n: 0,
    sy: new Float64Array(v),
    syy: new Float64Array(v),
    sp: new Float64Array(v),
    spp: new Float64Array(v),
    spy: new Float64Array(v),
    ky: new Float64Array(v),
    kp: new Float64Array(v),
  };
  for (let f = 0; f < k; f++) {
    const { train, test } = outer[f]!;
    const fctx = foldContext(ctx, f);
    const Xtr = matrix(train.length, p, gatherRows(X.data, p, train));
    const Xte = matrix(test.length, p, gatherRows(X.data, p, test));
    const Yte = matrix(test.length, v, gatherRows(Y.data, v, test));
    const trGroups = groups ? Int32Array.from(train, (i) => groups[i]!) : undefined;
    const settings = ridgeSettings(o, fctx, `${stage}/outer-${f}`);
    if (settings.folds.type === 'group' && trGroups) {
      // Inner group folds cannot outnumber the groups left in the outer training set.
      const available = new Set(trGroups).size;
      if (settings.folds.n > available) {
        ctx.emit({
          type: 'log',
          level: 'warn',
          stage,
          message: `outer fold ${f}: ${available} groups remain for ${settings.folds.n} inner group folds; using ${available}`,
        });
        settings.folds = { type: 'group', n: available };
      }
    }
    // The training responses are read in voxel blocks straight from Y: no copy of the fold.
    const fit = await fitFold({ X: Xtr, Y: rowsReader(Y, train), ...(trGroups ? { groups: trGroups } : {}) }, settings, fctx);
    const { fitted } = fit;
    const evaluation = await fitted.evaluate(Xte, Yte, fctx);
    const { r, p: pv, significant } = evaluation.voxels;
    for (let j = 0; j < v; j++) {
      rSum[j] = rSum[j]! + r[j]!;
      logAlphaSum[j] = logAlphaSum[j]! + Math.log(fit.alphas[j]!);
      if (significant?.[j]) sigCount[j] = sigCount[j]! + 1;
    }
    for await (const { voxelStart: v0, predictions: P } of fitted.predictBatches(Xte)) {
      const b = P.cols;
      if (f === 0) {
        for (let j = 0; j < b; j++) {
          pooled.ky[v0 + j] = Yte.data[v0 + j]!;
          pooled.kp[v0 + j] = P.data[j]!;
        }
      }
      for (let i = 0; i < test.length; i++) {
        for (let j = 0; j < b; j++) {
          const c = v0 + j;
          const y = Yte.data[i * v + c]! - pooled.ky[c]!;
          const q = P.data[i * b + j]! - pooled.kp[c]!;
          pooled.sy[c] = pooled.sy[c]! + y;
          pooled.syy[c] = pooled.syy[c]! + y * y;
          pooled.sp[c] = pooled.sp[c]! + q;
          pooled.spp[c] = pooled.spp[c]! + q * q;
          pooled.spy[c] = pooled.spy[c]! + y * q;
        }
      }
    }
    fitted.dispose();
    pooled.n += test.length;
    pByFold.push(pv!);
    foldResults.push({ fold: f, testRows: test, nTrain: train.length, evaluation, alphas: fit.alphas });
    ctx.emit({ type: 'stage:progress', stage, done: f + 1, total: k, unit: 'outer folds' });
  }
  const r = rSum.map((s) => s / k);
  // One p per voxel from its fold p-values. Fisher (scipy combine_pvalues "fisher") needs
  // independent folds; under H0 the fold correlations of a voxel are positively correlated, as
  // each fold's weights are fitted on the other folds' test rows, so Bonferroni is the default.
  const combined = new Float64Array(v);
  const scratch = new Float64Array(k);
  for (let j = 0; j < v; j++) {
    for (let f = 0; f < k; f++) scratch[f] = pByFold[f]![j]!;
    combined[j] = o.combine === 'fisher' ? fisherCombine(scratch).p : bonferroniCombine(scratch);
  }
  const { corrected, reject } = benjaminiHochberg(combined, o.fdr);
  const need = Math.floor(k / 2) + 1;
  const majority = Uint8Array.from(sigCount, (c) => (c >= need ? 1 : 0));
  const majorityScores = masked(r, majority);
  const metrics: Record<string, number | string> = {
    ...evaluationMetrics(r, reject),
    n_majority_significant: majorityScores.length,
    percent_majority_significant: v > 0 ? (100 * majorityScores.length) / v : 0,
    n_folds: k,
    alternative: o.alternative,
    fdr_alpha: o.fdr,
  };
  if (majorityScores.length > 0) Object.assign(metrics, scoreSummary(majorityScores, 'majority_significant'));
  const pooledR = new Float64Array(v);
  for (let j = 0; j < v; j++) {
    const N = pooled.n;
    const cov = pooled.spy[j]! - (pooled.sy[j]! * pooled.sp[j]!) / N;
    const vy = pooled.syy[j]! - (pooled.sy[j]! * pooled.sy[j]!) / N;
    const vp = pooled.spp[j]! - (pooled.sp[j]! * pooled.sp[j]!) / N;
    pooledR[j] = vy > 0 && vp > 0 ? cov / Math.sqrt(vy * vp) : 0;
  }
  const alphas = logAlphaSum.map((s) => Math.exp(s / k));
  return {
    folds: foldResults,
    metrics,
    voxels: { r, p: combined, pCorrected: corrected, significant: reject },
    majoritySignificant: majority,
    alphas,
    info: {
      outerFolds: { spec, count: k, sizes: outer.map((f) => ({ train: f.train.length, test: f.test.length })) },
      innerFolds: ridgeSettings(o, ctx).folds,
      alphaSummary: 'geometric mean of the fold alphas',
      pCombination: o.combine,
      alphaGrid: [...o.alphas],
      alphaConvention: 'huth',
      pooledR,
      median_pooled_score: scoreSummary(pooledR)['median_score'],
      majorityThreshold: need,
    },
  };
}
