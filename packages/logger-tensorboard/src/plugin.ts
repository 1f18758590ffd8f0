import { definePlugin, defineStage } from '@voxelwise/core';
import { tensorboardLogger } from './logger.js';
import { tensorboardOptionsSchema } from './options.js';

/** The `tensorboard` logger stage. */
export const tensorboardStage = defineStage({
  kind: 'logger',
  name: 'tensorboard',
  description:
    'TensorBoard event files: metrics as scalars (layer as step in sweeps), r histograms, the config as text, report charts as images.',
  options: tensorboardOptionsSchema,
  create: (options, ctx) => tensorboardLogger(options, ctx.emit),
});

/**
 * The TensorBoard logger as a plugin.
 *
 * @example
 * const registry = createRegistry().use(tensorboard());
 */
export function tensorboard() {
  return definePlugin('@voxelwise/logger-tensorboard', [tensorboardStage]);
}
