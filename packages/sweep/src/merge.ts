import { join } from 'node:path';
import { writeFileAtomic } from '@voxelwise/io';
import { cellStatus, logTail } from './cell-state.js';
import type { SweepPlan } from './plan.js';
import { readJobs } from './slurm-jobs.js';
import { readSweepJson, sweepRecord, writeSweepJson } from './sweep-record.js';
import type { CellRecord, SweepJson } from './sweep-record.js';
import { renderSweepHtml } from './sweep-html.js';
import { SUMMARY_METRICS, writeSummary } from './summary.js';

/** The current record of a sweep: every cell's status, attempts, run and headline metrics. */
export async function collectRecord(plan: SweepPlan, previous?: SweepJson): Promise<SweepJson> {
  const before = previous ?? (await readSweepJson(plan.dir).catch(() => undefined));
  const byId = new Map<string, Omit<CellRecord, 'id' | 'index' | 'values' | 'label' | 'hash' | 'extractGroup'>>();
  for (const cell of plan.cells) {
    const { status, run, state } = await cellStatus(cell);
    const metrics: Record<string, unknown> = {};
    if (run) for (const m of [...SUMMARY_METRICS, 'selected_layer'] as const) if (run.metrics[m] !== undefined) metrics[m] = run.metrics[m];
    byId.set(cell.id, {
      status,
      attempts: state?.attempt ?? (run ? 1 : 0),
      ...(run
        ? { runDir: run.dir, durationMs: run.durationMs, metrics, ...(run.subject === undefined ? {} : { subject: run.subject }) }
        : {}),
    });
  }
  const record = sweepRecord(plan, before, (c) => byId.get(c.id)!);
  const jobs = await readJobs(plan.dir);
  return jobs.length > 0 ? { ...record, jobs } : record;
}

/**
 * Merges a sweep: reads every cell's state and finished run, and writes `sweep.json`,
 * `summary.arrow` and `sweep.html` into the sweep directory (each atomically). Safe to run at any
 * time, as often as wanted (the Slurm merge job, the local executor after each pass, `sweep status`).
 */
export async function mergeSweep(plan: SweepPlan, extra: { wallMs?: number } = {}): Promise<SweepJson> {
  const collected = await collectRecord(plan);
  const record = extra.wallMs === undefined ? collected : { ...collected, wallMs: extra.wallMs };
  await writeSweepJson(record);
  await writeSummary(plan.dir, record.keys, record.cells);
  const failures = [];
  for (const c of record.cells)
    if (c.status === 'failed') failures.push({ cell: c, logTail: await logTail({ dir: join(plan.dir, 'cells', c.id) }) });
  await writeFileAtomic(join(plan.dir, 'sweep.html'), renderSweepHtml(record, failures));
  return record;
}
