import { parseArgs } from 'node:util';
import { consoleLogger, demoConfig, plantedSummary, train } from '@voxelwise/trainer';
import type { Command, CommandEnv } from '../command.js';
import { usageError } from '../command.js';
import { loadConfigFile } from '../load-config.js';

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
  help: `voxelwise train --config <file> [--seed <n>] [--out <dir>]

Runs the pipeline a config describes and writes results/<run-id>/.

Options:
  -c, --config <file>   .json, .yaml/.yml, or .ts/.js exporting defineConfig({...})
  --seed <n>            Override the config's seed
  --out <dir>           Override the config's outDir

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
    const { values } = parseArgs({ args, options: { config: { type: 'string', short: 'c' }, ...runOptions } });
    if (!values.config) throw usageError('train needs --config <file>');
    const loaded = await loadConfigFile(values.config);
    if (typeof loaded !== 'object' || loaded === null || Array.isArray(loaded)) throw usageError(`config ${values.config} must be an object`, 'E_CONFIG_INVALID');
    return runConfig({ ...(loaded as Record<string, unknown>) }, values, env);
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
