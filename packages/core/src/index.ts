export { ERROR_CODES, VoxelwiseError, voxelwiseError, isVoxelwiseError } from './errors.js';
export type { ErrorCode, ErrorDetails, ErrorSpec, VoxelwiseErrorOptions } from './errors.js';
export {
  matrix,
  zeros,
  fromRows,
  toRows,
  dtypeOf,
  rowView,
  sliceRows,
  sliceCols,
  asDType,
  vstack,
  hstack,
  transpose,
  assertShape,
  assertFinite,
  fromMlMatrix,
  toMlMatrix,
} from './matrix.js';
export type { Matrix, MatrixData, DType, MlMatrixLike } from './matrix.js';
export { createRng, hashString } from './rng.js';
export type { Rng } from './rng.js';
export { createEventBus, timed } from './events.js';
export type {
  EventBus,
  EventSink,
  LogEvent,
  LogLevel,
  MetricEvent,
  RunEndEvent,
  RunStartEvent,
  StageEndEvent,
  StageProgressEvent,
  StageStartEvent,
  VoxelwiseEvent,
} from './events.js';
export { STAGE_KINDS } from './stage-kinds.js';
export type { StageKind } from './stage-kinds.js';
export type {
  Assembly,
  AssemblyMetadata,
  BrainGeometry,
  ResponseBlock,
  ResponseTrim,
  Story,
  StoryAudio,
  StoryOverhang,
  SurfaceGeometry,
  SurfaceHemisphere,
  VolumeGeometry,
  WordTable,
} from './assembly.js';
export { brainGeometrySchema } from './geometry-schema.js';
export type {
  AlphaConvention,
  AssemblySource,
  BandReport,
  CrossValidationFold,
  CrossValidationResult,
  DownsampleInput,
  Downsampler,
  Evaluation,
  ExtractorDescription,
  FeatureBand,
  FeatureExtractor,
  FeatureLevel,
  FeatureSet,
  FitData,
  FittedModel,
  Logger,
  Model,
  PenaltyReport,
  PluginRecord,
  StageContext,
  StageFactory,
  StageInstances,
  ValidationReport,
  VoxelScores,
  WeightBatch,
} from './stages.js';
export { createRegistry, defineStage, definePlugin, formatIssues } from './registry.js';
export type {
  AnyStage,
  AnyStageRef,
  AssemblySourceOptionsMap,
  DownsamplerOptionsMap,
  ExtractorOptionsMap,
  LoggerOptionsMap,
  ModelOptionsMap,
  OptionsSchema,
  Plugin,
  Registry,
  Stage,
  StageInfo,
  StageName,
  StageOptionsMaps,
  StageRef,
} from './registry.js';
export { createContext } from './context.js';
export type { ContextOptions } from './context.js';
export { z } from 'zod';
export { memoryAssembly, memoryStory, resolveVoxelRange, wordMidpoints } from './memory.js';
export type { StoryInput } from './memory.js';
export { canShard } from './shards.js';
export type { ModelShards, ShardableModel, ShardArrays, ShardDesign, ShardPart, ShardState, VoxelRange } from './shards.js';
export { pearson, median } from './stats.js';
export { zscore } from './zscore.js';
export { splitCorrelation, splitR2 } from './split-scores.js';
export type { ZscoreOptions } from './zscore.js';
export { makeDelayed, delayedColumns, validLength } from './fir.js';
export type { DelayedColumn, DelayOptions } from './fir.js';
export { canonicalJson } from './canonical-json.js';
export { parseSize, formatSize } from './size.js';
export { noiseCeiling, explainableVariance, ccNorm, normalisedCorrelation } from './noise-ceiling.js';
export type { ExplainableVarianceOptions, NoiseCeiling } from './noise-ceiling.js';
