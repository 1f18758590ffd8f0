import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { canShard, createEventBus, timed, voxelwiseError } from '@voxelwise/core';
import type { EventSink, PluginRecord, Registry } from '@voxelwise/core';
import { withLock, writeDirAtomic, writeFileAtomic } from '@voxelwise/io';
import { resolveConfig } from './config.js';
import type { ResolvedConfig } from './config.js';
import { DesignBuilder, planSplit, runContext } from './pipeline.js';
import type { FeatureStages } from './pipeline.js';
import { checkStories } from './preflight.js';
import { configHash } from './run-dir.js';
import { scienceKeys } from './science-keys.js';
import { bytesOf, sha256Of, writeArrayFile, writeState, writeVoxelMajor } from './shard-files.js';
import { PLAN_FILE, pluginJson, readShardPlan, shardRanges } from './shard-plan-file.js';
import type { ShardPlan } from './shard-plan-file.js';
import { versions } from './versions.js';

const WHERE = 'trainer:shard-plan';

/** Options of {@link planShards}. */
export interface ShardPlanOptions {
  /** The registry to compose stages from (the config's plugins already in it). */
  registry: Registry;
  /** Number of shards (array tasks). */
  shards: number;
  /** The shard directory to create. */
  dir: string;
  /** Resolve relative paths against this directory. @default process.cwd() */
  cwd?: string;
  onEvent?: EventSink;
  signal?: AbortSignal;
  /** Recompute cached features. @default false */
  force?: boolean;
  /** Plugin modules the config loaded; fit and merge load the same files. */
  plugins?: readonly PluginRecord[];
  /** The config file the plan came from (recorded in the merged run). */
  configFile?: PluginRecord;
}

/** What {@link planShards} did. */
export interface ShardPlanResult {
  /** Absolute shard directory. */
  dir: string;
  plan: ShardPlan;
  /** True when an identical plan (same config hash and shard count) was already there and was kept. */
  reused: boolean;
}

/** Checks a config can be sharded at all, before any work. */
function checkShardable(config: ResolvedConfig, shards: number): void {
  if (!Number.isInteger(shards) || shards < 1) {
    throw voxelwiseError({ code: 'E_USAGE', where: WHERE, message: `--shards must be a positive integer`, got: shards });
  }
  if (config.layers) {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: WHERE,
      message: 'key "layers": a sharded fit fits one configuration, not a layer sweep',
      hint: 'Plan one shard directory per layer (voxelwise sweep does this), or drop "layers".',
    });
  }
  if (config.split.mode === 'nested-cv') {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: WHERE,
      message: 'split.mode "nested-cv" cannot be sharded: only train/test fits (split.mode "test-stories") are',
      hint: 'Use split.mode "test-stories", or run the nested CV with "voxelwise train".',
    });
  }
}

/**
 * Plans a sharded fit of one config: resolves and checks it, extracts (and caches) the features,
 * builds the training design, lets the model compute what every shard shares
 * (`ModelShards.prepare`: for `ridge-cv` the fold factorisations and projection stacks), and
 * writes `<dir>` atomically: `plan.json` (config, voxel ranges, hashes), `design/` (X,
 * responses voxel-major so a shard reads its voxels in one read, groups) and `shared/`. A
 * directory that already holds a plan of the same config and shard count is kept as it is.
 *
 * @throws VoxelwiseError `E_CONFIG_INVALID` for a layer sweep, nested CV, a model that cannot be
 * sharded or more shards than voxels; `E_IO` when `dir` exists with something else in it.
 * @example
 * const { dir, plan } = await planShards(config, { registry, shards: 3, dir: 'shards/uts03' });
 */
