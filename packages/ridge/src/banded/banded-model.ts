import { matrix, voxelwiseError } from '@voxelwise/core';
import type { BandReport, CrossValidationResult, FitData, Matrix, Model, PenaltyReport, StageContext } from '@voxelwise/core';
import { backendChooser, fitWork } from '../model/backend-choice.js';
import { fittedRidge } from '../model/fitted-ridge.js';
import type { FittedRidge } from '../model/fitted-ridge.js';
import { crossValidateRidge } from '../model/nested-cv.js';
import type { RidgeModelHooks } from '../model/ridge-model.js';
import { evaluationSettings, ridgeSettings } from '../model/settings.js';
import { checkBands } from './band-layout.js';
import { fitBandedRidge } from './banded-fit.js';
import type { BandedFitResult } from './banded-fit.js';
import { bandedRidgeCVOptionsSchema } from './banded-options.js';
import type { BandedRidgeCVOptions, ResolvedBandedRidgeCVOptions } from './banded-options.js';
import { dirichletCandidates, explicitCandidates } from './gamma-candidates.js';

const STAGE = 'model/banded-ridge-cv';
const WHERE = 'ridge:banded-ridge-cv';

/** A fitted banded ridge model: a {@link FittedRidge} on the unscaled columns plus the band choice. */
export interface FittedBandedRidge extends FittedRidge {
  /** himalaya's convention: λ = α on the √γ-scaled bands (per band λ_b = α / γ_b, see `bands`). */
  readonly penalty: PenaltyReport;
  readonly bands: BandReport;
  predictSplit(X: Matrix): Promise<Matrix[]>;
  /** The band-weight candidates searched, candidates × bands, row-major. */
  readonly candidates: Float64Array;
  /** Index of each voxel's chosen candidate. */
  readonly candidateIndex: Int32Array;
  /** Per candidate and voxel, the mean CV score at the candidate's best alpha (candidates × voxels). */
  readonly candidateScores: Float64Array;
}

/** A `banded-ridge-cv` model. */
export interface BandedRidgeModel extends Model {
  fit(data: FitData, ctx: StageContext): Promise<FittedBandedRidge>;
  /** Nested cross-validation as `ridge-cv`'s (outer folds by group, Fisher-combined p), each outer fold fitted banded. */
  crossValidate(data: FitData, ctx: StageContext): Promise<CrossValidationResult>;
  /** The resolved options. */
  readonly options: ResolvedBandedRidgeCVOptions;
}

/** Per-voxel γ, λ_b = α/γ_b and √λ_b from the chosen candidates and alphas. */
function bandReport(fit: BandedFitResult): BandReport {
  const k = fit.bands.length;
  const v = fit.candidateIndex.length;
  const gammas = new Float64Array(v * k);
  const lambdas = new Float64Array(v * k);
  const huthAlphas = new Float64Array(v * k);
  for (let j = 0; j < v; j++) {
    const c = fit.candidateIndex[j]!;
    const alpha = fit.ridge.alphas[j]!;
    for (let b = 0; b < k; b++) {
      const g = fit.candidates[c * k + b]!;
      gammas[j * k + b] = g;
      // A band with γ_b = 0 is switched off: infinite penalty, zero weights.
      lambdas[j * k + b] = g > 0 ? alpha / g : Infinity;
      huthAlphas[j * k + b] = Math.sqrt(lambdas[j * k + b]!);
    }
  }
  return { names: fit.bands.map((b) => b.name), gammas, lambdas, huthAlphas };
}

/**
 * Creates a `banded-ridge-cv` model: ridge regression with one regularisation per feature space
 * (band), band weights γ and alpha chosen per voxel by cross-validation over random (or given)
 * candidates, as himalaya's `BandedRidgeCV` (see {@link fitBandedRidge}). Bands come from
 * `FitData.bands`; without them all columns are one band (plain ridge in himalaya's convention).
 *
 * @example
 * const model = createBandedRidgeModel({ nIter: 20, alphas: [1, 10, 100, 1000] });
 * const bands = [{ name: 'lm', start: 0, end: 3072 }, { name: 'wordrate', start: 3072, end: 3076 }];
 * const fitted = await model.fit({ X, Y, bands }, createContext({ seed: 1 }));
 * const [lm, wordrate] = await fitted.predictSplit(Xtest);
 */
