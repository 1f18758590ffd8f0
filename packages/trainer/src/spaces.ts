import { median, splitCorrelation, splitR2, timed, voxelwiseError } from '@voxelwise/core';
import type { AnyStageRef, Assembly, Evaluation, FittedModel, Matrix, Model, StageContext } from '@voxelwise/core';
import { BANDED_MODELS, bandLayout, bandNames, subsetGammas, takeColumns } from './bands.js';
import type { BandLayout } from './bands.js';
import type { ResolvedConfig } from './config.js';
import { testNoiseCeiling } from './noise-ceiling-scores.js';
import { partitionFits } from './partition.js';
import type { SpacesRecord } from './run-json.js';
import { trimmingSlices } from './trimming.js';

/** What {@link spaceScores} adds to a variant: scores.arrow columns, metrics.json keys, run.json record. */
export interface SpaceScores {
  extra: Record<string, Float64Array>;
  metrics: Record<string, unknown>;
  record: SpacesRecord;
}

/** Whether the run's model regularises each feature space separately (gets {@link FitData.bands}). */
export function isBanded(config: ResolvedConfig): boolean {
  return BANDED_MODELS.includes(config.model.name);
}

/**
 * Reorders the design matrices band-major when the model is banded or the run partitions
 * variance, so each feature space's delayed columns are contiguous; otherwise leaves them as they
 * are. `columns` keeps makeDelayed's order: the weights are written back in it
 * (`unbandWeights`), so readers of weights.arrow (predict, exports) see one layout.
 */
export function bandedDesign<D extends { perExtractor: number[] }>(
  config: ResolvedConfig,
  design: D,
  matrices: (keyof D)[],
): { design: D; layout?: BandLayout } {
  if (!isBanded(config) && !config.partition) return { design };
  const layout = bandLayout(bandNames(config.features), design.perExtractor, config.delays.length);
  const out = { ...design };
  for (const key of matrices) (out as Record<keyof D, unknown>)[key] = takeColumns(design[key] as Matrix, layout.order);
  return { design: out, layout };
}

/**
 * The model of a partition's subset fit: the run's own, except that a banded model given explicit
 * band weights (`gammas`, one entry per space) gets them restricted to the subset's spaces,
 * renormalised onto the simplex and deduplicated (uniform where no row keeps any weight).
 */
function subsetModel(config: ResolvedConfig, model: Model, ctx: StageContext): (subset: readonly number[]) => Promise<Model> {
  const options = config.model.options ?? {};
  const gammas = options['gammas'];
  if (!isBanded(config) || !Array.isArray(gammas)) return async () => model;
  return async (subset) => {
    if (!ctx.stages) {
      throw voxelwiseError({
        code: 'E_INTERNAL',
        where: 'trainer:partition',
        message: 'the run context has no stage factory to create the subset models with',
      });
    }
    const ref = { name: config.model.name, options: { ...options, gammas: subsetGammas(gammas as number[][], subset) } };
    return ctx.stages.create('model', ref as AnyStageRef);
  };
}

function mean(values: Float64Array): number {
  const finite = values.filter(Number.isFinite);
  let s = 0;
  for (const x of finite) s += x;
  return finite.length ? s / finite.length : Number.NaN;
}

/** One band's column of a voxels × bands row-major array. */
function bandColumn(values: Float64Array, nBands: number, b: number): Float64Array {
  const v = values.length / nBands;
  return Float64Array.from({ length: v }, (_, j) => values[j * nBands + b]!);
}

/** Inputs of {@link spaceScores}. */
export interface SpaceScoresInput {
  config: ResolvedConfig;
  assembly: Assembly;
  model: Model;
  fitted: FittedModel;
  evaluation: Evaluation;
  layout: BandLayout | undefined;
  design: { Xtrain: Matrix; Ytrain: Matrix; Xtest: Matrix; Ytest: Matrix; groups: Int32Array; testStories: string[] };
  predictions: Matrix;
}

/**
 * The per-voxel results about several feature spaces and repeats of a test-stories fit:
 * - banded model: γ and λ per band (`gamma_<band>`, `lambda_<band>`), split correlation and split
 *   R² on the test data (`r_split_<band>`, `r2_split_<band>`, himalaya `correlation_score_split`
 *   and `r2_score_split`);
 * - `partition`: subset refits and the variance partition (see `partitionR2`);
 * - repeats of the test stories: the noise ceiling (see `testNoiseCeiling`).
 */
