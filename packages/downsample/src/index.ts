export {
  downsamplers,
  downsample,
  BUILTIN_DOWNSAMPLERS,
  lanczosStage,
  sincStage,
  gaborStage,
  rectStage,
  averageStage,
  sumStage,
  lastStage,
  legacyAverageStage,
  legacySumStage,
  legacyLastStage,
} from './plugin.js';
export type { BuiltinDownsampler } from './plugin.js';
export { lanczosSchema, sincSchema, gaborSchema, rectSchema, splitSchema } from './options.js';
export type { LanczosStageOptions, SincStageOptions, GaborStageOptions, RectOptions, SplitStageOptions } from './options.js';
export { lanczosDownsample, lanczosKernel } from './lanczos.js';
export type { LanczosOptions } from './lanczos.js';
export { sincDownsample, sincKernel, sincParameters } from './sinc.js';
export type { SincOptions, SincParameters } from './sinc.js';
export { gaborDownsample } from './gabor.js';
export type { GaborOptions } from './gabor.js';
export { rectDownsample } from './rect.js';
export { labelDownsample, legacyDownsample, reduceByLabel } from './group.js';
export type { GroupReduce, SplitOptions } from './group.js';
export { detectSplitFormat, labelsFromSplitIndices, labelsFromWindows, labelsFromTREnds } from './split-indices.js';
export type { SplitFormat } from './split-indices.js';
export type { TypedDownsampleInput } from './output.js';
// FIR delays and z-scoring live in core (the trainer uses them without this plugin); re-exported
// here so this package's API stays whole.
export { makeDelayed, delayedColumns, validLength, zscore } from '@voxelwise/core';
export type { DelayedColumn, DelayOptions, ZscoreOptions } from '@voxelwise/core';
export { trimRows, trimToResponses } from './trim.js';
export type { RowSlice } from './trim.js';
export { validateInput, meanTR, requireTR } from './validate.js';
export { numpySum, numpyMean } from './numpy-sum.js';
