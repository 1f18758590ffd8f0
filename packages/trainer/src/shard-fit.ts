import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { canShard, createEventBus, isVoxelwiseError, matrix, timed, voxelwiseError } from '@voxelwise/core';
import type { EventSink, Matrix, ModelShards, Registry, ShardDesign, ShardPart, ShardState, StageContext } from '@voxelwise/core';
import { withLock, writeDirAtomic } from '@voxelwise/io';
import type { LockOptions } from '@voxelwise/io';
import { resolveConfig } from './config.js';
import { runContext } from './pipeline.js';
import { readArrayFile, readState, readVoxelRange, writeState } from './shard-files.js';
import { readShardPlan, shardDirName } from './shard-plan-file.js';
import type { ShardPlan } from './shard-plan-file.js';

const WHERE = 'trainer:shard-fit';

/** Name of a shard part's state files inside its folder (`part.json` plus `part.<array>.bin`). */
export const PART_NAME = 'part';

/** What a shard part records about itself beside the model's own state. */
export interface PartRecord {
  planId: string;
  index: number;
  start: number;
  end: number;
  host: string;
  pid: number;
  finishedAt: string;
  durationMs: number;
}

/** Options of {@link fitShard}. */
export interface ShardFitOptions {
  /** The registry the plan's config composes its model from (the plan's plugins already in it). */
  registry: Registry;
  onEvent?: EventSink;
  signal?: AbortSignal;
  /**
   * The lock that keeps two processes from fitting the same shard (a resubmitted array task
   * while the first one still runs): how long a silent holder is waited for, etc.
   */
  lock?: Omit<LockOptions, 'signal' | 'label' | 'where'>;
}

/** What {@link fitShard} did. */
export interface ShardFitResult {
  dir: string;
  index: number;
  start: number;
  end: number;
  /** `skipped`: the shard was already complete (from this plan). */
  status: 'fitted' | 'skipped';
  durationMs: number;
}

/** The shard's model (the plan's config's, which must offer ModelShards), its design and shared state. */
export async function shardInputs(
  dir: string,
  plan: ShardPlan,
  registry: Registry,
  ctx: StageContext,
  where: string,
): Promise<{ shards: ModelShards; design: ShardDesign; shared: ShardState }> {
  const config = resolveConfig(plan.config);
  const model = await registry.create('model', config.model, ctx);
  if (!canShard(model)) {
    throw voxelwiseError({ code: 'E_CONFIG_INVALID', where, message: `model "${config.model.name}" cannot be fitted in shards` });
  }
  const designDir = join(dir, 'design');
  const Xdata = await readArrayFile(designDir, plan.design.X, where);
  const groups = await readArrayFile(designDir, plan.design.groups, where);
  if (!(Xdata instanceof Float32Array || Xdata instanceof Float64Array) || !(groups instanceof Int32Array)) {
    throw voxelwiseError({ code: 'E_FILE_FORMAT', where, message: `${designDir}: the design files have the wrong element types` });
  }
  const design: ShardDesign = { X: matrix(plan.n, plan.p, Xdata), groups, nVoxels: plan.nVoxels };
  const shared = await readState(join(dir, 'shared'), 'state', where);
  return { shards: model.shards, design, shared };
}

/**
 * Reads shard `index`'s part when it is complete and from this plan; undefined when it is not
 * there yet.
 *
 * @throws VoxelwiseError `E_DATA_INVALID` naming the shard when its part belongs to another plan or range.
 */
