import { voxelwiseError } from '@voxelwise/core';
import type { FitData, Matrix, Model, ModelShards, StageContext } from '@voxelwise/core';
import { fitRidge } from '../engine/ridge-fit.js';
import type { ResponseReader } from '../engine/response-reader.js';
import type { LinalgBackend } from '../linalg/backend.js';
import type { OnnxRuntimeImporter } from '../linalg/onnx-runtime.js';
import { ridgeCVOptionsSchema } from '../options.js';
import type { RidgeCVOptions, ResolvedRidgeCVOptions } from '../options.js';
import { backendChooser, fitWork } from './backend-choice.js';
import { fittedRidge } from './fitted-ridge.js';
import type { FittedRidge } from './fitted-ridge.js';
import { crossValidateRidge } from './nested-cv.js';
import { ridgeShards } from './ridge-shards.js';
import { evaluationSettings, ridgeSettings } from './settings.js';

/** A `ridge-cv` model; besides the core contract it fits from a {@link ResponseReader}. */
export interface RidgeModel extends Model {
  fit(data: FitData, ctx: StageContext): Promise<FittedRidge>;
  /** Fits with responses read in voxel blocks (whole-brain data that does not fit in memory). */
  fitReader(data: { X: Matrix; Y: ResponseReader; groups?: Int32Array }, ctx: StageContext): Promise<FittedRidge>;
  /** The resolved options. */
  readonly options: ResolvedRidgeCVOptions;
  /** Fits the voxels in shards (several processes) that merge into the same model as {@link RidgeModel.fit}. */
  readonly shards: ModelShards;
}

/** Hooks of {@link createRidgeModel} for applications that bundle their own modules, and for tests. */
export interface RidgeModelHooks {
  /**
   * Imports onnxruntime-node; a rejection counts as "not installed".
   * @default () => import('onnxruntime-node')
   */
  importOnnxRuntime?: OnnxRuntimeImporter;
}

/**
 * Creates a `ridge-cv` model from options (validated; defaults filled). The linear-algebra
 * backend is created on the first fit. Under `backend: 'auto'` tiny problems run on the pure
 * backend and bigger ones on `onnx` when onnxruntime-node (an optional peer dependency) can be
 * imported, else on `pure`; one `log` event says which runs.
 *
 * @example
 * const model = createRidgeModel({ alphas: [1, 10, 100], normalpha: false, folds: { type: 'group', n: 5 } });
 * const fitted = await model.fit({ X, Y, groups }, createContext({ seed: 1 }));
 * const evaluation = await fitted.evaluate(Xtest, Ytest, ctx);
 */
export function createRidgeModel(options: RidgeCVOptions = {}, hooks: RidgeModelHooks = {}): RidgeModel {
  const parsed = ridgeCVOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where: 'ridge:ridge-cv',
      message: `invalid options for model "ridge-cv": ${parsed.error.issues.map((i) => `option "${i.path.join('.')}": ${i.message}`).join('; ')}`,
      details: { issues: parsed.error.issues },
      hint: 'Run "voxelwise list model" to see the options of ridge-cv.',
    });
  }
  const o = parsed.data;
  const choose = backendChooser({
    choice: o.backend,
    stage: 'model/ridge-cv',
    ...(o.threads !== undefined ? { threads: o.threads } : {}),
    ...(o.spin !== undefined ? { spin: o.spin } : {}),
    ...(hooks.importOnnxRuntime ? { importRuntime: hooks.importOnnxRuntime } : {}),
  });
  const backendFor = (n: number, p: number, v: number, ctx: StageContext): Promise<LinalgBackend> =>
    choose(fitWork(n, p, v, o.alphas.length), ctx.emit);
  const fitWith = async (
    X: Matrix,
    Y: Matrix | ResponseReader,
    groups: Int32Array | undefined,
    ctx: StageContext,
  ): Promise<FittedRidge> => {
    const backend = await backendFor(X.rows, X.cols, Y.cols, ctx);
    const result = await fitRidge({ X, Y, ...(groups ? { groups } : {}) }, ridgeSettings(o, ctx), backend, ctx);
    return fittedRidge(result, backend, evaluationSettings(o, ctx));
  };
  return {
    id: 'ridge-cv',
    options: o,
    fit: (data, ctx) => fitWith(data.X, data.Y, data.groups, ctx),
    fitReader: (data, ctx) => fitWith(data.X, data.Y, data.groups, ctx),
    shards: ridgeShards(o, backendFor),
    crossValidate: async (data, ctx) => crossValidateRidge(data, o, await backendFor(data.X.rows, data.X.cols, data.Y.cols, ctx), ctx),
  };
}
