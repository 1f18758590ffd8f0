// `defineConfig` with the option maps of every built-in plugin in scope, so that a config file
// importing it from the CLI gets the names and options of all built-in stages checked. Each
// plugin adds its stages to core's option maps in its own declaration file, which a consumer's
// compiler reads only when something imports the package: the option types re-exported here are
// that import (a bare `import type {}` would be dropped from the built .d.ts). `lm` is not among
// them: @voxelwise/features-lm is an optional peer of the CLI, so a config that names `lm` imports
// its types itself (`import type {} from '@voxelwise/features-lm'`), which is what installs them.
export { defineConfig } from '@voxelwise/trainer';
export type { VoxelwiseConfig } from '@voxelwise/trainer';
export type { ArrowSourceOptions, ByoSourceOptions, LebelSourceOptions, SimulatedOptions } from '@voxelwise/assembly';
export type { LanczosStageOptions, SincStageOptions, GaborStageOptions, RectOptions, SplitStageOptions } from '@voxelwise/downsample';
export type { WordRateOptions, PrecomputedOptions, EmbeddingsOptions } from '@voxelwise/features-basic';
export type { WandbOptions } from '@voxelwise/logger-wandb';
export type { TensorboardOptions } from '@voxelwise/logger-tensorboard';
export type { RidgeCVOptions } from '@voxelwise/ridge';
