import { availableParallelism, freemem, totalmem } from 'node:os';
import { parseSize, voxelwiseError } from '@voxelwise/core';
import type { EventSink } from '@voxelwise/core';
import { collectRecord, mergeSweep } from './merge.js';
import type { Cell, SweepPlan } from './plan.js';
import { cellSteps, runCell } from './run-cell.js';
import type { SweepJson } from './sweep-record.js';
import { writePlan } from './sweep-record.js';

/** Options of {@link runLocal}. */
export interface LocalOptions {
  /** The `voxelwise` command as argv (see {@link RunCellOptions.command}). */
  command: readonly string[];
  /** Cells at a time. @default the sweep's `parallel`, else {@link localParallelism} */
  parallel?: number;
  /** Extra attempts for a failed cell in this pass. @default the sweep's `retries` */
  retries?: number;
  signal?: AbortSignal;
  /** Progress (`stage:progress` of stage `sweep`, unit `cells`) and `log` events. */
  onEvent?: EventSink;
}

/** The memory budget of a cell's config in bytes (the trainer's default 4GB when unset). */
export function cellMemory(cell: Cell): number {
  const budget = cell.config['memoryBudget'];
  return parseSize(typeof budget === 'string' || typeof budget === 'number' ? budget : '4GB', 'memoryBudget');
}

/**
 * How many cells run at once when the sweep does not say: one per CPU core, but no more than
 * 80 % of this machine's memory holds at each cell's `memoryBudget` (at least one).
 */
export function localParallelism(plan: SweepPlan): number {
  const budget = Math.max(1, ...plan.cells.map(cellMemory));
  return Math.max(1, Math.min(availableParallelism(), Math.floor((0.8 * totalmem()) / budget)));
}

/**
 * Runs a sweep's unfinished cells on this machine, each a `voxelwise train` child process, at most
 * `parallel` at once; another cell starts only while free memory covers its `memoryBudget` (or
 * when nothing runs). Finished cells (a run directory with the cell's hash) are skipped, so
 * rerunning after a crash or a kill runs only the missing ones. A failed cell is retried up to
 * `retries` times. On abort the running cells get SIGTERM, the sweep is merged with what
 * finished, and `E_ABORTED` is thrown. Ends by merging (`sweep.json`, `summary.arrow`,
 * `sweep.html`).
 *
 * @example
 * const record = await runLocal(plan, { command: [process.execPath, 'node_modules/.bin/voxelwise'] });
 */
export async function runLocal(plan: SweepPlan, options: LocalOptions): Promise<SweepJson> {
  const t0 = performance.now();
  const emit: EventSink = options.onEvent ?? (() => undefined);
  const initial = await collectRecord(plan);
  await writePlan(plan, { ...initial, executor: 'local' });
  const todo = plan.cells.filter((c) => initial.cells.find((r) => r.id === c.id)?.status !== 'done');
  const total = plan.cells.length;
  let done = total - todo.length;
  let failed = 0;
  const parallel = options.parallel ?? plan.settings.parallel ?? localParallelism(plan);
  const retries = options.retries ?? plan.settings.retries;
  emit({
    type: 'log',
    level: 'info',
    stage: 'sweep',
    message: `${total} cells: ${done} already done, ${todo.length} to run, ${parallel} at a time`,
  });
  const queue = todo.map((cell) => ({ cell, tries: 0 }));
  const running = new Map<string, Promise<{ cell: Cell; tries: number; ok: boolean }>>();
  const progress = () =>
    emit({ type: 'stage:progress', stage: 'sweep', done, total, unit: 'cells', message: `${running.size} running, ${failed} failed` });
  progress();
  while (queue.length > 0 || running.size > 0) {
    while (
      queue.length > 0 &&
      running.size < parallel &&
      !options.signal?.aborted &&
      (running.size === 0 || freemem() >= cellMemory(queue[0]!.cell))
    ) {
      const item = queue.shift()!;
      item.tries++;
      running.set(
        item.cell.id,
        runCell(item.cell, {
          command: options.command,
          cwd: plan.cwd,
          steps: cellSteps(item.cell, plan.settings.shards),
          ...(options.signal ? { signal: options.signal } : {}),
        }).then((state) => ({ ...item, ok: state.status === 'ok' })),
      );
      progress();
    }
    if (running.size === 0) break;
    const finished = await Promise.race(running.values());
    running.delete(finished.cell.id);
    if (finished.ok) done++;
    else if (!options.signal?.aborted && finished.tries <= retries) {
      emit({ type: 'log', level: 'warn', stage: 'sweep', message: `cell ${finished.cell.id} (${finished.cell.label}) failed; retrying` });
      queue.push(finished);
    } else {
      failed++;
      emit({
        type: 'log',
        level: 'error',
        stage: 'sweep',
        message: `cell ${finished.cell.id} (${finished.cell.label}) failed after ${finished.tries} attempt(s); see ${finished.cell.dir}/log.txt`,
      });
    }
    progress();
  }
  const record = await mergeSweep(plan, { wallMs: performance.now() - t0 });
  if (options.signal?.aborted) {
    throw voxelwiseError({
      code: 'E_ABORTED',
      where: 'sweep:local',
      message: `sweep ${plan.name} aborted with ${done} of ${total} cells done; rerun the same command to finish the rest`,
    });
  }
  return record;
}
