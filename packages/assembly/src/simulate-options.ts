import { formatIssues, voxelwiseError, z } from '@voxelwise/core';

/** Fields of the simulator options (shared by {@link simulateSubject} and the `simulated` stage). */
export const simulateOptionsObject = z
  .object({
    /** Seed of every random draw. */
    seed: z.number().int().default(0),
    /** Number of stories, the held-out test story included (it comes last). */
    stories: z.number().int().min(2).default(4),
    /** Seconds of speech per story (each story varies by ±15 %). */
    duration: z.number().positive().default(360),
    voxels: z.number().int().positive().default(40),
    /** Fraction of voxels carrying the planted signal; the rest are pure noise. */
    plantedFraction: z.number().min(0).max(1).default(0.5),
    /** Repetition time, seconds (the LeBel layout needs 2). */
    tr: z.number().positive().default(2),
    /** Word-level features of the planted model: word rate (ones per word) or random word embeddings. */
    features: z.enum(['wordrate', 'embedding']).default('wordrate'),
    /** Dimension of the random word embeddings. */
    embeddingDim: z.number().int().positive().default(8),
    /** Planted voxels draw their SNR (signal sd / noise sd) log-uniformly from [snrMin, snrMax]. */
    snrMin: z.number().positive().default(0.25),
    snrMax: z.number().positive().default(4),
    /** AR(1) coefficient of the noise. */
    ar1: z.number().min(0).max(0.99).default(0.3),
    /** Repeats of the test story; its stored response is their mean. */
    testRepeats: z.number().int().positive().default(10),
    /** Name of the held-out story. */
    testStory: z.string().min(1).default('wheretheressmoke'),
    /** Subject name. @default `sim-<seed>` */
    subject: z.string().min(1).optional(),
  })
  .strict();

/** Refinement shared by every simulator options schema. */
export const snrRangeCheck: [(o: { snrMin: number; snrMax: number }) => boolean, { message: string; path: string[] }] = [
  (o) => o.snrMax >= o.snrMin,
  { message: 'snrMax must be at least snrMin', path: ['snrMax'] },
];

/** Options of the simulator, validated. */
export const simulateOptionsSchema = simulateOptionsObject.refine(...snrRangeCheck);

/** Options of {@link simulateSubject}, as written by users. */
export type SimulateOptions = z.input<typeof simulateOptionsSchema>;

/** Options of the simulator with defaults filled in. */
export type ResolvedSimulateOptions = z.output<typeof simulateOptionsSchema>;

/** Validates simulator options (`E_OPTIONS_INVALID` naming the option). */
export function resolveSimulateOptions(options: SimulateOptions): ResolvedSimulateOptions {
  return parseSimulatorOptions(simulateOptionsSchema, options);
}

/**
 * Validates the options of any simulator against its schema, defaults filled in; every simulator
 * reports a bad option the same way (`E_OPTIONS_INVALID` naming the option).
 */
export function parseSimulatorOptions<T extends z.ZodType>(schema: T, options: unknown): z.output<T> {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where: 'assembly:simulate',
      message: `invalid simulator options: ${formatIssues(parsed.error.issues)}`,
    });
  }
  return parsed.data;
}
