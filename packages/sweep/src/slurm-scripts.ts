import { join } from 'node:path';
import type { Resources } from './sweep-spec.js';

/** Single-quotes a word for bash. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The `sbatch` flags of a stage's resources, in the order Slurm documents them. */
export function resourceFlags(r: Resources): string[] {
  return [
    ...(r.partition ? [`--partition=${r.partition}`] : []),
    ...(r.account ? [`--account=${r.account}`] : []),
    ...(r.cpusPerTask ? [`--cpus-per-task=${r.cpusPerTask}`] : []),
    ...(r.mem ? [`--mem=${r.mem}`] : []),
    ...(r.time ? [`--time=${r.time}`] : []),
    ...(r.gres ? [`--gres=${r.gres}`] : []),
    ...(r.extra ?? []),
  ];
}

/** `--array=<indices>%k`: the indices as Slurm ranges (`0-5`, or `0,2,4` when not contiguous). */
export function arrayFlag(count: number, throttle?: number): string {
  return `--array=0-${count - 1}${throttle ? `%${throttle}` : ''}`;
}

/** What one batch script runs. */
export interface ScriptSpec {
  jobName: string;
  /** `--output` pattern (Slurm's %A, %a, %j). */
  output: string;
  resources: Resources;
  /** `--array=…`, when the job is an array. */
  array?: string;
  cwd: string;
  /** The `voxelwise` command as argv. */
  command: readonly string[];
  /** Arguments after the command; `$SLURM_…` words stay unquoted for bash to expand. */
  args: readonly string[];
  /** Bash lines before the command (e.g. picking the cell of an array task). */
  prelude?: readonly string[];
}

/**
 * A batch script: `#SBATCH` lines for the name, output, array and resources (so the script can be
 * resubmitted by hand as it is), then `cd` to the sweep's working folder and `exec` of the command
 * (signals from `scancel` reach it directly).
 */
export function batchScript(spec: ScriptSpec): string {
  const flags = [
    `--job-name=${spec.jobName}`,
    `--output=${spec.output}`,
    ...(spec.array ? [spec.array] : []),
    ...resourceFlags(spec.resources),
  ];
  const arg = (a: string) => (a.startsWith('"$') || a.startsWith('$') ? a : shellQuote(a));
  return [
    '#!/bin/bash',
    ...flags.map((f) => `#SBATCH ${f}`),
    '# Written by voxelwise sweep.',
    'set -euo pipefail',
    `cd ${shellQuote(spec.cwd)}`,
    ...(spec.prelude ?? []),
    `exec ${[...spec.command.map(shellQuote), ...spec.args.map(arg)].join(' ')}`,
    '',
  ].join('\n');
}

/** `<dir>/slurm/logs/<stage>-%A_%a.out` (or `-%j.out` for a single job). */
export function logPattern(dir: string, stage: string, array: boolean): string {
  return join(dir, 'slurm', 'logs', `${stage}-${array ? '%A_%a' : '%j'}.out`);
}
