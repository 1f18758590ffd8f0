import { definePlugin, defineStage } from '@voxelwise/core';
import { wandbLogger } from './logger.js';
import { wandbOptionsSchema } from './options.js';

/** The `wandb` logger stage. */
export const wandbStage = defineStage({
  kind: 'logger',
  name: 'wandb',
  description: 'Weights & Biases: config, metrics, r histograms and the report; queues to disk when offline or unreachable.',
  options: wandbOptionsSchema,
  create: (options, ctx) => wandbLogger(options, ctx.emit),
});

/**
 * The W&B logger as a plugin.
 *
 * @example
 * const registry = createRegistry().use(wandb());
 */
export function wandb() {
  return definePlugin('@voxelwise/logger-wandb', [wandbStage]);
}
