import type { Command } from '../command.js';
import { formatHelp, parseOptions } from '../options.js';
import { runConfig, runOptions } from './train.js';

const options = {
  seed: { ...runOptions.seed, description: 'Seed of the simulation and folds (default 0)' },
  out: { ...runOptions.out, description: 'Where the run directory goes (default results, from the current folder)' },
  'memory-budget': { ...runOptions['memory-budget'], description: 'Memory budget (default 4GB = 4·10⁹ bytes; 4GiB = 4·2³⁰)' },
  force: { ...runOptions.force, description: 'Rebuild the model and recompute cached features' },
  quiet: { ...runOptions.quiet, description: 'No progress output' },
} as const;

/** `voxelwise demo` (`npm start`): the real pipeline on a simulated subject and a tiny GPT-2, offline. */
export const demoCommand: Command = {
  help: formatHelp({
    usage: ['voxelwise demo [--seed <n>] [--out <dir>] [--force]'],
    description: `Builds a tiny GPT-2 language model into the cache directory, simulates a subject whose voxels
respond to one of its layers, then runs the whole pipeline: language-model features through
transformers.js and word rate as a second feature space, Lanczos downsampling, FIR delays, banded
ridge with band weights and alphas cross-validated on the training stories, the variance
partitioned between the two spaces, scores on the test story against its noise ceiling. Writes
results/<run-id>/ with report.html and prints the headline numbers. Needs no network.`,
    options,
    examples: ['voxelwise demo', 'voxelwise demo --seed 3 --out /tmp/demo-results'],
  }),
  async run(args, env) {
    const { values } = parseOptions('demo', options, args, { positionals: false });
    const { applyOverrides } = await import('../overrides.js');
    const seed = values.seed !== undefined ? values.seed : '0';
    const base = applyOverrides({}, { seed }, await env.registry());
    const [{ demoConfig }, { prepareDemo }] = await Promise.all([import('../demo/demo-config.js'), import('../demo/prepare-demo.js')]);
    const prepared = await prepareDemo(values.force ? { force: true } : {});
    const config = applyOverrides(
      { ...demoConfig({ modelDir: prepared.modelDir, seed: base['seed'] as number, wordRate: true }) },
      {
        ...(values.out !== undefined ? { out: values.out } : {}),
        ...(values['memory-budget'] !== undefined ? { memoryBudget: values['memory-budget'] } : {}),
      },
      await env.registry(),
    );
    return runConfig(config, env, { ...(values.force ? { force: true } : {}), ...(values.quiet ? { quiet: true } : {}) });
  },
};
