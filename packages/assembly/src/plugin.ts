import { definePlugin, defineStage, isVoxelwiseError, voxelwiseError, z } from '@voxelwise/core';
import type { DownsampleInput, Downsampler, Matrix, StageContext } from '@voxelwise/core';
import { openByo } from './byo.js';
import { lanczosResample } from './lanczos.js';
import { openLebel } from './lebel.js';
import { openAssembly } from './native-read.js';
import { simulateSubject } from './simulate.js';
import type { SimulationHooks } from './simulate.js';
import { simulateOptionsObject, snrRangeCheck } from './simulate-options.js';

const stageRef = z.object({ name: z.string().min(1), options: z.record(z.string(), z.unknown()).optional() }).strict();

/** The resampler the simulator asks the registry for by default (Huth: Lanczos, window 3, cutoff 1). */
export const DEFAULT_SIMULATION_DOWNSAMPLER = { name: 'lanczos', options: { window: 3, cutoffMult: 1 } } as const;

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

/**
 * The resampler of a simulation: the registered downsampler named in the options; when the default
 * `lanczos` is not registered (or there is no registry), the identical built-in Huth Lanczos.
 */
async function simulationResampler(ref: z.output<typeof stageRef>, ctx: StageContext): Promise<(input: DownsampleInput) => Matrix> {
  const isDefault = ref.name === DEFAULT_SIMULATION_DOWNSAMPLER.name;
  let ds: Downsampler | undefined;
  if (ctx.stages) {
    try {
      ds = await ctx.stages.create('downsampler', ref);
    } catch (error) {
      if (!(isDefault && isVoxelwiseError(error, 'E_STAGE_UNKNOWN'))) throw error;
    }
  } else if (!isDefault) {
    throw voxelwiseError({ code: 'E_CONFIG_INVALID', where: 'assembly-source:simulated', message: `downsampler "${ref.name}" needs a registry-backed context`, hint: 'Run through the trainer, or createContext({ registry }).' });
  }
  if (ds) return (input) => ds.downsample(input);
  const window = Number(ref.options?.['window'] ?? 3);
  const cutoffMult = Number(ref.options?.['cutoffMult'] ?? 1);
  ctx.emit({ type: 'log', level: 'debug', stage: 'assembly/simulate', message: 'no "lanczos" downsampler is registered; the simulation uses the built-in Huth Lanczos' });
  return (input) => lanczosResample(input, window, cutoffMult);
}

/** The `simulated` stage: a deterministic simulated subject with a planted encoding model. */
export const simulatedStage = defineStage({
  kind: 'assembly-source',
  name: 'simulated',
  description: 'A deterministic simulated subject: realistic word timing, a planted encoding model (word rate, embeddings or an extractor), AR(1) noise.',
  options: simulatedOptions,
  create: (options, ctx) => ({
    id: `simulated:${options.seed}`,
    load: async (loadCtx = ctx) => {
      const { extractor, downsampler, ...sim } = options;
      const hooks: SimulationHooks = { resample: await simulationResampler(downsampler, loadCtx), emit: loadCtx.emit, ...(loadCtx.signal ? { signal: loadCtx.signal } : {}) };
      if (extractor) {
        if (!loadCtx.stages) throw voxelwiseError({ code: 'E_CONFIG_INVALID', where: 'assembly-source:simulated', message: `extractor "${extractor.name}" needs a registry-backed context` });
        const ex = await loadCtx.stages.create('extractor', extractor);
        hooks.features = (story) => ex.extract(story, loadCtx);
        const result = await simulateSubject(sim, hooks);
        await ex.dispose?.();
        return result.assembly;
      }
      return (await simulateSubject(sim, hooks)).assembly;
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
  create: (options) => ({ id: `byo:${options.root}`, load: () => openByo(options) }),
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
