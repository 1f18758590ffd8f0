import { assertFinite, matrix, voxelwiseError } from '@voxelwise/core';
import type { Evaluation, FittedModel, Matrix, PenaltyReport, StageContext, ValidationReport, WeightBatch } from '@voxelwise/core';
import type { RidgeFitResult } from '../engine/ridge-fit.js';
import { columnBlock } from '../engine/response-reader.js';
import type { LinalgBackend } from '../linalg/backend.js';
import { toFloat32, toFloat64 } from '../linalg/dense.js';
import type { Dense } from '../linalg/dense.js';
import { masked, scoreSummary } from '../stats/metrics.js';
import { benjaminiHochberg } from '../stats/p-values.js';
import { significance } from '../stats/significance.js';
import type { SignificanceOptions } from '../stats/significance.js';

/** How a fitted ridge model scores held-out data. */
export interface EvaluationSettings extends SignificanceOptions {
  /** Return the predictions in the evaluation. */
  keepPredictions: boolean;
  /** Bytes the evaluation may use for its batches. */
  memoryBudget: number;
  /** Event label, e.g. `model/ridge-cv`. */
  stage: string;
}

/** Exact per-voxel Pearson r and R² of predictions P against Y (n × b), two-pass, in float64. */
export function correlationAndR2(Y: Dense, P: Dense, n: number, b: number): { r: Float64Array; r2: Float64Array } {
  const my = new Float64Array(b);
  const mp = new Float64Array(b);
  for (let i = 0; i < n; i++) {
    const o = i * b;
    for (let j = 0; j < b; j++) {
      my[j] = my[j]! + Y[o + j]!;
      mp[j] = mp[j]! + P[o + j]!;
    }
  }
  for (let j = 0; j < b; j++) {
    my[j] = my[j]! / n;
    mp[j] = mp[j]! / n;
  }
  const syy = new Float64Array(b);
  const spp = new Float64Array(b);
  const syp = new Float64Array(b);
  const sres = new Float64Array(b);
  for (let i = 0; i < n; i++) {
    const o = i * b;
    for (let j = 0; j < b; j++) {
      const y = Y[o + j]!;
      const p = P[o + j]!;
      const dy = y - my[j]!;
      const dp = p - mp[j]!;
      syy[j] = syy[j]! + dy * dy;
      spp[j] = spp[j]! + dp * dp;
      syp[j] = syp[j]! + dy * dp;
      sres[j] = sres[j]! + (y - p) * (y - p);
    }
  }
  const r = new Float64Array(b);
  const r2 = new Float64Array(b);
  for (let j = 0; j < b; j++) {
    // Pearson r (scipy.stats.pearsonr); constant series score 0 (LITcoder: nan → 0).
    r[j] = syy[j]! > 0 && spp[j]! > 0 ? Math.max(-1, Math.min(1, syp[j]! / Math.sqrt(syy[j]! * spp[j]!))) : 0;
    // R² = 1 − Σ(y−ŷ)²/Σ(y−ȳ)² (himalaya r2_score); 0 for a constant response.
    r2[j] = syy[j]! > 0 ? 1 - sres[j]! / syy[j]! : 0;
  }
  return { r, r2 };
}

/** Headline metrics of a held-out evaluation with LITcoder's key names. */
export function evaluationMetrics(r: Float64Array, significant: Uint8Array): Record<string, number> {
  const sig = masked(r, significant);
  const metrics: Record<string, number> = {
    ...scoreSummary(r),
    n_significant: sig.length,
    percent_significant: r.length > 0 ? (100 * sig.length) / r.length : 0,
  };
  if (sig.length > 0) Object.assign(metrics, scoreSummary(sig, 'significant'));
  return metrics;
}

/** A fitted ridge model plus what cross-validation learned. */
export interface FittedRidge extends FittedModel {
  /** Mean validation score per alpha and voxel (alphas × voxels, row-major); the same array as `validation.scores`. */
  readonly cvScores: Float64Array;
  /** Huth's convention: λ = a² per voxel, a = alpha (× s_max under `normalpha`). */
  readonly penalty: PenaltyReport;
  /** The inner cross-validation that chose the alphas. */
  readonly validation: ValidationReport & {
    readonly scores: Float64Array;
    readonly meanByAlpha: Float64Array;
    readonly best: Float64Array;
  };
  /** Predictions in blocks of voxel columns (samples × block), for bounded memory. */
  predictBatches(X: Matrix, maxVoxels?: number): AsyncIterable<{ voxelStart: number; predictions: Matrix }>;
  /** Releases the scratch file of spilled weights, if any; calling it again does nothing. */
  dispose(): void;
}

