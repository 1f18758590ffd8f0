import type { Command } from '../command.js';

/** A `voxelwise` command as the top-level help sees it: its module is imported only when used. */
export interface CommandEntry {
  /** One line for the top-level help. */
  readonly summary: string;
  /** Imports the command's module (its heavy dependencies load later, inside `run`). */
  load(): Promise<Command>;
}

/**
 * Every `voxelwise` command by name. `voxelwise --help` reads only this table, so it loads no
 * command module; a command's module loads its heavy packages (Arrow, transformers.js, plugins)
 * inside its handler. Add a command by adding its file and one entry here.
 */
export const commands: Readonly<Record<string, CommandEntry>> = {
  demo: {
    summary: 'The real pipeline on a simulated subject, offline (what `npm start` runs)',
    load: async () => (await import('./demo.js')).demoCommand,
  },
  train: {
    summary: 'Run a config (.json, .yaml or .ts with defineConfig)',
    load: async () => (await import('./train.js')).trainCommand,
  },
  sweep: {
    summary: 'A grid of runs, locally or on Slurm; resumable (sweep status | cancel)',
    load: async () => (await import('./sweep.js')).sweepCommand,
  },
  shard: {
    summary: "One fit's voxels across processes or cluster array tasks (shard plan | fit | merge)",
    load: async () => (await import('./shard.js')).shardCommand,
  },
  runs: {
    summary: 'List run directories with their headline numbers (runs ls)',
    load: async () => (await import('./runs.js')).runsCommand,
  },
  report: {
    summary: "Re-render a run directory's report.html (optionally screenshot it)",
    load: async () => (await import('./report.js')).reportCommand,
  },
  config: {
    summary: 'Check a config and print it resolved (config show), or its JSON Schema',
    load: async () => (await import('./config.js')).configCommand,
  },
  list: {
    summary: 'Registered stages and their options (--plugin adds a plugin module)',
    load: async () => (await import('./list.js')).listCommand,
  },
  features: {
    summary: 'Extract language-model features of an assembly into the cache (features extract)',
    load: async () => (await import('./features.js')).featuresCommand,
  },
  cache: {
    summary: 'List, verify or clear the language-model feature cache (cache ls | verify | clear)',
    load: async () => (await import('./cache.js')).cacheCommand,
  },
  wandb: {
    summary: 'Upload runs queued for Weights & Biases (wandb sync)',
    load: async () => (await import('./wandb.js')).wandbCommand,
  },
  assembly: {
    summary: 'Import (LeBel ds003020, bring-your-own), inspect, simulate and validate assemblies',
    load: async () => (await import('./assembly.js')).assemblyCommand,
  },
  predict: {
    summary: "A run's predicted response of every voxel to a new text (the numbers of its web page)",
    load: async () => (await import('./predict.js')).predictCommand,
  },
  export: {
    summary: "Write a run's r, p, q, alpha and significance maps as NIfTI, GIfTI or .npy (export web: a web page)",
    load: async () => (await import('./export.js')).exportCommand,
  },
};
