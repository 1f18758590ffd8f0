import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { listRuns } from '@voxelwise/trainer';
import type { RunSummary } from '@voxelwise/trainer';
import { ownerState, writeJsonAtomic } from '@voxelwise/io';
import type { Cell } from './plan.js';

/**
 * What the last attempt at a cell recorded in `cells/<id>/state.json`. The process that runs the
 * cell writes it (the local executor, or the cell's Slurm array task), so `sweep status` reads the
 * same thing from any login node.
 */
export interface CellState {
  status: 'running' | 'ok' | 'failed';
  /** 1 for the first attempt. */
  attempt: number;
  host: string;
  pid: number;
  /** Slurm job id of the attempt (`<array job>_<task>`), when it ran under Slurm. */
  jobId?: string;
  /** ISO times. */
  startedAt: string;
  endedAt?: string;
  /** Exit code of the `voxelwise train` process. */
  exitCode?: number | null;
  /** Signal that ended it, if any. */
  signal?: string | null;
  /** The finished run directory. */
  runDir?: string;
  /** Why the attempt failed when the cell's own process could not say (e.g. its job never ran). */
  reason?: string;
}

/** Where a cell stands: `done` once a finished run with the cell's hash exists. */
export type CellStatus = 'done' | 'running' | 'failed' | 'pending';

/** `cells/<id>/state.json` */
function statePath(cell: Pick<Cell, 'dir'>): string {
  return join(cell.dir, 'state.json');
}

/** `cells/<id>/config.json`: the run config `voxelwise train` gets. */
export function cellConfigPath(cell: Pick<Cell, 'dir'>): string {
  return join(cell.dir, 'config.json');
}

/** `cells/<id>/log.txt`: every attempt's output, appended. */
export function cellLogPath(cell: Pick<Cell, 'dir'>): string {
  return join(cell.dir, 'log.txt');
}

/** The last recorded attempt of a cell, or undefined when none ran. */
export async function readCellState(cell: Pick<Cell, 'dir'>): Promise<CellState | undefined> {
  try {
    return JSON.parse(await readFile(statePath(cell), 'utf8')) as CellState;
  } catch {
    return undefined;
  }
}

/** Records an attempt (atomically: a reader never sees half a file). */
export async function writeCellState(cell: Pick<Cell, 'dir'>, state: CellState): Promise<void> {
  await writeJsonAtomic(statePath(cell), state);
}

/**
 * The cell's finished run: the newest run directory under `cells/<id>/runs` whose `run.json` has
 * status ok and the cell's config hash. Run directories appear only when a run finished (they are
 * renamed into place), so one that exists is complete.
 */
export async function completedRun(cell: Pick<Cell, 'dir' | 'hash'>): Promise<RunSummary | undefined> {
  const runs = await listRuns(join(cell.dir, 'runs'));
  return runs.find((r) => r.status === 'ok' && r.configHash === cell.hash);
}

/** Where a cell stands, from its run directories and its state file. */
export async function cellStatus(cell: Pick<Cell, 'dir' | 'hash'>): Promise<{ status: CellStatus; run?: RunSummary; state?: CellState }> {
  const run = await completedRun(cell);
  const state = await readCellState(cell);
  if (run) return { status: 'done', run, ...(state ? { state } : {}) };
  if (!state) return { status: 'pending' };
  // A "running" attempt whose process is gone from this host was killed (SIGKILL, a crash).
  if (state.status === 'running') return { status: ownerState(state) === 'stale' ? 'failed' : 'running', state };
  // "ok" without the run directory: the run was removed since.
  return { status: 'failed', state };
}

/** The last `lines` lines of a cell's log (empty when it has none). */
export async function logTail(cell: Pick<Cell, 'dir'>, lines = 30): Promise<string> {
  try {
    const text = await readFile(cellLogPath(cell), 'utf8');
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Records a failed attempt for a cell whose job ended without recording one itself: it never ran
 * (its feature extraction failed, it was cancelled while pending) or its process was killed
 * (a node died, the job ran out of time). A cell that recorded its own failure is left as it is.
 */
export async function markLost(cell: Pick<Cell, 'dir'>, reason: string, jobId?: string, since?: string): Promise<void> {
  const state = await readCellState(cell);
  // An outcome recorded since the submission (`since`, ISO time) is this attempt's own.
  const recent = since === undefined || (state?.endedAt !== undefined && state.endedAt >= since);
  if ((state?.status === 'failed' || state?.status === 'ok') && recent) return;
  const now = new Date().toISOString();
  await writeCellState(cell, {
    status: 'failed',
    // A stale "running" state is this attempt; without one the cell never started.
    attempt: (state?.attempt ?? 0) + (state?.status === 'running' && (since === undefined || state.startedAt >= since) ? 0 : 1),
    host: state?.host ?? hostname(),
    pid: state?.pid ?? process.pid,
    ...(jobId ? { jobId } : {}),
    startedAt: state?.status === 'running' ? state.startedAt : now,
    endedAt: now,
    reason,
  });
  await mkdir(cell.dir, { recursive: true });
  await appendFile(cellLogPath(cell), `=== attempt lost at ${now}: ${reason}\n`);
}
