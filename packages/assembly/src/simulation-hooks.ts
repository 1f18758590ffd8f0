import { isVoxelwiseError, voxelwiseError } from '@voxelwise/core';
import type { AnyStageRef, DownsampleInput, Downsampler, EventSink, FeatureSet, Matrix, StageContext, Story } from '@voxelwise/core';
import { lanczosResample } from './lanczos.js';

/** Functions the simulator takes from outside, so it never imports another plugin. */
export interface SimulationHooks {
  /** Resamples word-level features onto a TR grid. @default Huth Lanczos, window 3, cutoff 1 ({@link lanczosResample}) */
  resample?: (input: DownsampleInput) => Matrix;
  /** Features of a story (any extractor's output); replaces `options.features`. Word-level sets are resampled. */
  features?: (story: Story) => Promise<FeatureSet> | FeatureSet;
  /** Receives progress events. */
  emit?: EventSink;
  signal?: AbortSignal;
}

/** The resampler the simulator asks the registry for by default (Huth: Lanczos, window 3, cutoff 1). */
export const DEFAULT_SIMULATION_DOWNSAMPLER = { name: 'lanczos', options: { window: 3, cutoffMult: 1 } } as const;

/**
 * The resampler of a simulation: the registered downsampler named in the options; when the default
 * `lanczos` is not registered (or there is no registry), the identical built-in Huth Lanczos.
 */
async function simulationResampler(ref: AnyStageRef, ctx: StageContext): Promise<(input: DownsampleInput) => Matrix> {
  const isDefault = ref.name === DEFAULT_SIMULATION_DOWNSAMPLER.name;
  let ds: Downsampler | undefined;
  if (ctx.stages) {
    try {
      ds = await ctx.stages.create('downsampler', ref);
    } catch (error) {
      if (!(isDefault && isVoxelwiseError(error, 'E_STAGE_UNKNOWN'))) throw error;
    }
  } else if (!isDefault) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: 'assembly-source:simulated',
      message: `downsampler "${ref.name}" needs a registry-backed context`,
      hint: 'Run through the trainer, or createContext({ registry }).',
    });
  }
  if (ds) return (input) => ds.downsample(input);
  const window = Number(ref.options?.['window'] ?? 3);
  const cutoffMult = Number(ref.options?.['cutoffMult'] ?? 1);
  ctx.emit({
    type: 'log',
    level: 'debug',
    stage: 'assembly/simulate',
    message: 'no "lanczos" downsampler is registered; the simulation uses the built-in Huth Lanczos',
  });
  return (input) => lanczosResample(input, window, cutoffMult);
}

/**
 * Builds the {@link SimulationHooks} of a registry-backed context: the resampler from the named
 * downsampler stage (default `lanczos`, window 3, cutoff 1; the identical built-in when no
 * `lanczos` is registered) and, if given, the features from a registered extractor. Call
 * `dispose` when the simulation is done.
 *
 * @example
 * const { hooks, dispose } = await simulationHooks(createContext({ registry }), { extractor: { name: 'wordrate', options: { mode: 'huth' } } });
 * const sim = await simulateSubject({ seed: 1 }, hooks);
 * await dispose();
 */
export async function simulationHooks(
  ctx: StageContext,
  refs: { downsampler?: AnyStageRef; extractor?: AnyStageRef } = {},
): Promise<{ hooks: SimulationHooks; dispose: () => Promise<void> }> {
  const hooks: SimulationHooks = {
    resample: await simulationResampler(
      refs.downsampler ?? { name: DEFAULT_SIMULATION_DOWNSAMPLER.name, options: { ...DEFAULT_SIMULATION_DOWNSAMPLER.options } },
      ctx,
    ),
    emit: ctx.emit,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  };
  const extractor = refs.extractor;
  if (!extractor) return { hooks, dispose: async () => {} };
  if (!ctx.stages)
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: 'assembly-source:simulated',
      message: `extractor "${extractor.name}" needs a registry-backed context`,
    });
  const ex = await ctx.stages.create('extractor', extractor);
  hooks.features = (story) => ex.extract(story, ctx);
  return { hooks, dispose: async () => ex.dispose?.() };
}
