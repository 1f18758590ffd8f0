import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { consoleLogger, train } from '@voxelwise/trainer';
import type { Command, CommandEnv } from '../command.js';
import { usageError } from '../command.js';
import { loadConfigFile } from '../load-config.js';
import { usePlugins } from '../load-plugins.js';
import { applyOverrides } from '../overrides.js';
import { printRun } from '../summary.js';

/** Flags shared by `train` and `demo`. */
export const runOptions = {
  seed: { type: 'string' },
  out: { type: 'string' },
  'memory-budget': { type: 'string' },
  force: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
} as const;

/** Runs a config with the console logger and prints the headline numbers. */
export async function runConfig(
  config: Record<string, unknown>,
  env: CommandEnv,
  opts: { force?: boolean; quiet?: boolean } = {},
): Promise<number> {
  const logger = consoleLogger({ stream: env.err });
  const result = await train(config, {
    registry: env.registry(),
    ...(opts.quiet ? {} : { onEvent: (e) => logger.handle(e) }),
    ...(env.signal ? { signal: env.signal } : {}),
    ...(opts.force ? { force: true } : {}),
  });
  await logger.close?.();
  printRun(env.out, result);
  return 0;
}

/** `voxelwise train`: runs a config file with flag overrides and prints the headline numbers. */
export const trainCommand: Command = {
  summary: 'Run a config (.json, .yaml or .ts with defineConfig)',
  help: `voxelwise train --config <file> [options]

Runs the pipeline a config describes and writes results/<run-id>/ (config, metrics.json,
scores.arrow, weights.arrow, timeseries.arrow, events.jsonl, report.html).

Options:
  -c, --config <file>      .json, .yaml/.yml, or .ts/.js exporting defineConfig({...})
  --layer <n|list|range>   Layer of every feature with a "layer" option (e.g. lm); a list
                           (0,3,6) or range (0..12) runs a layer sweep
  --lookback <n>           "lookback" option of every feature that has one
  --seed <n>               Override the config's seed
  --out <dir>              Override the config's outDir
  --memory-budget <size>   Override memoryBudget (e.g. 8GB)
  --force                  Recompute cached features instead of reading the cache
  --plugin <module>        Register a plugin module (path or package; repeatable)
  -q, --quiet              No progress output (the summary still prints)

A config may also list plugins: "plugins": ["./my-plugin.ts"] (paths relative to the config).
Each module's default export is a plugin (definePlugin), a stage, or a function returning one.

Examples:
  voxelwise train --config lebel-gpt2.yaml
  voxelwise train --config lebel-gpt2.yaml --layer 0..12 --out sweeps
  voxelwise train -c run.ts --seed 2 --memory-budget 8GB

Example config (YAML):
  name: lebel-gpt2
  assembly: { name: arrow, options: { path: data/UTS03 } }
  features:
    - name: lm
      options: { model: gpt2, layer: 9, lookback: 256, context: fullcontext, pooling: last }
  downsampler: { name: lanczos, options: { window: 3, cutoffMult: 1 } }
  delays: [1, 2, 3, 4]
  preset: litcoder
  trimming: litcoder-lebel
  model: { name: ridge-cv }
`,
  async run(args, env) {
    const { values } = parseArgs({
      args,
      options: {
        config: { type: 'string', short: 'c' },
        layer: { type: 'string' },
        lookback: { type: 'string' },
        plugin: { type: 'string', multiple: true },
        ...runOptions,
      },
    });
    if (!values.config) throw usageError('train needs --config <file>');
    const loaded = await loadConfigFile(values.config);
    if (typeof loaded !== 'object' || loaded === null || Array.isArray(loaded))
      throw usageError(`config ${values.config} must be an object`, 'E_CONFIG_INVALID');
    // "plugins" belongs to the CLI: import and register them, then hand the rest to the trainer.
    const { plugins, ...rest } = loaded as Record<string, unknown>;
    if (plugins !== undefined && !Array.isArray(plugins))
      throw usageError(`"plugins" in ${values.config} must be an array of module paths or package names`, 'E_CONFIG_INVALID');
    await usePlugins(env.registry(), plugins ?? [], dirname(resolve(values.config)));
    await usePlugins(env.registry(), values.plugin ?? [], process.cwd());
    const config = applyOverrides(
      rest,
      {
        ...(values.seed !== undefined ? { seed: values.seed } : {}),
        ...(values.out !== undefined ? { out: values.out } : {}),
        ...(values.layer !== undefined ? { layer: values.layer } : {}),
        ...(values.lookback !== undefined ? { lookback: values.lookback } : {}),
        ...(values['memory-budget'] !== undefined ? { memoryBudget: values['memory-budget'] } : {}),
      },
      env.registry(),
    );
    return runConfig(config, env, { ...(values.force ? { force: true } : {}), ...(values.quiet ? { quiet: true } : {}) });
  },
};
