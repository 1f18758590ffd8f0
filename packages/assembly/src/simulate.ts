import { createRng, voxelwiseError } from '@voxelwise/core';
import type { Assembly, DownsampleInput, Matrix } from '@voxelwise/core';
import { lanczosResample } from './lanczos.js';
import { LEBEL_TRIM } from './lebel-conventions.js';
import { simulatedStory } from './simulate-assembly.js';
import { resolveSimulateOptions } from './simulate-options.js';
import type { ResolvedSimulateOptions, SimulateOptions } from './simulate-options.js';
import { createResponder } from './simulate-responses.js';
import { planStories, storyNames } from './simulate-stories.js';
import type { SimTranscript } from './simulate-text.js';
import { testTruth } from './simulate-truth.js';
import { plantWeights, pooledCovariance } from './simulate-weights.js';
import type { SimulationHooks } from './simulation-hooks.js';

export type { SimulationHooks } from './simulation-hooks.js';

const WHERE = 'assembly:simulate';

/** FIR delays (TRs) of the planted response: 4 TRs, as Huth/LITcoder fit. */
export const SIMULATION_DELAYS: readonly number[] = [1, 2, 3, 4];

/** The planted model, to compare fitted results against. */
export interface GroundTruth {
  /** 1 where the voxel carries signal, 0 for pure-noise voxels. */
  readonly planted: Uint8Array;
  /** Signal sd / noise sd per voxel over the response rows of all stories (0 for noise voxels). */
  readonly snr: Float64Array;
  /** Noise sd per voxel (stationary sd of the AR(1) noise of one repeat). */
  readonly noiseSd: Float64Array;
  /**
   * (delays × features) × voxels weights on the per-story z-scored, resampled features; row
   * `b·f + k` is feature k at delay `delays[b]` (Huth `make_delayed` column order).
   */
  readonly weights: Matrix<Float64Array>;
  readonly delays: readonly number[];
  /** Names of the feature columns. */
  readonly featureColumns: readonly string[];
  /** Best achievable test r per voxel: Pearson r of the noiseless signal and the stored test response (0 for noise voxels). */
  readonly bestR: Float64Array;
  /** The story `bestR` refers to. */
  readonly testStory: string;
}

/** A simulated subject: the assembly, its ground truth, and what the LeBel writer needs. */
export interface SimulatedSubject {
  readonly assembly: Assembly;
  readonly truth: GroundTruth;
  /** Word-tier intervals of every story (non-speech labels included) for writing TextGrids. */
  readonly transcripts: ReadonlyMap<string, SimTranscript>;
  /** respdict.json entries: TRs per story (grid TRs + 5). */
  readonly respdict: Readonly<Record<string, number>>;
  readonly options: ResolvedSimulateOptions;
}

/**
 * Simulates a subject, deterministically from `options.seed`: stories with realistic word timing
 * on the LeBel TR grid (`respdict − 5` TRs at `k·TR − 10 + TR/2`, responses = grid `[10:-5]`), a
 * planted linear encoding model on word-level features (word rate, random word embeddings, or any
 * extractor's output via `hooks.features`) resampled to the TR grid (Lanczos by default) and
 * z-scored per story, an FIR response over 4 TRs, per-voxel SNR drawn log-uniformly from a wide
 * range with some voxels pure noise, AR(1) noise, and a test story heard `testRepeats` times
 * (its response is the mean). Responses are computed on demand, voxel block by voxel block, so
 * large subjects stream; every voxel's values are the same whatever the block size.
 *
 * The phases live in their own files: stories and features (`simulate-stories.ts`), planted
 * weights (`simulate-weights.ts`), responses and noise (`simulate-responses.ts`), ground truth
 * (`simulate-truth.ts`) and the stories' response readers (`simulate-assembly.ts`).
 *
 * @example
 * const { assembly, truth } = await simulateSubject({ seed: 1, voxels: 100 });
 */
export async function simulateSubject(options: SimulateOptions = {}, hooks: SimulationHooks = {}): Promise<SimulatedSubject> {
  const o = resolveSimulateOptions(options);
  const root = createRng(o.seed);
  const resample = hooks.resample ?? ((input: DownsampleInput) => lanczosResample(input, 3, 1));
  const V = o.voxels;
  const trim = LEBEL_TRIM;
  const names = storyNames(o);

  const {
    plans,
    transcripts,
    respdict,
    featureColumns,
    nFeatures: f,
  } = await planStories(o, root, names, hooks, resample, SIMULATION_DELAYS);
  const p = f * SIMULATION_DELAYS.length;
  const cov = pooledCovariance(plans, p, trim.start);
  const model = plantWeights(o, root, cov, f, SIMULATION_DELAYS.length);
  const { planted, W, snr, noiseSd } = model;
  const responder = createResponder(model, root, { p, voxels: V, ar1: o.ar1, start: trim.start });
  const test = plans[plans.length - 1]!;
  const { testMean, bestR } = testTruth(test, responder, planted, V, hooks);

  const stories = new Map(plans.map((s) => [s.name, simulatedStory(s, { responder, voxels: V, trim, respdict, test, testMean })]));
  const truth: GroundTruth = {
    planted,
    snr,
    noiseSd,
    weights: { rows: p, cols: V, data: W },
    delays: SIMULATION_DELAYS,
    featureColumns,
    bestR,
    testStory: test.name,
  };
  const subject = o.subject ?? `sim-${o.seed}`;
  const assembly: Assembly = {
    metadata: {
      subject,
      tr: o.tr,
      nVoxels: V,
      trimming: 'lebel',
      provenance: {
        source: 'simulated',
        simulator: '@voxelwise/assembly simulateSubject',
        options: o,
        features: hooks.features ? 'custom' : o.features,
      },
      groundTruth: {
        planted: Array.from(planted),
        snr: Array.from(snr),
        noiseSd: Array.from(noiseSd),
        bestR: Array.from(bestR),
        testStory: test.name,
        delays: [...SIMULATION_DELAYS],
        featureColumns: [...featureColumns],
      },
    },
    storyNames: names,
    testStories: [test.name],
    async story(name) {
      const s = stories.get(name);
      if (!s)
        throw voxelwiseError({
          code: 'E_DATA_INVALID',
          where: WHERE,
          message: `no story "${name}" in simulated subject ${subject}`,
          expected: names,
        });
      return s;
    },
  };
  return { assembly, truth, transcripts, respdict, options: o };
}
