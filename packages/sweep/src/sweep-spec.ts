import { formatIssues, voxelwiseError, z } from '@voxelwise/core';

/** Scheduler resources of one stage of a Slurm sweep (each maps to one `sbatch` flag). */
export const resourcesSchema = z
  .object({
    /** `--cpus-per-task`. */
    cpusPerTask: z.number().int().positive().optional(),
    /** `--mem`, as Slurm writes it (`8G`, `500M`). */
    mem: z.string().min(1).optional(),
    /** `--time`, as Slurm writes it (`02:00:00`, `1-00:00:00`). */
    time: z.string().min(1).optional(),
    partition: z.string().min(1).optional(),
    account: z.string().min(1).optional(),
    /** `--gres`, e.g. `gpu:1` for the feature extraction. */
    gres: z.string().min(1).optional(),
    /** Further `sbatch` flags, passed as written (`["--qos=short", "--constraint=avx2"]`). */
    extra: z.array(z.string()).optional(),
  })
  .strict();

/** Scheduler resources of one stage. */
export type Resources = z.output<typeof resourcesSchema>;

/** The `sweep:` block of a sweep file: how the cells run. Every key has a default. */
export const sweepSettingsSchema = z
  .object({
    /** Name of the sweep. @default the base config's `name`, else `sweep` */
    name: z.string().min(1).optional(),
    /** Sweep directory, relative to the current folder. @default `sweeps/<name>` */
    dir: z.string().min(1).optional(),
    /** `local` (child processes on this machine) or `slurm` (job arrays). @default local */
    executor: z.enum(['local', 'slurm']).default('local'),
    /** Local executor: cells at a time. @default CPU cores, fewer when memory cannot hold them */
    parallel: z.number().int().positive().optional(),
    /**
     * Splits each cell's fit into this many voxel shards (`voxelwise shard plan | fit | merge`):
     * on Slurm one array task per shard, locally the shards one after another. The merged run
     * equals the single-process fit. @default 1 (no sharding)
     */
    shards: z.number().int().positive().default(1),
    /** Resubmissions of a failed cell before it is reported failed. @default 1 */
    retries: z.number().int().min(0).default(1),
    slurm: z
      .object({
        /** Resources of the feature-extraction array (one task per distinct assembly × features). */
        extract: resourcesSchema.default({}),
        /** Resources of the fit array (one task per cell). */
        fit: resourcesSchema.default({}),
        /** Resources of the merge job. */
        merge: resourcesSchema.default({}),
        /** At most this many array tasks at once (`--array=0-n%k`). */
        throttle: z.number().int().positive().optional(),
        /** Seconds between two looks at `squeue`. @default 10 */
        pollSeconds: z.number().positive().default(10),
        /** Slurm job name prefix. @default `vw-<name>` */
        jobName: z.string().min(1).optional(),
      })
      .strict()
      .default({ extract: {}, fit: {}, merge: {}, pollSeconds: 10 }),
  })
  .strict();

/** The `sweep:` block with defaults filled. */
export type SweepSettings = z.output<typeof sweepSettingsSchema>;

/** A sweep file split into its parts. */
export interface SweepSpec {
  /** The base config: every key of the file but `grid` and `sweep`. */
  base: Record<string, unknown>;
  /** The grid as written: config path (or `subject`, `seed`) → list, `"a..b"` range or value. */
  grid: Record<string, unknown>;
  settings: SweepSettings;
}

/**
 * Splits a parsed sweep file into the base config, the grid and the sweep settings. The file is
 * a normal run config with two more keys: `grid` (required, at least one key) and `sweep`
 * (optional). The base config itself is checked per cell by the trainer's schema.
 *
 * @example
 * const spec = parseSweepSpec(YAML.parse(text), 'sweep.yaml');
 */
export function parseSweepSpec(input: unknown, source = 'sweep file'): SweepSpec {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: 'sweep:config',
      message: `${source} is not an object with a base config and a "grid"`,
      hint: 'Write a run config plus grid: { "features.0.options.layer": "0..12" }.',
    });
  }
  const { grid, sweep, ...base } = input as Record<string, unknown>;
  if (grid === null || typeof grid !== 'object' || Array.isArray(grid) || Object.keys(grid).length === 0) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: 'sweep:config',
      message: `${source} has no "grid" (or an empty one)`,
      hint: 'Add grid: { subject: [UTS01, UTS02], "features.0.options.layer": "0..12" }.',
    });
  }
  const parsed = sweepSettingsSchema.safeParse(sweep ?? {});
  if (!parsed.success) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: 'sweep:config',
      message: `${source}: key "sweep" is invalid: ${formatIssues(parsed.error.issues).replaceAll('option "', 'key "sweep.')}`,
      hint: 'See "voxelwise sweep --help" for the sweep settings.',
    });
  }
  return { base, grid: grid as Record<string, unknown>, settings: parsed.data };
}
