import { voxelwiseError } from '@voxelwise/core';
import type { FitData, Matrix, Model, StageContext } from '@voxelwise/core';
import { fitRidge } from '../engine/ridge-fit.js';
import type { ResponseReader } from '../engine/response-reader.js';
import type { LinalgBackend } from '../linalg/backend.js';
import { createOnnxBackend } from '../linalg/onnx-backend.js';
import { createPureBackend } from '../linalg/pure-backend.js';
import { ridgeCVOptionsSchema } from '../options.js';
import type { RidgeCVOptions, ResolvedRidgeCVOptions } from '../options.js';
import { fittedRidge } from './fitted-ridge.js';
import type { FittedRidge } from './fitted-ridge.js';
import { crossValidateRidge } from './nested-cv.js';
import { evaluationSettings, ridgeSettings } from './settings.js';

/** A `ridge-cv` model; besides the core contract it fits from a {@link ResponseReader}. */
export interface RidgeModel extends Model {
  fit(data: FitData, ctx: StageContext): Promise<FittedRidge>;
  /** Fits with responses read in voxel blocks (whole-brain data that does not fit in memory). */
  fitReader(data: { X: Matrix; Y: ResponseReader; groups?: Int32Array }, ctx: StageContext): Promise<FittedRidge>;
  /** The resolved options. */
  readonly options: ResolvedRidgeCVOptions;
}

/**
 * Creates a `ridge-cv` model from options (validated; defaults filled). The linear-algebra
 * backend is created on the first fit: `onnx` (onnxruntime-node, loaded then) for anything but
 * tiny problems under `backend: 'auto'`.
 *
 * @example
 * const model = createRidgeModel({ alphas: [1, 10, 100], normalpha: false, folds: { type: 'group', n: 5 } });
 * const fitted = await model.fit({ X, Y, groups }, createContext({ seed: 1 }));
 * const evaluation = await fitted.evaluate(Xtest, Ytest, ctx);
 */
export function createRidgeModel(options: RidgeCVOptions = {}): RidgeModel {
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
  const backends = new Map<string, Promise<LinalgBackend>>();
  const backendFor = (n: number, p: number, v: number): Promise<LinalgBackend> => {
    // Tiny problems finish faster in TypeScript than onnxruntime takes to start.
    const work = 2 * n * p * (p + v * (1 + o.alphas.length));
    const kind = o.backend === 'auto' ? (work < 5e7 ? 'pure' : 'onnx') : o.backend;
    let b = backends.get(kind);
    if (!b) {
      b = kind === 'pure' ? createPureBackend() : createOnnxBackend(o.threads !== undefined ? { threads: o.threads } : {});
      backends.set(kind, b);
      b.catch(() => backends.delete(kind));
    }
    return b;
  };
  const fitWith = async (
    X: Matrix,
    Y: Matrix | ResponseReader,
    groups: Int32Array | undefined,
    ctx: StageContext,
  ): Promise<FittedRidge> => {
    const backend = await backendFor(X.rows, X.cols, Y.cols);
    const result = await fitRidge({ X, Y, ...(groups ? { groups } : {}) }, ridgeSettings(o, ctx), backend, ctx);
    return fittedRidge(result, backend, evaluationSettings(o, ctx));
  };
  return {
    id: 'ridge-cv',
    options: o,
    fit: (data, ctx) => fitWith(data.X, data.Y, data.groups, ctx),
    fitReader: (data, ctx) => fitWith(data.X, data.Y, data.groups, ctx),
    crossValidate: async (data, ctx) => crossValidateRidge(data, o, await backendFor(data.X.rows, data.X.cols, data.Y.cols), ctx),
  };
}
