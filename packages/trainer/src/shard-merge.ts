import { join, resolve } from 'node:path';
import { createEventBus, voxelwiseError } from '@voxelwise/core';
import type { EventSink, FittedModel, Model, PluginRecord, Registry, ShardPart, StageInstances, StageKind } from '@voxelwise/core';
import { sha256Of } from './shard-files.js';
import { PART_NAME, readPart, shardInputs } from './shard-fit.js';
import type { PartRecord } from './shard-fit.js';
import { readShardPlan, shardDirName } from './shard-plan-file.js';
import type { ShardPlan } from './shard-plan-file.js';
import { runContext } from './pipeline.js';
import { resolveConfig } from './config.js';
import { train } from './train.js';
import type { RunResult } from './train.js';

const WHERE = 'trainer:shard-merge';

/** Options of {@link mergeShards}. */
export interface ShardMergeOptions {
  /** The registry the plan's config composes its stages from (the plan's plugins already in it). */
  registry: Registry;
  onEvent?: EventSink;
  signal?: AbortSignal;
  /** The plugin records of the modules loaded for the merge (default: the plan's). */
  plugins?: readonly PluginRecord[];
}

/**
 * Every shard's part, checked: complete, from this plan, with its own voxel range.
 *
 * @throws VoxelwiseError `E_FILE_NOT_FOUND` naming every shard that is not finished; `E_DATA_INVALID` naming a shard of another plan.
 */
async function readParts(dir: string, plan: ShardPlan): Promise<ShardPart[]> {
  const parts: ShardPart[] = [];
  const missing: number[] = [];
  for (const r of plan.ranges) {
    const part = await readPart(dir, plan, r.index, WHERE);
    if (part) parts.push(part);
    else missing.push(r.index);
  }
  if (missing.length > 0) {
    const list = missing.map((k) => `shard ${k} (voxels ${plan.ranges[k]!.start}–${plan.ranges[k]!.end - 1})`);
    throw voxelwiseError({
      code: 'E_FILE_NOT_FOUND',
      where: WHERE,
      message: `${missing.length} of the ${plan.shards} shards in ${dir} are not finished: ${list.join(', ')} (no ${join(shardDirName(missing[0]!), `${PART_NAME}.json`)}${missing.length > 1 ? ', …' : ''})`,
      hint: `Fit them first: ${missing.map((k) => `voxelwise shard fit --dir ${dir} --index ${k}`).join('; ')}`,
      details: { shards: missing, file: join(dir, shardDirName(missing[0]!)) },
    });
  }
  return parts;
}

/**
 * A registry that hands out `model` as the run's model and everything else from `registry`.
 * The merge runs the ordinary {@link train} with it, so the run directory is written by the
 * same code as a single-process run's.
 */
function withModel(registry: Registry, model: Model): Registry {
  const create = <K extends StageKind>(kind: K, ref: Parameters<Registry['create']>[1], ctx: Parameters<Registry['create']>[2]) =>
    kind === 'model' ? Promise.resolve(model as StageInstances[K]) : registry.create(kind, ref, ctx);
  return {
    use: (entry) => registry.use(entry),
    has: (kind, name) => registry.has(kind, name),
    get: (kind, name) => registry.get(kind, name),
    names: (kind) => registry.names(kind),
    list: (kind) => registry.list(kind),
    resolveOptions: (kind, ref) => registry.resolveOptions(kind, ref),
    create,
  };
}

/** `fitted` with `extra` added to its info (the object itself is the model's; its other members are kept as they are). */
function withInfo(fitted: FittedModel, extra: Record<string, unknown>): FittedModel {
  const info = { ...fitted.info, ...extra };
  return new Proxy(fitted, { get: (target, key, receiver) => (key === 'info' ? info : Reflect.get(target, key, receiver)) });
}

/**
 * Merges the shards of the plan in `dir` into one ordinary run directory: checks that every
 * shard is complete and from this plan, then runs the plan's config through {@link train}
 * with the model's `fit` replaced by `ModelShards.merge` of the parts. The design the run
 * rebuilds (features from the cache, the responses) is checked against the plan's hashes, so
 * the merged `scores.arrow` and `weights.arrow` are those of the single-process fit of the same
 * config. `run.json`'s model info records the shards (`shards`).
 *
 * @throws VoxelwiseError `E_FILE_NOT_FOUND` / `E_DATA_INVALID` naming the shard that is missing or
 * from another plan; `E_DATA_INVALID` when the rebuilt design differs from the plan's.
 * @example
 * const run = await mergeShards('shards/uts03', { registry });
 * console.log(run.runDir);
 */
export async function mergeShards(dirIn: string, options: ShardMergeOptions): Promise<RunResult> {
  const dir = resolve(dirIn);
  const plan = await readShardPlan(dir);
  const parts = await readParts(dir, plan);
  const real = await options.registry.create('model', resolveConfig(plan.config).model, createMergeContext(plan, options));
  const records = parts.map((p) => p.meta['record'] as PartRecord);
  const merged: Model = {
    id: real.id,
    async fit(data, ctx) {
      const check = (what: string, got: string, expected: string) => {
        if (got === expected) return;
        throw voxelwiseError({
          code: 'E_DATA_INVALID',
          where: WHERE,
          message: `the merge rebuilt different training ${what} than the plan in ${dir} had (sha256 ${got.slice(0, 12)}…, plan ${expected.slice(0, 12)}…)`,
          hint: 'The assembly, the feature cache or the code changed since "voxelwise shard plan"; plan and fit again.',
          details: { file: dir },
        });
      };
      check('features (X)', sha256Of(data.X.data), plan.design.X.sha256);
      check('responses (Y)', sha256Of(data.Y.data), plan.design.Y.sha256);
      check('groups', sha256Of(data.groups ?? new Int32Array(0)), plan.design.groups.sha256);
      const { shards, design, shared } = await shardInputs(dir, plan, options.registry, ctx, WHERE);
      const fitted = await shards.merge(shared, design, parts, ctx);
      return withInfo(fitted, {
        shards: {
          dir,
          planId: plan.planId,
          count: plan.shards,
          ranges: plan.ranges.map((r) => [r.start, r.end]),
          planMs: plan.timings['total'],
          fitMs: records.map((r) => r.durationMs),
          hosts: [...new Set(records.map((r) => r.host))],
          bytes: plan.bytes,
        },
      });
    },
  };
  return train(plan.config, {
    registry: withModel(options.registry, merged),
    cwd: plan.cwd,
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    plugins: options.plugins ?? plan.plugins,
    ...(plan.configFile ? { configFile: plan.configFile } : {}),
  });
}

/** A context for creating the plan's model outside the run (its events go to `onEvent`). */
function createMergeContext(plan: ShardPlan, options: ShardMergeOptions) {
  const bus = createEventBus();
  if (options.onEvent) bus.subscribe(options.onEvent);
  return runContext(resolveConfig(plan.config), bus.emit, options.registry, options.signal);
}
