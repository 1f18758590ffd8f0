import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { hostname } from 'node:os';
import { cellConfigPath, cellLogPath, completedRun, readCellState, writeCellState } from './cell-state.js';
import type { CellState } from './cell-state.js';
import type { Cell } from './plan.js';

/** Options of {@link runCell}. */
export interface RunCellOptions {
  /**
   * The `voxelwise` command as argv, e.g. `[process.execPath, '/…/bin/voxelwise.js']`: the cell
   * runs as `<command> train --config cells/<id>/config.json --quiet`, a normal run.
   */
  command: readonly string[];
  /** Working folder of the run (relative paths of the config). */
  cwd: string;
  /** Slurm job id of this attempt, recorded in the cell's state. */
  jobId?: string;
  /** Stops the run (SIGTERM to the child; it cleans up as on Ctrl-C). */
  signal?: AbortSignal;
  /** Extra environment of the child. */
  env?: NodeJS.ProcessEnv;
  /**
   * The commands of the attempt, each the arguments after `command`, run in order until one
   * fails. @default {@link cellSteps} of the cell, unsharded
   */
  steps?: readonly (readonly string[])[];
}

/** `cells/<id>/shards`: the shard directory of a sharded cell (`voxelwise shard plan --dir`). */
export function shardDir(cell: Pick<Cell, 'dir'>): string {
  return join(cell.dir, 'shards');
}

/**
 * What running a cell means, as `voxelwise` argument lists: `train --config cells/<id>/config.json`,
 * or with `shards` > 1 the sharded fit of `voxelwise shard`: plan, one fit per shard, merge (which
 * writes the same run directory as train, into the cell's `runs`).
 */
export function cellSteps(cell: Pick<Cell, 'dir'>, shards = 1): string[][] {
  const config = cellConfigPath(cell);
  if (shards <= 1) return [['train', '--config', config, '--quiet']];
  const dir = shardDir(cell);
  return [
    ['shard', 'plan', config, '--shards', String(shards), '--dir', dir, '--quiet'],
    ...Array.from({ length: shards }, (_, k) => ['shard', 'fit', '--dir', dir, '--index', String(k), '--quiet']),
    ['shard', 'merge', '--dir', dir, '--quiet'],
  ];
}

/**
 * Runs one cell to the end in a child process and records the attempt in `cells/<id>/state.json`
 * (running, then ok or failed with the exit code), appending the child's output to
 * `cells/<id>/log.txt`. Returns the final state; a cell counts as ok only when its run directory
 * with the cell's hash exists afterwards.
 */
export async function runCell(cell: Cell, options: RunCellOptions): Promise<CellState> {
  const previous = await readCellState(cell);
  const state: CellState = {
    status: 'running',
    attempt: (previous?.attempt ?? 0) + 1,
    host: hostname(),
    pid: process.pid,
    ...(options.jobId ? { jobId: options.jobId } : {}),
    startedAt: new Date().toISOString(),
  };
  await writeCellState(cell, state);
  mkdirSync(cell.dir, { recursive: true });
  const log = openSync(cellLogPath(cell), 'a');
  writeSync(log, `=== attempt ${state.attempt} on ${state.host}${options.jobId ? ` (job ${options.jobId})` : ''} at ${state.startedAt}\n`);
  const [exe, ...pre] = options.command;
  let code: number | null = 0;
  let signal: NodeJS.Signals | null = null;
  for (const step of options.steps ?? cellSteps(cell)) {
    ({ code, signal } = await runStep(exe!, [...pre, ...step], log, options));
    if (code !== 0 || options.signal?.aborted) break;
  }
  const run = await completedRun(cell);
  const final: CellState = {
    ...state,
    status: code === 0 && run ? 'ok' : 'failed',
    endedAt: new Date().toISOString(),
    exitCode: code,
    signal,
    ...(run ? { runDir: run.dir } : {}),
  };
  writeSync(log, `=== attempt ${state.attempt} ${final.status} (exit ${code ?? signal}) at ${final.endedAt}\n`);
  closeSync(log);
  await writeCellState(cell, final);
  return final;
}

/** One command of an attempt, its output appended to the cell's log. */
function runStep(
  exe: string,
  args: readonly string[],
  log: number,
  options: RunCellOptions,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolveExit) => {
    const child = spawn(exe, [...args], {
      cwd: options.cwd,
      stdio: ['ignore', log, log],
      env: { ...process.env, NO_COLOR: '1', ...options.env },
    });
    const stop = () => child.kill('SIGTERM');
    options.signal?.addEventListener('abort', stop, { once: true });
    child.on('error', (error) => {
      writeSync(log, `cannot start ${exe}: ${error.message}\n`);
      resolveExit({ code: 127, signal: null });
    });
    child.on('close', (c, s) => {
      options.signal?.removeEventListener('abort', stop);
      resolveExit({ code: c, signal: s });
    });
  });
}
