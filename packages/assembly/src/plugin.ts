import { definePlugin, defineStage, z } from '@voxelwise/core';
import { openByo } from './byo.js';
import { openLebel } from './lebel.js';
import { openAssembly } from './native-read.js';
import { simulateSubject } from './simulate.js';
import { DEFAULT_SIMULATION_DOWNSAMPLER, simulationHooks } from './simulation-hooks.js';
import { simulateOptionsObject, snrRangeCheck } from './simulate-options.js';

const stageRef = z.object({ name: z.string().min(1), options: z.record(z.string(), z.unknown()).optional() }).strict();

const simulatedOptions = simulateOptionsObject
  .extend({
    /** Plant the model on this registered extractor's output instead of `features`. */
    extractor: stageRef.optional(),
    /** Registered downsampler that brings word-level features to the TR grid. */
    downsampler: stageRef.default({ ...DEFAULT_SIMULATION_DOWNSAMPLER, options: { ...DEFAULT_SIMULATION_DOWNSAMPLER.options } }),
  })
  .refine(...snrRangeCheck);

/** Options of the `simulated` assembly source. */
export type SimulatedOptions = z.input<typeof simulatedOptions>;

const arrowOptions = z.object({ path: z.string().min(1) }).strict();
/** Options of the `arrow` assembly source (a native assembly directory). */
export type ArrowSourceOptions = z.input<typeof arrowOptions>;

const lebelOptions = z
  .object({
    root: z.string().min(1),
    subject: z.string().min(1),
    stories: z.array(z.string()).optional(),
    testStories: z.array(z.string()).optional(),
  })
  .strict();
/** Options of the `lebel` assembly source (OpenNeuro ds003020 read in place). */
export type LebelSourceOptions = z.input<typeof lebelOptions>;

const byoOptions = z
  .object({
    root: z.string().min(1),
    subject: z.string().optional(),
    tr: z.number().positive().optional(),
    firstTrTime: z.number().optional(),
    trim: z.object({ start: z.number().int().nonnegative().default(0), end: z.number().int().nonnegative().default(0) }).optional(),
    stories: z.array(z.string()).optional(),
    testStories: z.array(z.string()).optional(),
  })
  .strict();
/** Options of the `byo` assembly source (bring-your-own layout read in place). */
export type ByoSourceOptions = z.input<typeof byoOptions>;

declare module '@voxelwise/core' {
  interface AssemblySourceOptionsMap {
    simulated: SimulatedOptions;
    arrow: ArrowSourceOptions;
    lebel: LebelSourceOptions;
    byo: ByoSourceOptions;
  }
}

/** The `simulated` stage: a deterministic simulated subject with a planted encoding model. */
export const simulatedStage = defineStage({
  kind: 'assembly-source',
  name: 'simulated',
  description:
    'A deterministic simulated subject: realistic word timing, a planted encoding model (word rate, embeddings or an extractor), AR(1) noise.',
  options: simulatedOptions,
  create: (options, ctx) => ({
    id: `simulated:${options.seed}`,
    load: async (loadCtx = ctx) => {
      const { extractor, downsampler, ...sim } = options;
      const { hooks, dispose } = await simulationHooks(loadCtx, { downsampler, ...(extractor ? { extractor } : {}) });
      try {
        return (await simulateSubject(sim, hooks)).assembly;
      } finally {
        await dispose();
      }
    },
  }),
});

/** The `arrow` stage: a native assembly directory written by this package. */
export const arrowStage = defineStage({
  kind: 'assembly-source',
  name: 'arrow',
  description: 'A voxelwise assembly directory (Arrow IPC): stories and voxel ranges load on demand.',
  options: arrowOptions,
  create: (options) => ({ id: `arrow:${options.path}`, load: () => openAssembly(options.path) }),
});

/** The `lebel` stage: LeBel ds003020 read in place (Huth conventions). */
export const lebelStage = defineStage({
  kind: 'assembly-source',
  name: 'lebel',
  description: 'OpenNeuro ds003020 (LeBel et al. 2023) read in place: TextGrids, respdict.json and preprocessed hf5 responses.',
  options: lebelOptions,
  create: (options, ctx) => ({ id: `lebel:${options.subject}`, load: (loadCtx = ctx) => openLebel({ ...options, emit: loadCtx.emit }) }),
});

/** The `byo` stage: a bring-your-own dataset read in place. */
export const byoStage = defineStage({
  kind: 'assembly-source',
  name: 'byo',
  description: 'Bring-your-own layout read in place: per story words.tsv and responses (.npy, .hf5 or .arrow).',
  options: byoOptions,
  create: (options, ctx) => ({ id: `byo:${options.root}`, load: (loadCtx = ctx) => openByo({ ...options, emit: loadCtx.emit }) }),
});

/**
 * Assembly sources as a plugin: `simulated`, `arrow`, `lebel`, `byo`.
 *
 * @example
 * const registry = createRegistry().use(assemblies());
 */
export function assemblies() {
  return definePlugin('@voxelwise/assembly', [simulatedStage, arrowStage, lebelStage, byoStage]);
}