/** Keys of a fit's info that the typed {@link FittedRidge.penalty} and {@link FittedRidge.validation} carry instead. */
const TYPED_INFO_KEYS = new Set(['alphaGrid', 'convention', 'lambdas', 'meanCvScoreByAlpha']);

/**
 * The penalty report of a fit: λ = a² with a = alpha, or alpha·s_max under `normalpha` (Huth lab
 * deep-fMRI-dataset `ridge_utils/ridge.py` `ridge`; LITcoder `ridge_torch`).
 */
function penaltyReport(fit: Pick<RidgeFitResult, 'lambdas' | 'normalpha' | 'sMax'>): PenaltyReport {
  return {
    convention: 'huth',
    description: fit.normalpha
      ? `huth: lambda = (alpha * s_max)^2 with normalpha, s_max = ${fit.sMax} (largest singular value of the training features)`
      : 'huth: lambda = alpha^2',
    lambdas: fit.lambdas,
  };
}

/** The validation report of a fit: the grid, its alphas × voxels mean CV scores, their voxel means, each voxel's best. */
function validationReport(fit: Pick<RidgeFitResult, 'alphaGrid' | 'cvScores' | 'meanByAlpha' | 'alphaIndex'>): FittedRidge['validation'] {
  const v = fit.alphaIndex.length;
  const best = new Float64Array(v);
  for (let j = 0; j < v; j++) best[j] = fit.cvScores[fit.alphaIndex[j]! * v + j]!;
  return { alphaGrid: fit.alphaGrid, scores: fit.cvScores, meanByAlpha: fit.meanByAlpha, best };
}

