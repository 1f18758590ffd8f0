import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
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
  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    const child = spawn(exe!, [...pre, 'train', '--config', cellConfigPath(cell), '--quiet'], {
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
