import type { PluginRecord, Registry } from '@voxelwise/core';
import type { Command, CommandEnv } from '../command.js';
import { usageError } from '../command.js';
import { formatHelp, parseOptions } from '../options.js';
import { configOptions, configTools, overrideFlags, runOptions } from './train.js';

const options = {
  shards: { type: 'string', value: '<n>', description: 'plan: number of shards (array tasks)' },
  dir: { type: 'string', value: '<dir>', description: 'The shard directory (plan creates it)' },
  index: {
    type: 'string',
    value: '<k>',
    description: 'fit: the shard to fit, 0 … n−1 (default: $SLURM_ARRAY_TASK_ID)',
  },
  seed: configOptions.seed,
  out: configOptions.out,
  lookback: configOptions.lookback,
  'memory-budget': configOptions['memory-budget'],
  plugin: configOptions.plugin,
  force: runOptions.force,
  quiet: runOptions.quiet,
  json: { type: 'boolean', description: 'Print the result as JSON' },
} as const;

type Values = ReturnType<typeof parseOptions<typeof options>>['values'];

function intFlag(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text.trim())) throw usageError(`--${name} must be a non-negative integer (got "${text}")`);
  return Number(text);
}

/** Loads the plan's plugin modules (the files the plan ran with) and refuses any that changed since. */
async function planPlugins(registry: Registry, recorded: readonly PluginRecord[]): Promise<PluginRecord[]> {
  if (recorded.length === 0) return [];
  const { usePlugins } = await configTools();
  const loaded = await usePlugins(
    registry,
    recorded.map((p) => p.resolvedPath),
    process.cwd(),
  );
  return loaded.map(({ record }, i) => {
    const was = recorded[i]!;
    if (record.sha256 !== was.sha256)
      throw usageError(`plugin ${was.specifier} (${was.resolvedPath}) changed since the plan; plan the shards again`, 'E_CONFIG_INVALID');
    return was;
  });
}

/** A console logger on stderr unless --quiet; returns the event sink and a closer. */
async function progress(env: CommandEnv, quiet: boolean | undefined) {
  if (quiet) return { onEvent: undefined, close: async () => undefined };
  const { consoleLogger } = await import('@voxelwise/trainer');
  const logger = consoleLogger({ stream: env.err });
  return { onEvent: (e: Parameters<typeof logger.handle>[0]) => logger.handle(e), close: async () => logger.close?.() };
}

async function plan(positionals: string[], values: Values, env: CommandEnv): Promise<number> {
  const [file, ...extra] = positionals;
  if (!file) throw usageError('shard plan needs a config file: voxelwise shard plan <config> --shards N --dir <dir>');
  if (extra.length > 0) throw usageError(`shard plan takes one config file (got "${positionals.join(' ')}")`);
  const shards = intFlag('shards', values.shards);
  if (!shards) throw usageError('shard plan needs --shards N (N ≥ 1)');
  if (!values.dir) throw usageError('shard plan needs --dir <dir>');
  const { configPlugins, loadConfigFile, usePlugins, applyOverrides } = await configTools();
  const loaded = await loadConfigFile(file);
  const { plugins, rest, baseDir } = configPlugins(loaded, file);
  const registry = await env.registry();
  const modules = [...(await usePlugins(registry, plugins, baseDir)), ...(await usePlugins(registry, values.plugin ?? [], process.cwd()))];
  const config = applyOverrides(rest, overrideFlags(values), registry);
  const [{ planShards }, { sha256File }, { resolve }] = await Promise.all([
    import('@voxelwise/trainer'),
    import('@voxelwise/io'),
    import('node:path'),
  ]);
  const log = await progress(env, values.quiet);
  const result = await planShards(config, {
    registry,
    shards,
    dir: values.dir,
    ...(log.onEvent ? { onEvent: log.onEvent } : {}),
    ...(env.signal ? { signal: env.signal } : {}),
    ...(values.force ? { force: true } : {}),
    plugins: modules.map((m) => m.record),
    configFile: { specifier: file, resolvedPath: resolve(file), sha256: await sha256File(resolve(file)) },
  });
  await log.close();
  const p = result.plan;
  if (values.json) env.out.write(`${JSON.stringify({ dir: result.dir, reused: result.reused, ...p, config: undefined }, null, 2)}\n`);
  else {
    const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
    env.out.write(
      `${result.reused ? 'kept the existing plan' : 'planned'} ${p.shards} shards of ${p.nVoxels} voxels (${p.n} samples × ${p.p} features) in ${result.dir}\n` +
        `  design ${mb(p.bytes.design)}, shared ${p.model} state ${mb(p.bytes.shared)}; fit each with: voxelwise shard fit --dir ${result.dir} --index <k>\n`,
    );
  }
  return 0;
}

