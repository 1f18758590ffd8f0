import type { StageContext } from '@voxelwise/core';
import type { FoldSpec } from '../cv/folds.js';
import type { RidgeSettings } from '../engine/ridge-fit.js';
import type { ResolvedRidgeCVOptions } from '../options.js';
import type { EvaluationSettings } from './fitted-ridge.js';

const STAGE = 'model/ridge-cv';

/** The inner fold spec: `folds`, or k-fold with `nFolds`, or 5-fold. */
function innerFolds(o: ResolvedRidgeCVOptions): FoldSpec {
  return o.folds ?? { type: 'kfold', n: o.nFolds ?? 5 };
}

/** Engine settings from resolved options. */
export function ridgeSettings(o: ResolvedRidgeCVOptions, ctx: StageContext, stage = STAGE): RidgeSettings {
  return {
    alphas: o.alphas,
    normalpha: o.normalpha,
    singcutoff: o.singcutoff,
    alphaMode: o.alphaMode,
    tieBreak: o.tieBreak,
    folds: innerFolds(o),
    score: o.score,
    solver: o.solver,
    // Far below the rounding of the products themselves: ~1e-6 relative in float32, ~1e-15 in float64.
    seriesTolerance: o.seriesTolerance ?? (o.precision === 'float32' ? 2e-8 : 1e-13),
    memoryBudget: o.memoryBudget ?? ctx.memoryBudget,
    precision: o.precision,
    stage,
    ...(o.voxelBatch !== undefined ? { voxelBatch: o.voxelBatch } : {}),
  };
}

/** Evaluation settings from resolved options. */
export function evaluationSettings(o: ResolvedRidgeCVOptions, ctx: StageContext, stage = STAGE): EvaluationSettings {
  return {
    alternative: o.alternative,
    fdr: o.fdr,
    permutations: o.permutations,
    blockLength: o.blockLength,
    ciResamples: o.ciResamples,
    ciLevel: o.ciLevel,
    keepPredictions: o.keepPredictions,
    memoryBudget: o.memoryBudget ?? ctx.memoryBudget,
    stage,
  };
}
