import { definePlugin, defineStage, z } from '@voxelwise/core';
import { simulateSubject } from './simulate.js';

const simulatedOptions = z
  .object({
    seed: z.number().int().default(0),
    stories: z.number().int().min(2).default(4),
    duration: z.number().positive().default(360),
    voxels: z.number().int().positive().default(40),
    plantedFraction: z.number().min(0).max(1).default(0.5),
    tr: z.number().positive().default(2),
  })
  .strict();

/** Options of the `simulated` assembly source. */
export type SimulatedOptions = z.input<typeof simulatedOptions>;

declare module '@voxelwise/core' {
  interface AssemblySourceOptionsMap {
    simulated: SimulatedOptions;
  }
}

/** The `simulated` assembly source. */
export const simulatedStage = defineStage({
  kind: 'assembly-source',
  name: 'simulated',
  description: 'A deterministic simulated subject with a planted word-rate encoding model.',
  options: simulatedOptions,
  create: (options) => ({ id: `simulated:${options.seed}`, load: async () => simulateSubject(options).assembly }),
});

/**
 * Assembly sources as a plugin.
 *
 * @example
 * const registry = createRegistry().use(assemblies());
 */
export function assemblies() {
  return definePlugin('@voxelwise/assembly', [simulatedStage]);
}
