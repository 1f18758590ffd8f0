export { ridge, ridgeCVStage, bandedRidgeCVStage } from './plugin.js';
export { bandedRidgeCVOptionsSchema, BANDED_ALPHAS } from './banded/banded-options.js';
export type { BandedRidgeCVOptions, ResolvedBandedRidgeCVOptions } from './banded/banded-options.js';
export { createBandedRidgeModel } from './banded/banded-model.js';
export type { BandedRidgeModel, FittedBandedRidge } from './banded/banded-model.js';
export { dirichletCandidates } from './banded/gamma-candidates.js';
export { ridgeCVOptionsSchema, foldSpecSchema, LITCODER_ALPHAS } from './options.js';
export type { RidgeCVOptions, ResolvedRidgeCVOptions } from './options.js';
export { createRidgeModel } from './model/ridge-model.js';
export type { RidgeModel, RidgeModelHooks } from './model/ridge-model.js';
export type { BackendChoice } from './model/backend-choice.js';
export { fittedRidge, correlationAndR2, evaluationMetrics } from './model/fitted-ridge.js';
export type { FittedRidge, EvaluationSettings } from './model/fitted-ridge.js';
export { crossValidateRidge, outerFoldSpec } from './model/nested-cv.js';
export { fitRidge } from './engine/ridge-fit.js';
export type { RidgeFitResult, RidgeInput, RidgeSettings } from './engine/ridge-fit.js';
export { ridgeCorr, ridgeWeights } from './engine/huth-primitives.js';
export type { RidgePrimitiveOptions } from './engine/huth-primitives.js';
export { matrixReader, rowsReader } from './engine/response-reader.js';
export type { ResponseReader } from './engine/response-reader.js';
export { scoreFromSums } from './engine/scores.js';
export type { ScoreKind, ScoreSums } from './engine/scores.js';
export { planProducts } from './engine/product-plan.js';
export type { ProductPlan } from './engine/product-plan.js';
export type { Solver } from './engine/spectral-factor.js';
export type { AlphaMode } from './engine/alpha-selection.js';
export type { WeightStore } from './engine/weight-store.js';
export { createFolds } from './cv/folds.js';
export type {
  BootstrapSpec,
  ChunkedSpec,
  ChunkedTrimmedSpec,
  ExplicitSpec,
  Fold,
  FoldContext,
  FoldSpec,
  GroupSpec,
  KFoldSpec,
  KFoldTrimmedSpec,
  TimeSeriesSpec,
} from './cv/folds.js';
export { createOnnxBackend } from './linalg/onnx-backend.js';
export type { OnnxBackendOptions } from './linalg/onnx-backend.js';
export type { OnnxRuntimeImporter } from './linalg/onnx-runtime.js';
export { createPureBackend } from './linalg/pure-backend.js';
export type { DenseKernels, LinalgBackend, MatmulOptions, SymmetricEigen, Tridiagonalization } from './linalg/backend.js';
export { pearsonPValue, pearsonPValues, benjaminiHochberg, bonferroniCombine, fisherCombine } from './stats/p-values.js';
export type { Alternative, FdrResult, FisherResult } from './stats/p-values.js';
export { blockSums, blockPermutationPValues, blockBootstrapCorrelations, drawBlocks } from './stats/block-resampling.js';
export type { BlockSums } from './stats/block-resampling.js';
export { significance } from './stats/significance.js';
export type { SignificanceAccumulator, SignificanceOptions } from './stats/significance.js';
export { litcoderMetrics, scoreSummary } from './stats/metrics.js';
