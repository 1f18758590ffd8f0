export { main } from './main.js';
export type { CliIO } from './main.js';
export { loadConfigFile } from './load-config.js';
export { commands } from './commands/index.js';
export { usageError } from './command.js';
export type { Command, CommandEnv, TextOut } from './command.js';
export { createDefaultRegistry } from './registry.js';
export { prepareDemo, DEMO_MODEL } from './demo/prepare-demo.js';
export type { PrepareDemoOptions, PreparedDemo } from './demo/prepare-demo.js';
export { demoConfig } from './demo/demo-config.js';
export type { DemoOptions } from './demo/demo-config.js';
export { plantedSummary } from './demo/planted-summary.js';
export type { PlantedSummary } from './demo/planted-summary.js';
export { defineConfig } from './define-config.js';
export type {
  VoxelwiseConfig,
  ArrowSourceOptions,
  ByoSourceOptions,
  LebelSourceOptions,
  SimulatedOptions,
  LanczosStageOptions,
  SincStageOptions,
  GaborStageOptions,
  RectOptions,
  SplitStageOptions,
  WordRateOptions,
  PrecomputedOptions,
  EmbeddingsOptions,
  WandbOptions,
  TensorboardOptions,
  RidgeCVOptions,
} from './define-config.js';