async function fit(values: Values, env: CommandEnv): Promise<number> {
  if (!values.dir) throw usageError('shard fit needs --dir <dir>');
  const fromEnv = process.env['SLURM_ARRAY_TASK_ID'];
  const index = intFlag('index', values.index ?? fromEnv);
  if (index === undefined) throw usageError('shard fit needs --index <k> (or $SLURM_ARRAY_TASK_ID)');
  const { fitShard, readShardPlan } = await import('@voxelwise/trainer');
  const registry = await env.registry();
  await planPlugins(registry, (await readShardPlan(values.dir)).plugins);
  const log = await progress(env, values.quiet);
  const r = await fitShard(values.dir, index, {
    registry,
    ...(log.onEvent ? { onEvent: log.onEvent } : {}),
    ...(env.signal ? { signal: env.signal } : {}),
  });
  await log.close();
  if (values.json) env.out.write(`${JSON.stringify(r, null, 2)}\n`);
  else
    env.out.write(
      `shard ${r.index} (voxels ${r.start}–${r.end - 1}): ${r.status === 'skipped' ? 'already complete, skipped' : `fitted in ${(r.durationMs / 1000).toFixed(1)} s`}\n`,
    );
  return 0;
}

async function merge(values: Values, env: CommandEnv): Promise<number> {
  if (!values.dir) throw usageError('shard merge needs --dir <dir>');
  const { mergeShards, readShardPlan } = await import('@voxelwise/trainer');
  const registry = await env.registry();
  const plugins = await planPlugins(registry, (await readShardPlan(values.dir)).plugins);
  const log = await progress(env, values.quiet);
  const run = await mergeShards(values.dir, {
    registry,
    plugins,
    ...(log.onEvent ? { onEvent: log.onEvent } : {}),
    ...(env.signal ? { signal: env.signal } : {}),
  });
  await log.close();
  // The path alone on stdout, so a job script can take it: RUN=$(voxelwise shard merge --dir d -q).
  if (values.json) env.out.write(`${JSON.stringify({ runId: run.runId, runDir: run.runDir, metrics: run.metrics }, null, 2)}\n`);
  else env.out.write(`${run.runDir}\n`);
  return 0;
}

/** `voxelwise shard plan | fit | merge`: one fit's voxels split across processes (cluster array tasks). */
export const shardCommand: Command = {
  help: formatHelp({
    usage: [
      'voxelwise shard plan <config> --shards <n> --dir <dir> [config flags]',
      'voxelwise shard fit --dir <dir> --index <k>',
      'voxelwise shard merge --dir <dir>',
    ],
    description: `Splits the voxels of one fit across processes, e.g. the tasks of a Slurm job array:

  plan    Resolves the config, extracts and caches the features, builds the design and lets the
          model compute what every shard shares (ridge-cv: the fold factorisations and projection
          stacks), then writes <dir>/ atomically: plan.json, design/ (X, responses voxel-major,
          groups) and shared/. An existing plan of the same config and shard count is kept.
  fit     Fits shard k's voxels (contiguous, balanced ranges) and writes <dir>/shard-<k>/
          atomically. A shard already complete is skipped; a lock file keeps two processes off
          the same shard (a dead holder's lock is taken over).
  merge   Checks that every shard is complete and from this plan, then writes ONE ordinary run
          directory (scores.arrow, weights.arrow, metrics, run.json, report) equal to the
          single-process fit of the config, and prints its path (the only line on stdout).

Exit codes: 0 done (or skipped), 1 a runtime failure (e.g. a missing shard, named), 2 usage.`,
    options,
    notes: `In a Slurm array job: voxelwise shard fit --dir <dir> --index $SLURM_ARRAY_TASK_ID
(--index defaults to $SLURM_ARRAY_TASK_ID). Run plan, fit and merge from the same folder when the
config has relative paths (e.g. the assembly's root); outDir and cacheDir are recorded absolute.`,
    examples: [
      'voxelwise shard plan lebel-gpt2.yaml --shards 8 --dir /scratch/shards/uts03',
      'sbatch --array=0-7 --wrap "voxelwise shard fit --dir /scratch/shards/uts03"',
      'voxelwise shard merge --dir /scratch/shards/uts03 -q',
    ],
  }),
  async run(args, env) {
    const { values, positionals } = parseOptions('shard', options, args);
    const [sub, ...rest] = positionals;
    if (sub === 'plan') return plan(rest, values, env);
    if (rest.length > 0) throw usageError(`shard ${sub} takes no positional arguments (got "${rest.join(' ')}")`);
    const planOnly = (['shards', 'seed', 'out', 'lookback', 'memory-budget', 'plugin', 'force'] as const).filter(
      (k) => values[k] !== undefined,
    );
    if (planOnly.length > 0)
      throw usageError(`${planOnly.map((k) => `--${k}`).join(', ')} apply to "shard plan" only (fit and merge take the plan's)`);
    if (values.index !== undefined && sub !== 'fit') throw usageError('--index applies to "shard fit" only');
    if (sub === 'fit') return fit(values, env);
    if (sub === 'merge') return merge(values, env);
    throw usageError(`shard needs a subcommand: plan, fit or merge${sub ? ` (got "${sub}")` : ''}`);
  },
};
