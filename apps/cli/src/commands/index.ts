import type { Command } from '../command.js';
import { assemblyCommand } from './assembly.js';
import { cacheCommand } from './cache.js';
import { configCommand } from './config.js';
import { demoCommand } from './demo.js';
import { featuresCommand } from './features.js';
import { listCommand } from './list.js';
import { reportCommand } from './report.js';
import { runsCommand } from './runs.js';
import { trainCommand } from './train.js';
import { wandbCommand } from './wandb.js';

/** Every `voxelwise` command by name. Add a command by adding its file and one line here. */
export const commands: Record<string, Command> = {
  demo: demoCommand,
  train: trainCommand,
  runs: runsCommand,
  report: reportCommand,
  config: configCommand,
  list: listCommand,
  features: featuresCommand,
  cache: cacheCommand,
  wandb: wandbCommand,
  assembly: assemblyCommand,
};
