import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { voxelwiseError } from '@voxelwise/core';
import type { EventSink } from '@voxelwise/core';
import { cellStatus, markLost } from './cell-state.js';
import { collectRecord, mergeSweep } from './merge.js';
import type { Cell, SweepPlan } from './plan.js';
import { appendJobs, readJobs } from './slurm-jobs.js';
import { sacctStates, sbatch, scancel, squeue } from './slurm-cli.js';
import type { QueuedTask } from './slurm-cli.js';
import { arrayFlag, batchScript, logPattern, shellQuote } from './slurm-scripts.js';
import type { SweepJob, SweepJson } from './sweep-record.js';
import { writePlan } from './sweep-record.js';

/** Options of {@link runSlurm}. */
export interface SlurmOptions {
  /** The `voxelwise` command as argv, as the compute nodes run it (a path on the shared file system). */
  command: readonly string[];
  /** Extra submissions of failed cells. @default the sweep's `retries` */
  retries?: number;
  /** Return once the jobs are submitted instead of monitoring them. @default false */
  detach?: boolean;
  /** Stops monitoring (the jobs keep running; `sweep cancel` cancels them). */
  signal?: AbortSignal;
  /** Progress (`stage:progress` of stage `sweep`, unit `cells`) and `log` events. */
  onEvent?: EventSink;
  /** Seconds between two looks at the queue. @default the sweep's `slurm.pollSeconds` */
  pollSeconds?: number;
}

/** What {@link submitCells} submitted. */
export interface Submission {
  extract?: SweepJob;
  /** Sharded sweeps: the shard plans (one task per cell) and fits (cells × shards). */
  shardPlan?: SweepJob;
  shardFit?: SweepJob;
  /** One task per cell: the fit, or in a sharded sweep the merge of the cell's shards. */
  fit: SweepJob;
  merge: SweepJob;
}

/**
 * Submits the work of `cells` as three stages: one array task per feature-extraction group the
 * cells need (each distinct assembly × extractors runs once, into the shared cache), then one
 * array task per cell with `--dependency=afterok` on the extraction, then a merge job that runs
 * after the fits whatever their outcome (`afterany`) and writes `sweep.json`, `summary.arrow` and
 * `sweep.html`. Each stage's resources come from the sweep's `slurm` settings; arrays are
 * throttled with `%k` when `slurm.throttle` is set.
 */
