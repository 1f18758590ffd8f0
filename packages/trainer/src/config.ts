import { voxelwiseError, z, formatIssues } from '@voxelwise/core';
import type { StageRef } from '@voxelwise/core';

const stageRef = z
  .object({
    name: z.string().min(1),
    options: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();

const sizeString = z.union([
  z.number().positive(),
  z.string().regex(/^\d+(\.\d+)?\s*(B|KB|MB|GB|KiB|MiB|GiB)?$/i, 'a size such as "4GB" or a number of bytes'),
]);

/** Parses `4GB`, `512MiB` or a byte count. */
export function parseSize(size: number | string): number {
  if (typeof size === 'number') return size;
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(size.trim());
  const units: Record<string, number> = { '': 1, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3 };
  const factor = m ? units[m[2]!.toLowerCase()] : undefined;
  if (!m || factor === undefined) {
    throw voxelwiseError({ code: 'E_CONFIG_INVALID', where: 'trainer:config', message: `memoryBudget "${size}" is not a size`, hint: 'Write e.g. "4GB" or a number of bytes.' });
  }
  return Number(m[1]) * factor;
}

/** Trim of a matrix's rows: `[start, end)`, negative end counting from the end (Python slice). */
const slice = z.object({ start: z.number().int().default(0), end: z.number().int().nullable().default(null) }).strict();

/** The runtime schema of a run config (JSON, YAML or TS). */
export const configSchema = z
  .object({
    $schema: z.string().optional(),
    /** Run name, used in the run id. */
    name: z.string().regex(/^[A-Za-z0-9._-]+$/).default('run'),
    seed: z.number().int().default(0),
    /** Where run directories go. */
    outDir: z.string().default('results'),
    cacheDir: z.string().default('.voxelwise-cache'),
    memoryBudget: sizeString.default('4GB'),
    assembly: stageRef,
    /** Feature extractors; their columns are concatenated in this order. */
    features: z.array(stageRef).min(1),
    /** Resampler for word-level features (TR-level features skip it). */
    downsampler: stageRef.default({ name: 'rect' }),
    /** FIR delays in TRs. */
    delays: z.array(z.number().int()).min(1).default([1, 2, 3, 4]),
    /** Pipeline order: `litcoder` (delay per story → trim → z-score) or `huth` (trim → z-score → stack → delay). */
    preset: z.enum(['litcoder', 'huth']).default('litcoder'),
    /**
     * Row trims applied after delays (litcoder) as Python slices. By default features are cut to
     * the rows that have responses (the story's own trim) and targets are kept whole.
     */
    trimming: z
      .object({
        trainFeatures: slice.optional(),
        trainTargets: slice.optional(),
        testFeatures: slice.optional(),
        testTargets: slice.optional(),
      })
      .strict()
      .default({}),
    split: z
      .object({
        /** Held-out stories; default: the assembly's test stories. */
        testStories: z.array(z.string()).optional(),
        /** Only these stories (train + test); default all. */
        stories: z.array(z.string()).optional(),
      })
      .strict()
      .default({}),
    model: stageRef.default({ name: 'ridge-cv' }),
    loggers: z.array(stageRef).default([]),
    /** Save weights into the run directory. */
    saveWeights: z.boolean().default(true),
  })
  .strict();

/** A validated config with defaults filled. */
export type ResolvedConfig = z.output<typeof configSchema>;

/** A config as written in TypeScript: stage names and options checked at compile time. */
export interface VoxelwiseConfig extends Omit<z.input<typeof configSchema>, 'assembly' | 'features' | 'downsampler' | 'model' | 'loggers'> {
  assembly: StageRef<'assembly-source'>;
  features: [StageRef<'extractor'>, ...StageRef<'extractor'>[]];
  downsampler?: StageRef<'downsampler'>;
  model?: StageRef<'model'>;
  loggers?: StageRef<'logger'>[];
}

/**
 * Identity helper that types a config file.
 *
 * @example
 * export default defineConfig({
 *   assembly: { name: 'simulated', options: { seed: 1 } },
 *   features: [{ name: 'wordrate' }],
 * });
 */
export function defineConfig(config: VoxelwiseConfig): VoxelwiseConfig {
  return config;
}

/** Validates a config, throwing `E_CONFIG_INVALID` that names the offending key. */
export function resolveConfig(input: unknown, source = 'config'): ResolvedConfig {
  const parsed = configSchema.safeParse(input);
  if (!parsed.success) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: 'trainer:config',
      message: `${source} is invalid: ${formatIssues(parsed.error.issues).replaceAll('option "', 'key "')}`,
      details: { source, issues: parsed.error.issues },
      hint: 'Fix the keys named above; "voxelwise train --help" shows the config format.',
    });
  }
  return parsed.data;
}
