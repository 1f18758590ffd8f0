import { voxelwiseError } from '@voxelwise/core';
import type { FittedModel, Matrix, ModelShards, ShardDesign, ShardPart, ShardState, StageContext, VoxelRange } from '@voxelwise/core';
import { selectAlphas } from '../engine/alpha-selection.js';
import { checkFitInput } from '../engine/fit-input.js';
import type { CheckedFitInput } from '../engine/fit-input.js';
import { finishFit, fitVoxels, predictableFloor, prepareFit } from '../engine/fit-phases.js';
import type { RidgeSettings } from '../engine/fit-types.js';
import { matrixReader } from '../engine/response-reader.js';
import type { ResponseReader } from '../engine/response-reader.js';
import { preparationState, restorePreparation } from '../engine/shard-state.js';
import { fileWeightStore, memoryWeightStore } from '../engine/weight-store.js';
import type { LinalgBackend } from '../linalg/backend.js';
import type { ResolvedRidgeCVOptions } from '../options.js';
import { fittedRidge } from './fitted-ridge.js';
import { evaluationSettings, ridgeSettings } from './settings.js';

/** Samples × voxels of a design whose responses are not at hand: the checks only need the shape. */
function shapeOnly(rows: number, cols: number): ResponseReader {
  return {
    rows,
    cols,
    read: () => Promise.reject(new Error('responses are read per shard')),
  };
}

/**
 * The `ridge-cv` model's {@link ModelShards}: `prepare` computes what a single-process fit
 * computes before it reads a response (the full fit's and every fold's factorisation and
 * projection stack, the memory plan of all voxels); each shard reads that back and runs the
 * voxel phases of the same fit on its range; `merge` puts the weights and validation scores
 * side by side and reports as one fit. Each voxel's numbers are those of `fit` on all voxels:
 * they depend only on its responses and the shared state. `alphaMode: 'single'` ties every voxel
 * to one alpha and cannot be sharded.
 *
 * `backendFor(n, p, v)` must pick the backend the single-process fit picks for all `v` voxels.
 */
export function ridgeShards(
  o: ResolvedRidgeCVOptions,
  backendFor: (n: number, p: number, v: number, ctx: StageContext) => Promise<LinalgBackend>,
): ModelShards {
  const check = (design: ShardDesign, settings: RidgeSettings, ctx: StageContext): CheckedFitInput => {
    const checked = checkFitInput(
      { X: design.X, Y: shapeOnly(design.X.rows, design.nVoxels), ...(design.groups ? { groups: design.groups } : {}) },
      settings,
      ctx,
    );
    if (settings.alphaMode === 'single') {
      throw voxelwiseError({
        code: 'E_OPTIONS_INVALID',
        where: checked.where,
        message:
          'option "alphaMode": "single" chooses one alpha from every voxel\'s scores, so a fit with it cannot be split into voxel shards',
        hint: 'Fit it in one process ("voxelwise train"), or use alphaMode "per-voxel".',
      });
    }
    return checked;
  };
  const backendOf = (design: ShardDesign, ctx: StageContext) => backendFor(design.X.rows, design.X.cols, design.nVoxels, ctx);
  return {
    async prepare(design, ctx) {
      const settings = ridgeSettings(o, ctx);
      const checked = check(design, settings, ctx);
      const prep = await prepareFit(checked, settings, await backendOf(design, ctx), ctx);
      return preparationState(prep, settings);
    },
    async fit(shared, design, Y: Matrix, range: VoxelRange, ctx): Promise<ShardPart> {
      const settings = ridgeSettings(o, ctx);
      const checked = check(design, settings, ctx);
      if (Y.rows !== design.X.rows || Y.cols !== range.end - range.start) {
        throw voxelwiseError({
          code: 'E_SHAPE_MISMATCH',
          where: checked.where,
          message: `responses of voxels ${range.start}–${range.end - 1} have the wrong shape`,
          got: [Y.rows, Y.cols],
          expected: [design.X.rows, range.end - range.start],
        });
      }
      const prep = restorePreparation(checked, shared, settings, ctx);
      const fit = await fitVoxels(prep, matrixReader(Y), settings, await backendOf(design, ctx), ctx);
      try {
        return {
          range,
          arrays: {
            weights: fit.weights.all(),
            cvScores: fit.cvScores,
            alphaIndex: fit.selection.index,
            foldSums: Float64Array.from(fit.foldSums.flatMap((s) => Array.from(s))),
          },
          meta: { voxels: range.end - range.start },
        };
      } finally {
        fit.weights.dispose();
      }
    },
    async merge(shared: ShardState, design, parts, ctx): Promise<FittedModel> {
      const settings = ridgeSettings(o, ctx);
      const checked = check(design, settings, ctx);
      const prep = restorePreparation(checked, shared, settings, ctx);
      const { p, v, folds, where } = prep;
      const nA = settings.alphas.length;
      const F = folds.length;
      const dt = settings.precision;
      const weights = prep.layout.mem.spillWeights ? fileWeightStore(p, v, dt) : memoryWeightStore(p, v, dt);
      const cvScores = new Float64Array(nA * v);
      const foldSums = folds.map(() => new Float64Array(nA));
      let next = 0;
      for (const part of parts) {
        const { start, end } = part.range;
        const b = end - start;
        const w = part.arrays['weights'];
        const s = part.arrays['cvScores'];
        const fs = part.arrays['foldSums'];
        if (start !== next || !(end > start) || !w || w.length !== p * b || !s || s.length !== nA * b || !fs || fs.length !== F * nA) {
          throw voxelwiseError({
            code: 'E_DATA_INVALID',
            where,
            message: `the shard of voxels ${start}–${end - 1} does not fit the others (expected it to start at voxel ${next}, with ${p} × ${b} weights and ${nA} × ${b} validation scores)`,
            hint: 'Fit every shard of one plan, then merge.',
          });
        }
        weights.write(start, w as Float32Array | Float64Array);
        for (let a = 0; a < nA; a++) cvScores.set(s.subarray(a * b, (a + 1) * b), a * v + start);
        for (let f = 0; f < F; f++) for (let a = 0; a < nA; a++) foldSums[f]![a]! += fs[f * nA + a]!;
        next = end;
      }
      if (next !== v) {
        throw voxelwiseError({
          code: 'E_DATA_INVALID',
          where,
          message: `the shards cover voxels 0–${next - 1} of ${v}`,
          hint: 'Fit every shard of the plan, then merge.',
        });
      }
      // Per-voxel selection again over all voxels: the same index as each shard's, plus the
      // counts and the mean over voxels a report needs.
      const selection = selectAlphas(
        cvScores,
        settings.alphas,
        v,
        settings.alphaMode,
        predictableFloor(settings, prep.n),
        settings.tieBreak,
      );
      const backend = await backendOf(design, ctx);
      const result = finishFit(prep, { weights, cvScores, foldSums, selection }, settings, backend, ctx);
      return fittedRidge(result, backend, evaluationSettings(o, ctx));
    },
  };
}