export function createBandedRidgeModel(options: BandedRidgeCVOptions = {}, hooks: RidgeModelHooks = {}): BandedRidgeModel {
  const parsed = bandedRidgeCVOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where: WHERE,
      message: `invalid options for model "banded-ridge-cv": ${parsed.error.issues.map((i) => `option "${i.path.join('.')}": ${i.message}`).join('; ')}`,
      details: { issues: parsed.error.issues },
      hint: 'Run "voxelwise list model" to see the options of banded-ridge-cv.',
    });
  }
  const o = parsed.data;
  const choose = backendChooser({
    choice: o.backend,
    stage: STAGE,
    ...(o.threads !== undefined ? { threads: o.threads } : {}),
    ...(o.spin !== undefined ? { spin: o.spin } : {}),
    ...(hooks.importOnnxRuntime ? { importRuntime: hooks.importOnnxRuntime } : {}),
  });
  // ridge-cv's settings helpers, with himalaya's convention (no normalpha).
  const shared = { ...o, normalpha: false };

  const candidatesFor = (k: number, ctx: StageContext): Float64Array =>
    o.gammas
      ? explicitCandidates(o.gammas, k, WHERE)
      : k === 1
        ? Float64Array.of(1) // every draw on a one-band simplex is γ = 1
        : dirichletCandidates(o.nIter, k, o.concentration, ctx.rng('ridge:banded-gammas'));

  const fit = async (data: FitData, ctx: StageContext): Promise<FittedBandedRidge> => {
    const bands = checkBands(data.bands, data.X.cols, WHERE);
    const k = bands.length;
    const gammas = candidatesFor(k, ctx);
    const C = gammas.length / k;
    const backend = await choose(fitWork(data.X.rows, data.X.cols, data.Y.cols, o.alphas.length * C), ctx.emit);
    const result = await fitBandedRidge(
      { X: data.X, Y: data.Y, bands, ...(data.groups ? { groups: data.groups } : {}) },
      { ...ridgeSettings(shared, ctx, STAGE), gammas },
      backend,
      ctx,
    );
    const base = fittedRidge(result.ridge, backend, evaluationSettings(shared, ctx, STAGE));
    const p = data.X.cols;
    const penalty: PenaltyReport = {
      convention: 'sklearn',
      description: 'sklearn/himalaya: lambda = alpha on the features of band b scaled by sqrt(gamma_b), i.e. lambda_b = alpha / gamma_b',
      lambdas: result.ridge.alphas,
    };
    const predictSplit = async (X: Matrix): Promise<Matrix[]> => {
      const parts: Matrix[] = [];
      for (const b of bands) {
        // Band b's prediction is X with every other band's columns zeroed, times the weights.
        const Xb = X.data instanceof Float64Array ? new Float64Array(X.data.length) : new Float32Array(X.data.length);
        if (X.cols === p) for (let i = 0; i < X.rows; i++) Xb.set(X.data.subarray(i * p + b.start, i * p + b.end), i * p + b.start);
        parts.push(await base.predict(X.cols === p ? matrix(X.rows, p, Xb) : X));
      }
      return parts;
    };
    return Object.assign(base, {
      penalty,
      bands: bandReport(result),
      predictSplit,
      candidates: result.candidates,
      candidateIndex: result.candidateIndex,
      candidateScores: result.candidateScores,
    });
  };
  const crossValidate = async (data: FitData, ctx: StageContext): Promise<CrossValidationResult> => {
    const bands = checkBands(data.bands, data.X.cols, WHERE);
    const k = bands.length;
    const gammas = candidatesFor(k, ctx);
    const C = gammas.length / k;
    const backend = await choose(fitWork(data.X.rows, data.X.cols, data.Y.cols, o.alphas.length * C), ctx.emit);
    // ridge-cv's nested CV (outer folds, Fisher combination, majority mask), each outer fold fitted banded.
    const cv = await crossValidateRidge(
      data,
      shared,
      backend,
      ctx,
      async (input, settings, fctx) => {
        const result = await fitBandedRidge({ ...input, bands }, { ...settings, gammas }, backend, fctx);
        return { fitted: fittedRidge(result.ridge, backend, evaluationSettings(shared, fctx, STAGE)), alphas: result.ridge.alphas };
      },
      STAGE,
    );
    return { ...cv, info: { ...cv.info, alphaConvention: 'sklearn', bands: bands.map((b) => ({ ...b })) } };
  };
  return { id: 'banded-ridge-cv', options: o, fit, crossValidate };
}