export async function submitCells(
  plan: SweepPlan,
  cells: readonly Cell[],
  command: readonly string[],
  withExtract: boolean,
): Promise<Submission> {
  const s = plan.settings.slurm;
  const slurmDir = join(plan.dir, 'slurm');
  await mkdir(join(slurmDir, 'logs'), { recursive: true });
  const round = (await readJobs(plan.dir)).filter((j) => j.stage === 'fit').length + 1;
  const jobName = s.jobName ?? `vw-${plan.name}`;
  const base = { cwd: plan.cwd, command };
  const now = () => new Date().toISOString();
  const jobs: SweepJob[] = [];

  let extract: SweepJob | undefined;
  const groups = [...new Set(cells.map((c) => c.extractGroup))].sort((a, b) => a - b);
  if (withExtract && groups.length > 0) {
    const list = join(slurmDir, `extract-${round}.groups`);
    await writeFile(list, `${groups.join('\n')}\n`);
    const script = join(slurmDir, `extract-${round}.sh`);
    await writeFile(
      script,
      batchScript({
        ...base,
        jobName: `${jobName}-extract`,
        output: logPattern(plan.dir, 'extract', true),
        array: arrayFlag(groups.length, s.throttle),
        resources: s.extract,
        prelude: [`group=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" ${list})`],
        args: ['sweep', 'task', 'extract', '--dir', plan.dir, '--group', '"$group"'],
      }),
    );
    extract = { stage: 'extract', jobId: await sbatch(script), submittedAt: now() };
    jobs.push(extract);
  }

  const list = join(slurmDir, `fit-${round}.cells`);
  await writeFile(list, `${cells.map((c) => c.id).join('\n')}\n`);
  const shards = plan.settings.shards;
  let shardPlan: SweepJob | undefined;
  let shardFit: SweepJob | undefined;
  if (shards > 1) {
    // voxelwise shard plan | fit | merge per cell: the plans, then every (cell, shard) as one
    // task. A failed plan or shard fails only its cell (afterany; the cell's merge names it).
    const pick = [`d=${shellQuote(plan.dir)}`, `cell=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" ${shellQuote(list)})`];
    const planScript = join(slurmDir, `shard-plan-${round}.sh`);
    await writeFile(
      planScript,
      batchScript({
        ...base,
        jobName: `${jobName}-shard-plan`,
        output: logPattern(plan.dir, 'shard-plan', true),
        array: arrayFlag(cells.length, s.throttle),
        resources: s.fit,
        prelude: pick,
        args: ['shard', 'plan', '"$d/cells/$cell/config.json"', '--shards', String(shards), '--dir', '"$d/cells/$cell/shards"', '--quiet'],
      }),
    );
    shardPlan = {
      stage: 'shard-plan',
      jobId: await sbatch(planScript, extract ? [`--dependency=afterok:${extract.jobId}`] : []),
      cells: cells.map((c) => c.id),
      submittedAt: now(),
    };
    jobs.push(shardPlan);
    const fitShardScript = join(slurmDir, `shard-fit-${round}.sh`);
    await writeFile(
      fitShardScript,
      batchScript({
        ...base,
        jobName: `${jobName}-shard-fit`,
        output: logPattern(plan.dir, 'shard-fit', true),
        array: arrayFlag(cells.length * shards, s.throttle),
        resources: s.fit,
        prelude: [
          `d=${shellQuote(plan.dir)}`,
          `cell=$(sed -n "$((SLURM_ARRAY_TASK_ID / ${shards} + 1))p" ${shellQuote(list)})`,
          `shard=$((SLURM_ARRAY_TASK_ID % ${shards}))`,
        ],
        args: ['shard', 'fit', '--dir', '"$d/cells/$cell/shards"', '--index', '"$shard"', '--quiet'],
      }),
    );
    shardFit = {
      stage: 'shard-fit',
      jobId: await sbatch(fitShardScript, [`--dependency=afterany:${shardPlan.jobId}`]),
      submittedAt: now(),
    };
    jobs.push(shardFit);
  }
  const fitScript = join(slurmDir, `fit-${round}.sh`);
  await writeFile(
    fitScript,
    batchScript({
      ...base,
      jobName: `${jobName}-fit`,
      output: logPattern(plan.dir, 'fit', true),
      array: arrayFlag(cells.length, s.throttle),
      prelude: [`cell=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" ${shellQuote(list)})`],
      args: [
        'sweep',
        'task',
        'fit',
        '--dir',
        plan.dir,
        '--cell',
        '"$cell"',
        '--job',
        '"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"',
        ...(shards > 1 ? ['--step', 'merge'] : []),
      ],
      resources: shards > 1 ? s.merge : s.fit,
    }),
  );
  const fitAfter = shardFit ? [`--dependency=afterany:${shardFit.jobId}`] : extract ? [`--dependency=afterok:${extract.jobId}`] : [];
  const fit: SweepJob = {
    stage: 'fit',
    jobId: await sbatch(fitScript, fitAfter),
    cells: cells.map((c) => c.id),
    submittedAt: now(),
  };
  jobs.push(fit);

  const mergeScript = join(slurmDir, `merge-${round}.sh`);
  await writeFile(
    mergeScript,
    batchScript({
      ...base,
      jobName: `${jobName}-merge`,
      output: logPattern(plan.dir, 'merge', false),
      resources: s.merge,
      args: ['sweep', 'task', 'merge', '--dir', plan.dir],
    }),
  );
  const merge: SweepJob = { stage: 'merge', jobId: await sbatch(mergeScript, [`--dependency=afterany:${fit.jobId}`]), submittedAt: now() };
  jobs.push(merge);
  await appendJobs(plan.dir, jobs);
  return { ...(extract ? { extract } : {}), ...(shardPlan ? { shardPlan } : {}), ...(shardFit ? { shardFit } : {}), fit, merge };
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Counts of a sweep's cells. */
export interface CellCounts {
  done: number;
  running: number;
  failed: number;
  pending: number;
}

async function counts(plan: SweepPlan): Promise<CellCounts> {
  const c: CellCounts = { done: 0, running: 0, failed: 0, pending: 0 };
  for (const cell of plan.cells) c[(await cellStatus(cell)).status]++;
  return c;
}

/**
 * Runs a sweep's unfinished cells on Slurm (see {@link submitCells}) and monitors them with
 * `squeue` (progress events: cells done, running, failed). Cells whose tasks failed, were
 * cancelled, or never ran (their extraction failed) are resubmitted up to `retries` times, without
 * the extraction stage once it succeeded. Finished cells are never resubmitted: rerunning the
 * same sweep submits only the missing ones. With `detach`, returns after submitting. An abort
 * stops the monitoring only; the jobs keep running (`sweep status` follows them, `sweep cancel`
 * cancels them).
 */
export async function runSlurm(plan: SweepPlan, options: SlurmOptions): Promise<SweepJson> {
  const t0 = performance.now();
  const emit: EventSink = options.onEvent ?? (() => undefined);
  const retries = options.retries ?? plan.settings.retries;
  const pollMs = (options.pollSeconds ?? plan.settings.slurm.pollSeconds) * 1000;
  const initial = await collectRecord(plan);
  await writePlan(plan, { ...initial, executor: 'slurm' });
  let todo = plan.cells.filter((c) => initial.cells.find((r) => r.id === c.id)?.status !== 'done');
  const total = plan.cells.length;
  emit({
    type: 'log',
    level: 'info',
    stage: 'sweep',
    message: `${total} cells: ${total - todo.length} already done, ${todo.length} to submit`,
  });
  if (todo.length === 0) return mergeSweep(plan);

  let withExtract = true;
  for (let round = 0; ; round++) {
    const sub = await submitCells(plan, todo, options.command, withExtract);
    emit({
      type: 'log',
      level: 'info',
      stage: 'sweep',
      message: `submitted ${sub.extract ? `extraction ${sub.extract.jobId} (${new Set(todo.map((c) => c.extractGroup)).size} tasks) → ` : ''}${
        sub.shardPlan && sub.shardFit
          ? `shard plans ${sub.shardPlan.jobId} (${todo.length} tasks) → shard fits ${sub.shardFit.jobId} (${todo.length * plan.settings.shards} tasks) → shard merges`
          : 'fits'
      } ${sub.fit.jobId} (${todo.length} tasks) → merge ${sub.merge.jobId}`,
    });
    if (options.detach) return collectRecord(plan);
    const ids = [sub.extract, sub.shardPlan, sub.shardFit, sub.fit, sub.merge].flatMap((j) => (j ? [j.jobId] : []));
    let extractFailed = false;
    for (;;) {
      const queued: QueuedTask[] = await squeue(ids);
      // An afterok dependency on a failed extraction never clears: cancel the fits it holds.
      const stuck = queued.filter((t) => t.reason === 'DependencyNeverSatisfied');
      if (stuck.length > 0) {
        // The only afterok dependency is on the extraction.
        extractFailed = true;
        await scancel([...new Set(stuck.map((t) => t.id.split('_')[0]!))]);
      }
      const c = await counts(plan);
      emit({
        type: 'stage:progress',
        stage: 'sweep',
        done: c.done,
        total,
        unit: 'cells',
        message: `${queued.filter((t) => t.state === 'RUNNING').length} tasks running, ${queued.filter((t) => t.state === 'PENDING').length} pending, ${c.failed} cells failed`,
      });
      if (queued.length === 0) break;
      if (options.signal?.aborted) {
        emit({
          type: 'log',
          level: 'warn',
          stage: 'sweep',
          message: `stopped monitoring; jobs ${ids.join(', ')} keep running ("voxelwise sweep status ${plan.dir}", "voxelwise sweep cancel ${plan.dir}")`,
        });
        throw voxelwiseError({
          code: 'E_ABORTED',
          where: 'sweep:slurm',
          message: `stopped monitoring sweep ${plan.name}; its jobs keep running`,
        });
      }
      await sleep(pollMs, options.signal);
    }
    if (extractFailed)
      emit({
        type: 'log',
        level: 'error',
        stage: 'sweep',
        message: `feature extraction ${sub.extract?.jobId ?? ''} failed; see ${plan.dir}/slurm/logs`,
      });
    else withExtract = false;
    const missing: Cell[] = [];
    for (const cell of todo) if ((await cellStatus(cell)).status !== 'done') missing.push(cell);
    for (const cell of missing) {
      await markLost(
        cell,
        extractFailed
          ? `its feature extraction (job ${sub.extract?.jobId ?? '?'}) failed; see ${plan.dir}/slurm/logs`
          : `its task ${sub.fit.jobId}_${todo.indexOf(cell)} ended without recording an outcome (cancelled, killed, out of time or memory)`,
        `${sub.fit.jobId}_${todo.indexOf(cell)}`,
        sub.fit.submittedAt,
      );
    }
    // Where the cluster keeps accounting, say why each task ended (TIMEOUT, OUT_OF_MEMORY, …).
    const ended = missing.length > 0 ? await sacctStates([sub.fit.jobId]) : new Map<string, string>();
    const why = (cell: Cell) => {
      const state = ended.get(`${sub.fit.jobId}_${todo.indexOf(cell)}`);
      return state ? ` (Slurm: ${state})` : '';
    };
    if (missing.length === 0 || round >= retries) {
      for (const cell of missing)
        emit({
          type: 'log',
          level: 'error',
          stage: 'sweep',
          message: `cell ${cell.id} (${cell.label}) failed after ${round + 1} submission(s)${why(cell)}; see ${cell.dir}/log.txt`,
        });
      return mergeSweep(plan, { wallMs: performance.now() - t0 });
    }
    emit({
      type: 'log',
      level: 'warn',
      stage: 'sweep',
      message: `${missing.length} cell(s) failed (${missing.map((c) => `${c.id}${why(c)}`).join(', ')}); resubmitting (${round + 1} of ${retries})`,
    });
    todo = missing;
  }
}

/** Cancels every job a sweep submitted (`scancel`); returns their ids. Finished cells stay. */
export async function cancelSweep(plan: SweepPlan): Promise<string[]> {
  const ids = [...new Set((await readJobs(plan.dir)).map((j) => j.jobId))];
  const live = new Set((await squeue(ids)).map((t) => t.id.split('_')[0]!));
  const cancel = ids.filter((id) => live.has(id));
  await scancel(cancel);
  await mergeSweep(plan);
  return cancel;
}

/** A sweep's state for `sweep status`: the merged record and what of its jobs is still queued. */
export async function sweepStatus(plan: SweepPlan): Promise<{ record: SweepJson; queued: QueuedTask[] }> {
  const record = await collectRecord(plan);
  const ids = [...new Set(record.jobs.map((j) => j.jobId))];
  let queued: QueuedTask[] = [];
  if (ids.length > 0) {
    try {
      queued = await squeue(ids);
    } catch {
      // Not on a Slurm node: the state files still tell which cells finished.
    }
  }
  return { record, queued };
}
