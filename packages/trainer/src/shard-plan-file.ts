import { join } from 'node:path';
import { voxelwiseError, z } from '@voxelwise/core';
import type { PluginRecord } from '@voxelwise/core';
import { arrayFileSchema, readJsonFile } from './shard-files.js';

const pluginRecordSchema = z.object({ specifier: z.string(), resolvedPath: z.string(), sha256: z.string() });

/** `plan.json` of a shard directory: one zod schema for the writer and every reader. */
export const shardPlanSchema = z.object({
  format: z.literal(1),
  /** Random id of this plan; every shard part records it, and the merge checks it. */
  planId: z.string(),
  createdAt: z.string(),
  /** sha256 of the config's science keys, as the run will record it. */
  configHash: z.string(),
  /** The config as given (plugins taken out, flags applied), with absolute `outDir` and `cacheDir`. */
  config: z.record(z.string(), z.unknown()),
  /** Where the plan ran: relative paths inside the config (an assembly's root) start here. */
  cwd: z.string(),
  /** Plugin modules the config loaded; fit and merge load the same files and check their SHA-256. */
  plugins: z.array(pluginRecordSchema),
  configFile: pluginRecordSchema.optional(),
  model: z.string(),
  shards: z.number().int().positive(),
  /** Contiguous, balanced voxel ranges, shard k = `ranges[k]`. */
  ranges: z.array(z.object({ index: z.number().int().nonnegative(), start: z.number().int().nonnegative(), end: z.number().int() })),
  /** Training samples, design columns, voxels. */
  n: z.number().int().positive(),
  p: z.number().int().positive(),
  nVoxels: z.number().int().positive(),
  design: z.object({
    /** Training design matrix, samples × columns, row-major. */
    X: arrayFileSchema.extend({ sha256: z.string() }),
    /** Training responses, float32, voxel-major (one voxel's samples after another). */
    Y: z.object({ file: z.string(), layout: z.literal('voxel-major'), sha256: z.string() }),
    /** Story index of each training row. */
    groups: arrayFileSchema.extend({ sha256: z.string() }),
  }),
  /** Bytes of the design files and of the shared model state. */
  bytes: z.object({ design: z.number(), shared: z.number() }),
  /** Milliseconds of the plan's stages. */
  timings: z.record(z.string(), z.number()),
  producer: z.record(z.string(), z.string()),
});

/** A parsed `plan.json`. */
export type ShardPlan = z.infer<typeof shardPlanSchema>;

/** The plan file of a shard directory. */
export const PLAN_FILE = 'plan.json';

/** Folder of shard `k`'s part. */
export function shardDirName(k: number): string {
  return `shard-${k}`;
}

/**
 * Reads and checks `<dir>/plan.json`.
 *
 * @throws VoxelwiseError `E_FILE_NOT_FOUND` when the folder has no plan, `E_FILE_FORMAT` when it does not fit the schema.
 */
export async function readShardPlan(dir: string): Promise<ShardPlan> {
  const path = join(dir, PLAN_FILE);
  const parsed = shardPlanSchema.safeParse(await readJsonFile(path, 'trainer:shard'));
  if (!parsed.success) {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where: 'trainer:shard',
      message: `${path} is not a shard plan: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      hint: 'Run "voxelwise shard plan <config> --shards N --dir <dir>" to write one.',
      details: { file: path },
    });
  }
  return parsed.data;
}

/** Contiguous voxel ranges of (almost) equal size: shard k holds voxels ⌊k·v/N⌋ … ⌊(k+1)·v/N⌋ − 1. */
export function shardRanges(v: number, shards: number): ShardPlan['ranges'] {
  return Array.from({ length: shards }, (_, index) => ({
    index,
    start: Math.floor((index * v) / shards),
    end: Math.floor(((index + 1) * v) / shards),
  }));
}

/** A plugin record as plain JSON. */
export function pluginJson(p: PluginRecord): PluginRecord {
  return { specifier: p.specifier, resolvedPath: p.resolvedPath, sha256: p.sha256 };
}
