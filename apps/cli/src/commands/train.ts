import type { PluginRecord } from '@voxelwise/core';
import { resolve } from 'node:path';
import type { Command, CommandEnv } from '../command.js';
import { usageError } from '../command.js';
import { formatHelp, parseOptions } from '../options.js';
import type { OptionValues } from '../options.js';

/**
 * The modules that read configs and plugins, imported when a command runs: they load
 * `@voxelwise/core` (and zod), which `--help` does not need.
 */
export async function configTools() {
  const [{ configPlugins, loadConfigFile }, { usePlugins }, { applyOverrides }] = await Promise.all([
    import('../load-config.js'),
    import('../load-plugins.js'),
    import('../overrides.js'),
  ]);
  return { configPlugins, loadConfigFile, usePlugins, applyOverrides };
}

/** Flags shared by `train` and `demo`. */
export const runOptions = {
  seed: { type: 'string', value: '<n>', description: "Override the config's seed" },
  out: { type: 'string', value: '<dir>', description: "Override the config's outDir (relative to the current folder)" },
  'memory-budget': { type: 'string', value: '<size>', description: 'Override memoryBudget: 8GB = 8·10⁹ bytes, 8GiB = 8·2³⁰' },
  force: { type: 'boolean', description: 'Recompute cached features instead of reading the cache' },
  quiet: { type: 'boolean', short: 'q', description: 'No progress output (the summary still prints)' },
} as const;

/** Flags that change a config: `train` and `config show` take them. */
export const configOptions = {
  config: { type: 'string', short: 'c', value: '<file>', description: '.json, .yaml/.yml, or .ts/.js exporting defineConfig({...})' },
  layer: {
    type: 'string',
    value: '<n|list|range>',
    description:
      'Layer of every feature with a "layer" option (e.g. lm); negative counts\nfrom the end (-1 = last); a list (0,3,6) or range (0..12) runs a layer sweep',
  },
  lookback: { type: 'string', value: '<n>', description: '"lookback" option of every feature that has one' },
  seed: runOptions.seed,
  out: runOptions.out,
  'memory-budget': runOptions['memory-budget'],
  plugin: {
    type: 'string',
    multiple: true,
    value: '<module>',
    description: 'Register a plugin module (path from the current folder, or package\nname; repeatable)',
  },
} as const;

/** The config overrides among parsed flags. */
export function overrideFlags(values: OptionValues<typeof configOptions>) {
  return {
    ...(values.seed !== undefined ? { seed: values.seed } : {}),
    ...(values.out !== undefined ? { out: values.out } : {}),
    ...(values.layer !== undefined ? { layer: values.layer } : {}),
    ...(values.lookback !== undefined ? { lookback: values.lookback } : {}),
    ...(values['memory-budget'] !== undefined ? { memoryBudget: values['memory-budget'] } : {}),
  };
}

/** The config file as the run records it: the path as given, where it resolved, its SHA-256. */
async function configRecord(path: string): Promise<PluginRecord> {
  const { sha256File } = await import('@voxelwise/io');
  const file = resolve(path);
  return { specifier: path, resolvedPath: file, sha256: await sha256File(file) };
}

/** Runs a config with the console logger and prints the headline numbers. */
export async function runConfig(
  config: Record<string, unknown>,
  env: CommandEnv,
  opts: { force?: boolean; quiet?: boolean; plugins?: readonly PluginRecord[]; configFile?: PluginRecord } = {},
): Promise<number> {
  const [{ consoleLogger, train }, { printRun }] = await Promise.all([import('@voxelwise/trainer'), import('../summary.js')]);
  const logger = consoleLogger({ stream: env.err });
  const result = await train(config, {
    registry: await env.registry(),
    ...(opts.quiet ? {} : { onEvent: (e) => logger.handle(e) }),
    ...(env.signal ? { signal: env.signal } : {}),
    ...(opts.force ? { force: true } : {}),
    ...(opts.plugins && opts.plugins.length > 0 ? { plugins: opts.plugins } : {}),
    ...(opts.configFile ? { configFile: opts.configFile } : {}),
  });
  await logger.close?.();
  printRun(env.out, result);
  return 0;
}

const options = {
  ...configOptions,
  force: runOptions.force,
  quiet: runOptions.quiet,
} as const;

/** `voxelwise train`: runs a config file with flag overrides and prints the headline numbers. */
export const trainCommand: Command = {
  help: formatHelp({
    usage: ['voxelwise train --config <file> [options]'],
    description: `Runs the pipeline a config describes and writes results/<run-id>/ (config, metrics.json,
scores.arrow, weights.arrow, timeseries.arrow, events.jsonl, report.html).`,
    options,
    notes: `A config may also list plugins: "plugins": ["./my-plugin.ts"] (paths relative to the config;
package names are looked up from the config's folder, then the current folder, then the CLI's
own installation). Each module's default export is a plugin (definePlugin), a stage, or a
function returning one. A plugin is code that runs with your rights: list only modules you trust.

Example config (YAML):
  name: lebel-gpt2
  assembly: { name: arrow, options: { path: data/UTS03 } }
  features:
    - name: lm
      options: { model: gpt2, layer: 9, lookback: 256, contextType: fullcontext, pooling: lastToken }
  downsampler: { name: lanczos, options: { window: 3, cutoffMult: 1 } }
  delays: [1, 2, 3, 4]
  preset: litcoder
  trimming: litcoder-lebel
  model: { name: ridge-cv }`,
    examples: [
      'voxelwise train --config lebel-gpt2.yaml',
      'voxelwise train --config lebel-gpt2.yaml --layer 0..12 --out sweeps',
      'voxelwise train -c run.ts --seed 2 --memory-budget 8GB',
    ],
  }),
  async run(args, env) {
    const { values } = parseOptions('train', options, args, { positionals: false });
    if (!values.config) throw usageError('train needs --config <file>');
    const { configPlugins, loadConfigFile, usePlugins, applyOverrides } = await configTools();
    const loaded = await loadConfigFile(values.config);
    // "plugins" belongs to the CLI: import and register them, then hand the rest to the trainer.
    const { plugins, rest, baseDir } = configPlugins(loaded, values.config);
    const registry = await env.registry();
    const modules = [
      ...(await usePlugins(registry, plugins, baseDir)),
      ...(await usePlugins(registry, values.plugin ?? [], process.cwd())),
    ];
    const config = applyOverrides(rest, overrideFlags(values), registry);
    return runConfig(config, env, {
      ...(values.force ? { force: true } : {}),
      ...(values.quiet ? { quiet: true } : {}),
      // The run records which plugin code ran with it (config.json and run.json).
      plugins: modules.map((p) => p.record),
      configFile: await configRecord(values.config),
    });
  },
};