export async function spaceScores(input: SpaceScoresInput, ctx: StageContext): Promise<SpaceScores> {
  const { config, fitted, evaluation, layout, design } = input;
  const extra: Record<string, Float64Array> = {};
  const metrics: Record<string, unknown> = {};
  const record: SpacesRecord = {};
  const report = fitted.bands;
  if (layout && report) {
    const names = layout.bands.map((b) => b.name);
    const nb = names.length;
    const summary: Array<Record<string, unknown>> = names.map((name) => ({ name }));
    for (const [b, name] of names.entries()) {
      const gamma = bandColumn(report.gammas, nb, b);
      extra[`gamma_${name}`] = gamma;
      extra[`lambda_${name}`] = bandColumn(report.lambdas, nb, b);
      Object.assign(summary[b]!, { mean_gamma: mean(gamma), median_gamma: median(gamma.filter(Number.isFinite)) });
    }
    const columns: NonNullable<SpacesRecord['bands']>['columns'] = {
      gamma: names.map((n) => `gamma_${n}`),
      lambda: names.map((n) => `lambda_${n}`),
    };
    if (fitted.predictSplit) {
      const parts = await timed(ctx.emit, 'split-scores', () => fitted.predictSplit!(design.Xtest));
      const r = splitCorrelation(design.Ytest, parts);
      const r2 = splitR2(design.Ytest, parts);
      for (const [b, name] of names.entries()) {
        extra[`r_split_${name}`] = r[b]!;
        extra[`r2_split_${name}`] = r2[b]!;
        Object.assign(summary[b]!, {
          median_r_split: median(r[b]!.filter(Number.isFinite)),
          mean_r_split: mean(r[b]!),
          median_r2_split: median(r2[b]!.filter(Number.isFinite)),
          mean_r2_split: mean(r2[b]!),
        });
      }
      columns.rSplit = names.map((n) => `r_split_${n}`);
      columns.r2Split = names.map((n) => `r2_split_${n}`);
    }
    metrics['bands'] = summary;
    record.bands = {
      names,
      file: 'scores.arrow',
      columns,
      convention: 'λ_b = α / γ_b (himalaya solve_group_ridge_random_search); the Huth-style alpha of band b is √λ_b',
    };
  }
  if (config.partition && layout) {
    const jointR2 = evaluation.voxels.r2;
    if (!jointR2) {
      throw voxelwiseError({
        code: 'E_MODEL_UNSUPPORTED',
        where: 'trainer:partition',
        message: `model "${config.model.name}" reports no test R² (Evaluation.voxels.r2), which variance partitioning splits`,
        hint: 'Use a model that scores R² (ridge-cv, banded-ridge-cv), or remove "partition" from the config.',
      });
    }
    const part = await timed(ctx.emit, 'partition', () =>
      partitionFits(
        {
          modelFor: subsetModel(config, input.model, ctx),
          modelName: config.model.name,
          bands: layout.bands,
          banded: isBanded(config),
          Xtrain: design.Xtrain,
          Ytrain: design.Ytrain,
          Xtest: design.Xtest,
          Ytest: design.Ytest,
          groups: design.groups,
          jointR2,
        },
        ctx,
      ),
    );
    Object.assign(extra, part.columns);
    metrics['partition'] = { spaces: part.spaces, ...part.summary };
    record.partition = { spaces: part.spaces, file: 'scores.arrow', columns: Object.keys(part.columns) };
  }
  const ceiling = await timed(ctx.emit, 'noise-ceiling', () =>
    testNoiseCeiling(input.assembly, design.testStories, trimmingSlices(config.trimming), evaluation.voxels.r, input.predictions, ctx),
  );
  if (ceiling) {
    Object.assign(extra, ceiling.columns);
    metrics['noise_ceiling'] = ceiling.summary;
    record.noiseCeiling = {
      stories: design.testStories,
      nRepeats: ceiling.summary['n_repeats'] as number,
      file: 'scores.arrow',
      columns: Object.keys(ceiling.columns),
    };
  }
  return { extra, metrics, record };
}
