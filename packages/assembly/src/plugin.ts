import { definePlugin, defineStage, z } from '@voxelwise/core';
import { openByo } from './byo.js';
import { openLebel } from './lebel.js';
import { openLpp } from './lpp.js';
import { openNarratives } from './narratives.js';
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

const trimOption = z.union([
  z.enum(['litcoder', 'none']),
  z.object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() }).strict(),
]);

/** Options every BIDS derivatives reader takes (dataset root, subject, and the file-name entities). */
const bidsDerivativeFields = {
  root: z.string().min(1),
  subject: z.string().min(1),
  space: z.string().min(1).optional(),
  res: z.string().min(1).optional(),
  pipeline: z.string().min(1).optional(),
  desc: z.string().min(1).optional(),
};

const narrativesOptions = z
  .object({
    ...bidsDerivativeFields,
    tasks: z.array(z.string()).optional(),
    testTasks: z.array(z.string()).optional(),
    tr: z.number().positive().optional(),
    trim: trimOption.optional(),
    unaligned: z.enum(['interpolate', 'drop']).optional(),
    mask: z.string().min(1).optional(),
    meshDir: z.string().min(1).optional(),
  })
  .strict();
/** Options of the `narratives` assembly source (OpenNeuro ds002345 read in place). */
export type NarrativesSourceOptions = z.input<typeof narrativesOptions>;

const lppOptions = z
  .object({
    ...bidsDerivativeFields,
    words: z.string().min(1).optional(),
    task: z.string().min(1).optional(),
    testRuns: z.array(z.string()).optional(),
    tr: z.number().positive().optional(),
    trim: trimOption.optional(),
    mask: z.string().min(1).optional(),
  })
  .strict();
/** Options of the `lpp` assembly source (OpenNeuro ds003643, English, read in place). */
export type LppSourceOptions = z.input<typeof lppOptions>;

declare module '@voxelwise/core' {
  interface AssemblySourceOptionsMap {
    simulated: SimulatedOptions;
    arrow: ArrowSourceOptions;
    lebel: LebelSourceOptions;
    byo: ByoSourceOptions;
    narratives: NarrativesSourceOptions;
    lpp: LppSourceOptions;
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

/** The `narratives` stage: a Narratives subject (ds002345 fMRIPrep derivatives) read in place. */
export const narrativesStage = defineStage({
  kind: 'assembly-source',
  name: 'narratives',
  description:
    'OpenNeuro ds002345 (Narratives) read in place: fMRIPrep surface (fsaverage6/5) or MNI volume series, Gentle word timings, TR 1.5 s, [14:-9] trim.',
  options: narrativesOptions,
  create: (options, ctx) => ({
    id: `narratives:${options.subject}`,
    load: (loadCtx = ctx) => openNarratives({ ...options, emit: loadCtx.emit }),
  }),
});

/** The `lpp` stage: an English Le Petit Prince subject (ds003643) read in place. */
export const lppStage = defineStage({
  kind: 'assembly-source',
  name: 'lpp',
  description:
    'OpenNeuro ds003643 (Le Petit Prince, English) read in place: nine MNI runs, word annotation sorted by onset, TR 2 s, [5:-5] trim.',
  options: lppOptions,
  create: (options, ctx) => ({ id: `lpp:${options.subject}`, load: (loadCtx = ctx) => openLpp({ ...options, emit: loadCtx.emit }) }),
});

/**
 * Assembly sources as a plugin: `simulated`, `arrow`, `lebel`, `byo`, `narratives`, `lpp`.
 *
 * @example
 * const registry = createRegistry().use(assemblies());
 */
export function assemblies() {
  return definePlugin('@voxelwise/assembly', [simulatedStage, arrowStage, lebelStage, byoStage, narrativesStage, lppStage]);
}