export async function readPart(dir: string, plan: ShardPlan, index: number, where: string): Promise<ShardPart | undefined> {
  const partDir = join(dir, shardDirName(index));
  if (!existsSync(join(partDir, `${PART_NAME}.json`))) return undefined;
  const state = await readState(partDir, PART_NAME, where);
  const rec = state.meta['record'] as Partial<PartRecord> | undefined;
  const range = plan.ranges[index]!;
  if (rec?.planId !== plan.planId || rec.index !== index || rec.start !== range.start || rec.end !== range.end) {
    throw voxelwiseError({
      code: 'E_DATA_INVALID',
      where,
      message: `shard ${index} (${partDir}) belongs to another plan: it records plan ${rec?.planId ?? '?'}, shard ${rec?.index ?? '?'}, voxels ${rec?.start ?? '?'}–${rec?.end === undefined ? '?' : rec.end - 1}; this plan is ${plan.planId} with voxels ${range.start}–${range.end - 1}`,
      hint: `Remove ${partDir} and fit the shard again: voxelwise shard fit --dir ${dir} --index ${index}`,
      details: { shard: index, file: partDir },
    });
  }
  return { range: { start: range.start, end: range.end }, arrays: state.arrays, meta: state.meta };
}

/**
 * Fits shard `index` of the plan in `dir`: reads the design, its voxels' responses (one
 * contiguous read) and the shared state, fits those voxels (`ModelShards.fit`) and writes
 * `<dir>/shard-<index>/` atomically. Idempotent: a shard already complete from this plan is
 * skipped. A lock file (`shard-<index>.lock`, see `@voxelwise/io` `acquireLock`) keeps two
 * processes from fitting the same shard at once; a dead holder's lock is taken over.
 *
 * @throws VoxelwiseError `E_USAGE` for an index outside the plan; `E_FILE_NOT_FOUND` without a plan.
 * @example
 * await fitShard('shards/uts03', Number(process.env.SLURM_ARRAY_TASK_ID), { registry });
 */
export async function fitShard(dirIn: string, index: number, options: ShardFitOptions): Promise<ShardFitResult> {
  const t0 = Date.now();
  const dir = resolve(dirIn);
  const plan = await readShardPlan(dir);
  if (!Number.isInteger(index) || index < 0 || index >= plan.shards) {
    throw voxelwiseError({
      code: 'E_USAGE',
      where: WHERE,
      message: `--index ${index} is not a shard of ${dir}, which has shards 0–${plan.shards - 1}`,
    });
  }
  const range = plan.ranges[index]!;
  const result = (status: ShardFitResult['status']): ShardFitResult => ({
    dir,
    index,
    start: range.start,
    end: range.end,
    status,
    durationMs: Date.now() - t0,
  });
  if (await readPart(dir, plan, index, WHERE)) return result('skipped');
  return withLock(
    join(dir, `${shardDirName(index)}.lock`),
    async () => {
      // Another process may have finished it while this one waited for the lock.
      if (await readPart(dir, plan, index, WHERE)) return result('skipped');
      const bus = createEventBus();
      if (options.onEvent) bus.subscribe(options.onEvent);
      const ctx = runContext(resolveConfig(plan.config), bus.emit, options.registry, options.signal);
      const { shards, design, shared } = await shardInputs(dir, plan, options.registry, ctx, WHERE);
      const b = range.end - range.start;
      const Y: Matrix = matrix(
        plan.n,
        b,
        await readVoxelRange(join(dir, 'design', plan.design.Y.file), plan.n, range.start, range.end, WHERE),
      );
      const part = await timed(bus.emit, `shard/fit`, () => shards.fit(shared, design, Y, { start: range.start, end: range.end }, ctx), {
        kind: 'model',
        name: plan.model,
      });
      const record: PartRecord = {
        planId: plan.planId,
        index,
        start: range.start,
        end: range.end,
        host: hostname(),
        pid: process.pid,
        finishedAt: new Date().toISOString(),
        durationMs: Date.now() - t0,
      };
      try {
        await writeDirAtomic(
          join(dir, shardDirName(index)),
          async (tmp) => {
            await writeState(tmp, PART_NAME, { arrays: part.arrays, meta: { ...part.meta, record } }, WHERE);
          },
          { where: WHERE },
        );
      } catch (error) {
        // A process that took the lock over (this one looked dead) finished first: its part is as good.
        if (isVoxelwiseError(error, 'E_IO') && (await readPart(dir, plan, index, WHERE))) return result('skipped');
        throw error;
      }
      return result('fitted');
    },
    { ...options.lock, label: `shard ${index} of ${dir}`, where: WHERE, ...(options.signal ? { signal: options.signal } : {}) },
  );
}
