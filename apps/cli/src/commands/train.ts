import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { consoleLogger, demoConfig, plantedSummary, train } from '@voxelwise/trainer';
import type { Command, CommandEnv } from '../command.js';
import { usageError } from '../command.js';
import { loadConfigFile } from '../load-config.js';
import { usePlugins } from '../load-plugins.js';

function fmt(x: unknown): string {
  return typeof x === 'number' ? (Number.isInteger(x) ? String(x) : x.toFixed(4)) : String(x);
}

async function runConfig(config: Record<string, unknown>, values: { seed?: string; out?: string }, env: CommandEnv): Promise<number> {
  if (values.seed !== undefined) {
    const seed = Number(values.seed);
    if (!Number.isInteger(seed)) throw usageError(`--seed must be an integer (got "${values.seed}")`);
    config['seed'] = seed;
  }
  if (values.out !== undefined) config['outDir'] = values.out;
  const logger = consoleLogger({ stream: env.err });
  const result = await train(config, { registry: env.registry(), onEvent: (e) => logger.handle(e), ...(env.signal ? { signal: env.signal } : {}) });
  await logger.close?.();
  const m = result.metrics;
  const out = env.out;
  out.write(`\nrun ${result.runId}\n`);
  out.write(`  voxels ${fmt(m['n_voxels'])}, train TRs ${fmt(m['n_train_trs'])}, test TRs ${fmt(m['n_test_trs'])}, features ${fmt(m['n_features'])}\n`);
  out.write(`  median r ${fmt(m['median_score'])}   mean r ${fmt(m['mean_score'])}   max r ${fmt(m['max_score'])}\n`);
  const planted = plantedSummary(result.evaluation.voxels.r, result.assemblyMetadata);
  if (planted) out.write(`  planted voxels: median r ${fmt(planted.medianPlanted)} (${planted.planted.length})   noise voxels: median r ${fmt(planted.medianNoise)} (${planted.noise.length})\n`);
  out.write(`  time ${(result.durationMs / 1000).toFixed(2)} s\n  results in ${result.runDir}\n`);
  return 0;
}

const runOptions = { seed: { type: 'string' }, out: { type: 'string' } } as const;

export const trainCommand: Command = {
  summary: 'Run a config (.json, .yaml or .ts with defineConfig)',
  help: `voxelwise train --config <file> [--seed <n>] [--out <dir>] [--plugin <module>]

Runs the pipeline a config describes and writes results/<run-id>/.

Options:
  -c, --config <file>   .json, .yaml/.yml, or .ts/.js exporting defineConfig({...})
  --seed <n>            Override the config's seed
  --out <dir>           Override the config's outDir
  --plugin <module>     Register a plugin module (path or package; repeatable)

A config may also list plugins: "plugins": ["./my-plugin.ts"] (paths relative to the config).
Each module's default export is a plugin (definePlugin), a stage, or a function returning one.

Example config:
  {
    "assembly": { "name": "simulated", "options": { "seed": 1 } },
    "features": [{ "name": "wordrate" }],
    "downsampler": { "name": "rect" },
    "delays": [1, 2, 3, 4],
    "model": { "name": "ridge-cv", "options": { "alphaMode": "per-voxel" } }
  }
`,
  async run(args, env) {
    const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' }, plugin: { type: 'string', multiple: true }, ...runOptions } });
    if (!values.config) throw usageError('train needs --config <file>');
    const loaded = await loadConfigFile(values.config);
    if (typeof loaded !== 'object' || loaded === null || Array.isArray(loaded)) throw usageError(`config ${values.config} must be an object`, 'E_CONFIG_INVALID');
    // "plugins" belongs to the CLI: import and register them, then hand the rest to the trainer.
    const { plugins, ...config } = loaded as Record<string, unknown>;
    if (plugins !== undefined && !Array.isArray(plugins)) throw usageError(`"plugins" in ${values.config} must be an array of module paths or package names`, 'E_CONFIG_INVALID');
    await usePlugins(env.registry(), plugins ?? [], dirname(resolve(values.config)));
    await usePlugins(env.registry(), values.plugin ?? [], process.cwd());
    return runConfig(config, values, env);
  },
};

export const demoCommand: Command = {
  summary: 'Fit the embedded simulated subject end to end (offline)',
  help: `voxelwise demo [--seed <n>] [--out <dir>]

Simulates a subject with a planted encoding model, fits it and prints the headline numbers.

Options:
  --seed <n>    Seed of the simulation and folds (default 0)
  --out <dir>   Where the run directory goes (default results)
`,
  async run(args, env) {
    const { values } = parseArgs({ args, options: runOptions });
    const seed = values.seed !== undefined ? Number(values.seed) : 0;
    return runConfig({ ...demoConfig({ seed: Number.isInteger(seed) ? seed : 0 }) }, values, env);
  },
};
