import type { Command } from '../command.js';
import { listCommand } from './list.js';
import { demoCommand, trainCommand } from './train.js';

/** Every `voxelwise` command by name. Add a command by adding its file and one line here. */
export const commands: Record<string, Command> = {
  demo: demoCommand,
  train: trainCommand,
  list: listCommand,
};
