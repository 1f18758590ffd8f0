import { parseArgs } from 'node:util';
import { demoConfig, prepareDemo } from '@voxelwise/trainer';
import type { Command } from '../command.js';
import { applyOverrides } from '../overrides.js';
import { runConfig, runOptions } from './train.js';

/** `voxelwise demo` (`npm start`): the real pipeline on a simulated subject and a tiny GPT-2, offline. */
export const demoCommand: Command = {
  summary: 'The real pipeline on a simulated subject, offline (what `npm start` runs)',
  help: `voxelwise demo [--seed <n>] [--out <dir>] [--force]

Builds a tiny GPT-2 language model into the cache directory, simulates a subject whose voxels
respond to one of its layers, then runs the whole pipeline: language-model features through
transformers.js, Lanczos downsampling, FIR delays, ridge with cross-validated alphas on the
training stories, scores on the test story. Writes results/<run-id>/ with report.html and prints
the headline numbers. Needs no network.

Options:
  --seed <n>              Seed of the simulation and folds (default 0)
  --out <dir>             Where the run directory goes (default results)
  --memory-budget <size>  Memory budget (default 4GB)
  --force                 Rebuild the model and recompute cached features
  -q, --quiet             No progress output
`,
  async run(args, env) {
    const { values } = parseArgs({ args, options: runOptions });
    const seed = values.seed !== undefined ? values.seed : '0';
    const base = applyOverrides({}, { seed }, env.registry());
    const prepared = await prepareDemo(values.force ? { force: true } : {});
    const config = applyOverrides(
      { ...demoConfig({ modelDir: prepared.modelDir, seed: base['seed'] as number }) },
      {
        ...(values.out !== undefined ? { out: values.out } : {}),
        ...(values['memory-budget'] !== undefined ? { memoryBudget: values['memory-budget'] } : {}),
      },
      env.registry(),
    );
    return runConfig(config, env, { ...(values.force ? { force: true } : {}), ...(values.quiet ? { quiet: true } : {}) });
  },
};
