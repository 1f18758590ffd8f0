import { definePlugin, defineStage, z } from '@voxelwise/core';
import { rectDownsample } from './rect.js';

const rectOptions = z.object({}).strict();

/** Options of the `rect` downsampler (none). */
export type RectOptions = z.input<typeof rectOptions>;

declare module '@voxelwise/core' {
  interface DownsamplerOptionsMap {
    rect: RectOptions;
  }
}

/** The `rect` downsampler stage. */
export const rectStage = defineStage({
  kind: 'downsampler',
  name: 'rect',
  description: 'Mean of the words inside each TR window [t − TR/2, t + TR/2); 0 when empty (LITcoder rect).',
  options: rectOptions,
  create: () => ({ id: 'rect', downsample: (input) => rectDownsample(input) }),
});

/**
 * The downsampler plugin: every resampling method as a registered stage.
 *
 * @example
 * const registry = createRegistry().use(downsamplers());
 */
export function downsamplers() {
  return definePlugin('@voxelwise/downsample', [rectStage]);
}