/** Wraps a {@link RidgeFitResult} as a {@link FittedModel}. */
export function fittedRidge(fit: RidgeFitResult, backend: LinalgBackend, settings: EvaluationSettings): FittedRidge {
  const { weights } = fit;
  const p = weights.rows;
  const v = weights.cols;
  const where = `ridge:${settings.stage.replace(/^model\//, '')}`;
  const dtype = weights.dtype;
  const asDtype = (m: Matrix): Dense => (dtype === 'float32' ? toFloat32(m.data) : toFloat64(m.data));

  const checkX = (X: Matrix, what: string): void => {
    if (X.cols !== p) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where,
        message: `${what} has ${X.cols} feature columns but the model was fitted on ${p}`,
        got: X.cols,
        expected: p,
        hint: 'Build test features with the same extractors and delays as the training features.',
      });
    }
    assertFinite(X, what, where);
  };
  const predictBlock = async (Xd: Dense, m: number, v0: number, v1: number): Promise<Dense> => {
    const W = weights.spilled || v1 - v0 !== v ? weights.read(v0, v1) : weights.all();
    return (await backend.matmul(matrix(m, p, Xd), matrix(p, v1 - v0, W), { dtype })).data;
  };
  const blockFor = (rows: number, extraPerVoxel: number): number => {
    const perVoxel = 8 * (3 * rows + p) + extraPerVoxel;
    return Math.max(1, Math.min(v, Math.floor(Math.min(settings.memoryBudget / 8, 512 * 1024 ** 2) / perVoxel)));
  };

  const predict = async (X: Matrix): Promise<Matrix> => {
    checkX(X, 'X (features to predict from)');
    const Xd = asDtype(X);
    if (!weights.spilled) return matrix(X.rows, v, await predictBlock(Xd, X.rows, 0, v));
    const out = dtype === 'float32' ? new Float32Array(X.rows * v) : new Float64Array(X.rows * v);
    const step = blockFor(X.rows, 0);
    for (let v0 = 0; v0 < v; v0 += step) {
      const v1 = Math.min(v, v0 + step);
      const P = await predictBlock(Xd, X.rows, v0, v1);
      const b = v1 - v0;
      for (let i = 0; i < X.rows; i++) out.set(P.subarray(i * b, (i + 1) * b), i * v + v0);
    }
    return matrix(X.rows, v, out);
  };

  const evaluate = async (X: Matrix, Y: Matrix, ctx: StageContext): Promise<Evaluation> => {
    checkX(X, 'X (test features)');
    if (Y.cols !== v) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where,
        message: `Y (test responses) has ${Y.cols} voxels but the model was fitted on ${v}`,
        got: Y.cols,
        expected: v,
      });
    }
    if (Y.rows !== X.rows) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where,
        message: 'test features and responses have different numbers of rows',
        got: Y.rows,
        expected: X.rows,
      });
    }
    if (X.rows < 3) {
      throw voxelwiseError({
        code: 'E_DATA_INVALID',
        where,
        message: `cannot score ${X.rows} test samples`,
        hint: 'Hold out at least 3 samples.',
      });
    }
    assertFinite(Y, 'Y (test responses)', where);
    const n = X.rows;
    const Xd = asDtype(X);
    const nb = Math.floor(n / settings.blockLength);
    const sig = significance(settings, n, v, { permutation: ctx.rng('ridge:permutation'), bootstrap: ctx.rng('ridge:bootstrap-ci') });
    const r = new Float64Array(v);
    const r2 = new Float64Array(v);
    const predictions = settings.keepPredictions ? (dtype === 'float32' ? new Float32Array(n * v) : new Float64Array(n * v)) : null;
    const step = blockFor(
      n,
      8 * (settings.permutations > 0 ? nb * nb : 0) + 8 * (settings.ciResamples > 0 ? nb : 0) + 4 * settings.ciResamples,
    );
    for (let v0 = 0; v0 < v; v0 += step) {
      const v1 = Math.min(v, v0 + step);
      const b = v1 - v0;
      const P = await predictBlock(Xd, n, v0, v1);
      const Yb = columnBlock(Y, v0, v1).data;
      const s = correlationAndR2(Yb, P, n, b);
      r.set(s.r, v0);
      r2.set(s.r2, v0);
      sig.add(v0, Yb, P, n, b, s.r);
      if (predictions) for (let i = 0; i < n; i++) predictions.set(P.subarray(i * b, (i + 1) * b), i * v + v0);
      if (v1 < v) ctx.emit({ type: 'stage:progress', stage: settings.stage, done: v1, total: v, unit: 'voxels', message: 'evaluating' });
    }
    const { corrected, reject } = benjaminiHochberg(sig.p, settings.fdr);
    const metrics: Record<string, number | string> = {
      ...evaluationMetrics(r, reject),
      p_value_method: sig.method,
      alternative: settings.alternative,
      fdr_alpha: settings.fdr,
    };
    const ci = sig.medianInterval();
    if (ci) {
      metrics['median_score_ci_low'] = ci.low;
      metrics['median_score_ci_high'] = ci.high;
    }
    return {
      metrics,
      voxels: { r, p: sig.p, pCorrected: corrected, significant: reject, r2 },
      ...(predictions ? { predictions: matrix(n, v, predictions) } : {}),
    };
  };

  const model: FittedRidge = {
    get weights(): Matrix {
      return matrix(p, v, weights.all());
    },
    alphas: fit.alphas,
    cvScores: fit.cvScores,
    penalty: penaltyReport(fit),
    validation: validationReport(fit),
    info: Object.fromEntries(Object.entries(fit.info).filter(([k]) => !TYPED_INFO_KEYS.has(k))),
    predict,
    async score(X, Y) {
      checkX(X, 'X (features to score)');
      if (Y.cols !== v || Y.rows !== X.rows) {
        throw voxelwiseError({
          code: 'E_SHAPE_MISMATCH',
          where,
          message: 'Y does not match the predictions',
          got: [Y.rows, Y.cols],
          expected: [X.rows, v],
        });
      }
      const Xd = asDtype(X);
      const r = new Float64Array(v);
      const step = blockFor(X.rows, 0);
      for (let v0 = 0; v0 < v; v0 += step) {
        const v1 = Math.min(v, v0 + step);
        const P = await predictBlock(Xd, X.rows, v0, v1);
        r.set(correlationAndR2(columnBlock(Y, v0, v1).data, P, X.rows, v1 - v0).r, v0);
      }
      return r;
    },
    evaluate,
    async *predictBatches(X: Matrix, maxVoxels?: number) {
      checkX(X, 'X (features to predict from)');
      const Xd = asDtype(X);
      const step = Math.max(1, Math.floor(maxVoxels ?? blockFor(X.rows, 0)));
      for (let v0 = 0; v0 < v; v0 += step) {
        const v1 = Math.min(v, v0 + step);
        yield { voxelStart: v0, predictions: matrix(X.rows, v1 - v0, await predictBlock(Xd, X.rows, v0, v1)) };
      }
    },
    async *weightBatches(maxVoxels?: number): AsyncIterable<WeightBatch> {
      const step = Math.max(1, Math.floor(maxVoxels ?? Math.max(1, Math.floor((64 * 1024 ** 2) / (4 * p)))));
      for (let v0 = 0; v0 < v; v0 += step) {
        const v1 = Math.min(v, v0 + step);
        yield { voxelStart: v0, weights: matrix(p, v1 - v0, weights.read(v0, v1)) };
      }
    },
    dispose: () => weights.dispose(),
  };
  return model;
}