export async function planShards(input: unknown, options: ShardPlanOptions): Promise<ShardPlanResult> {
  const t0 = Date.now();
  const config = resolveConfig(input);
  const cwd = options.cwd ?? process.cwd();
  const resolved: ResolvedConfig = { ...config, outDir: resolve(cwd, config.outDir), cacheDir: resolve(cwd, config.cacheDir) };
  const hash = configHash(scienceKeys(config));
  const dir = resolve(cwd, options.dir);
  const registry = options.registry;
  checkShardable(config, options.shards);
  registry.resolveOptions('assembly-source', config.assembly);
  for (const f of config.features) registry.resolveOptions('extractor', f);
  registry.resolveOptions('downsampler', config.downsampler);
  registry.resolveOptions('model', config.model);

  await mkdir(dirname(dir), { recursive: true });
  // Two plans of one directory at once (a resubmitted task) would replace each other's: the
  // second waits for the first, then keeps its plan.
  return withLock(
    `${dir}.plan.lock`,
    async (): Promise<ShardPlanResult> => {
      if (existsSync(join(dir, PLAN_FILE))) {
        const existing = await readShardPlan(dir);
        if (existing.configHash === hash && existing.shards === options.shards) return { dir, plan: existing, reused: true };
        throw voxelwiseError({
          code: 'E_IO',
          where: WHERE,
          message: `${dir} already holds a plan of ${existing.shards} shards for config hash ${existing.configHash.slice(0, 8)}, not ${options.shards} shards for ${hash.slice(0, 8)}`,
          hint: 'Choose another --dir, or remove that directory first.',
          details: { file: dir },
        });
      }

      const bus = createEventBus();
      const timings: Record<string, number> = {};
      bus.subscribe((e) => {
        if (e.type === 'stage:end') timings[e.stage] = (timings[e.stage] ?? 0) + e.durationMs;
      });
      if (options.onEvent) bus.subscribe(options.onEvent);
      const ctx = runContext(resolved, bus.emit, registry, options.signal, options.force);
      const model = await registry.create('model', config.model, ctx);
      if (!canShard(model)) {
        throw voxelwiseError({
          code: 'E_CONFIG_INVALID',
          where: WHERE,
          message: `model "${config.model.name}" cannot be fitted in shards (it offers no ModelShards)`,
          hint: 'Fit it in one process with "voxelwise train", or use ridge-cv.',
        });
      }
      const source = await registry.create('assembly-source', config.assembly, ctx);
      const assembly = await timed(bus.emit, 'assembly', () => source.load(ctx), { kind: 'assembly-source', name: config.assembly.name });
      const split = planSplit(resolved, assembly);
      if (split.mode !== 'test-stories') throw new Error('unreachable: nested CV was refused above');
      await checkStories(resolved, split, assembly);
      const builder = new DesignBuilder(resolved, assembly);
      const stages: FeatureStages = { extractors: [], downsampler: await registry.create('downsampler', config.downsampler, ctx) };
      let design;
      try {
        for (const ref of config.features) stages.extractors.push(await registry.create('extractor', ref, ctx));
        design = await timed(bus.emit, 'design', () => builder.trainTest(split, stages, ctx));
      } finally {
        for (const ex of stages.extractors) await ex.dispose?.();
      }
      const { Xtrain, Ytrain, groups } = design;
      const v = Ytrain.cols;
      if (options.shards > v) {
        throw voxelwiseError({
          code: 'E_CONFIG_INVALID',
          where: WHERE,
          message: `${options.shards} shards for ${v} voxels: every shard needs at least one voxel`,
          hint: `Use at most ${v} shards.`,
        });
      }
      const shared = await timed(bus.emit, `shard/prepare`, () => model.shards.prepare({ X: Xtrain, groups, nVoxels: v }, ctx), {
        kind: 'model',
        name: config.model.name,
      });

      const plan = await timed(bus.emit, 'shard/write-plan', () =>
        writeDirAtomic(
          dir,
          async (tmp) => {
            await mkdir(join(tmp, 'design'));
            await mkdir(join(tmp, 'shared'));
            const X = await writeArrayFile(join(tmp, 'design'), 'X.bin', Xtrain.data, WHERE);
            const g = await writeArrayFile(join(tmp, 'design'), 'groups.bin', groups, WHERE);
            await writeVoxelMajor(join(tmp, 'design', 'Y.bin'), Ytrain, WHERE);
            const sharedBytes = await writeState(join(tmp, 'shared'), 'state', shared, WHERE);
            const out: ShardPlan = {
              format: 1,
              planId: randomBytes(8).toString('hex'),
              createdAt: new Date().toISOString(),
              configHash: hash,
              config: { ...(input as Record<string, unknown>), outDir: resolved.outDir, cacheDir: resolved.cacheDir },
              cwd,
              plugins: (options.plugins ?? []).map(pluginJson),
              ...(options.configFile ? { configFile: pluginJson(options.configFile) } : {}),
              model: config.model.name,
              shards: options.shards,
              ranges: shardRanges(v, options.shards),
              n: Xtrain.rows,
              p: Xtrain.cols,
              nVoxels: v,
              design: {
                X: { ...X, sha256: sha256Of(Xtrain.data) },
                Y: { file: 'Y.bin', layout: 'voxel-major', sha256: sha256Of(Ytrain.data) },
                groups: { ...g, sha256: sha256Of(groups) },
              },
              bytes: { design: bytesOf(Xtrain.data).byteLength + Ytrain.data.byteLength + groups.byteLength, shared: sharedBytes },
              timings: { ...timings, total: Date.now() - t0 },
              producer: versions(),
            };
            // plan.json last: a directory with a plan is a complete one.
            await writeFileAtomic(join(tmp, PLAN_FILE), `${JSON.stringify(out, null, 2)}\n`);
            return out;
          },
          { where: WHERE },
        ),
      );
      return { dir, plan, reused: false };
    },
    { label: `the shard plan ${dir}`, where: WHERE, ...(options.signal ? { signal: options.signal } : {}) },
  );
}
