import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { voxelwiseError, z } from '@voxelwise/core';
import { writeJsonAtomic } from '@voxelwise/io';
import { cellConfigPath } from './cell-state.js';
import type { CellStatus } from './cell-state.js';
import type { Cell, SweepPlan } from './plan.js';
import { sweepSettingsSchema } from './sweep-spec.js';

/** A Slurm job the sweep submitted. */
export interface SweepJob {
  /** `shard-plan` and `shard-fit` only in sharded sweeps, where `fit` merges each cell's shards. */
  stage: 'extract' | 'shard-plan' | 'shard-fit' | 'fit' | 'merge';
  jobId: string;
  /** Fit arrays: the cell ids, by array index. */
  cells?: string[];
  submittedAt: string;
}

const jobSchema = z.object({
  stage: z.enum(['extract', 'shard-plan', 'shard-fit', 'fit', 'merge']),
  jobId: z.string(),
  cells: z.array(z.string()).optional(),
  submittedAt: z.string(),
});

const cellRecordSchema = z.object({
  id: z.string(),
  index: z.number().int(),
  values: z.record(z.string(), z.unknown()),
  label: z.string(),
  hash: z.string(),
  extractGroup: z.number().int(),
  status: z.enum(['done', 'running', 'failed', 'pending']),
  attempts: z.number().int(),
  runDir: z.string().optional(),
  /** The subject the run recorded (run.json `assembly.subject`). */
  subject: z.string().optional(),
  durationMs: z.number().optional(),
  metrics: z.record(z.string(), z.unknown()).optional(),
});

/**
 * The schema of `sweep.json`: the grid, every cell (grid values, config hash, status, attempts,
 * run directory, headline metrics, run time), the extraction groups, the Slurm jobs and the
 * sweep's timings. `sweep status` and `sweep cancel` read it from any node.
 */
export const sweepJsonSchema = z.object({
  kind: z.literal('voxelwise-sweep'),
  version: z.literal(1),
  name: z.string(),
  dir: z.string(),
  cwd: z.string(),
  executor: z.enum(['local', 'slurm']),
  grid: z.record(z.string(), z.unknown()),
  keys: z.array(z.string()),
  settings: sweepSettingsSchema,
  cells: z.array(cellRecordSchema),
  extractGroups: z.array(z.object({ index: z.number().int(), key: z.string(), cells: z.array(z.string()), label: z.string() })),
  jobs: z.array(jobSchema),
  createdAt: z.string(),
  updatedAt: z.string(),
  /** Wall time of the last executor pass that ran to its end, milliseconds. */
  wallMs: z.number().optional(),
});

/** The content of `sweep.json`. */
export type SweepJson = z.output<typeof sweepJsonSchema>;
/** One cell of `sweep.json`. */
export type CellRecord = z.output<typeof cellRecordSchema>;

/** `<dir>/sweep.json` */
function sweepJsonPath(dir: string): string {
  return join(dir, 'sweep.json');
}

/** Reads and checks `<dir>/sweep.json` (`E_FILE_NOT_FOUND`, `E_FILE_FORMAT` naming the file). */
export async function readSweepJson(dir: string): Promise<SweepJson> {
  const path = sweepJsonPath(dir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw voxelwiseError({
      code: 'E_FILE_NOT_FOUND',
      where: 'sweep:record',
      message: `${path} does not exist: ${dir} is not a sweep directory`,
      cause: error,
      hint: 'Pass the folder "voxelwise sweep" printed (sweeps/<name> by default).',
    });
  }
  let parsed;
  try {
    parsed = sweepJsonSchema.safeParse(JSON.parse(text));
  } catch (error) {
    throw voxelwiseError({ code: 'E_FILE_FORMAT', where: 'sweep:record', message: `${path} is not JSON`, cause: error });
  }
  if (!parsed.success) {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where: 'sweep:record',
      message: `${path} is not a voxelwise sweep record: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    });
  }
  return parsed.data;
}

/** Writes `sweep.json` (atomically). */
export async function writeSweepJson(record: SweepJson): Promise<void> {
  await writeJsonAtomic(sweepJsonPath(record.dir), { ...record, updatedAt: new Date().toISOString() });
}

/** A fresh record of a plan: every cell with the given status (default pending). */
export function sweepRecord(
  plan: SweepPlan,
  previous: SweepJson | undefined,
  status: (cell: Cell) => { status: CellStatus; attempts: number } = () => ({ status: 'pending', attempts: 0 }),
): SweepJson {
  const now = new Date().toISOString();
  return {
    kind: 'voxelwise-sweep',
    version: 1,
    name: plan.name,
    dir: plan.dir,
    cwd: plan.cwd,
    executor: plan.settings.executor,
    grid: plan.grid,
    keys: plan.keys,
    settings: plan.settings,
    cells: plan.cells.map((c) => ({
      id: c.id,
      index: c.index,
      values: c.values as Record<string, unknown>,
      label: c.label,
      hash: c.hash,
      extractGroup: c.extractGroup,
      ...status(c),
    })),
    extractGroups: plan.extractGroups,
    jobs: previous?.jobs ?? [],
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
    ...(previous?.wallMs === undefined ? {} : { wallMs: previous.wallMs }),
  };
}

/**
 * Writes the plan into its directory: each cell's `config.json` and `sweep.json`. Cells keep their
 * folders (and finished runs) across reruns: a folder is named by the cell's config hash.
 */
export async function writePlan(plan: SweepPlan, record: SweepJson): Promise<void> {
  for (const cell of plan.cells) await writeJsonAtomic(cellConfigPath(cell), cell.config);
  await writeSweepJson(record);
}

/**
 * The plan of an existing sweep directory, rebuilt from `sweep.json` and the cells' `config.json`
 * (what `sweep status`, `sweep cancel` and the Slurm tasks use; the sweep file is not needed).
 */
export async function loadPlan(dir: string): Promise<{ plan: SweepPlan; record: SweepJson }> {
  const record = await readSweepJson(dir);
  // The folder as given wins over the one recorded: a sweep directory may have been moved.
  const root = resolve(dir);
  const cells: Cell[] = [];
  for (const c of record.cells) {
    const cellDir = join(root, 'cells', c.id);
    let config: Record<string, unknown> = {};
    try {
      config = JSON.parse(await readFile(cellConfigPath({ dir: cellDir }), 'utf8')) as Record<string, unknown>;
    } catch {
      // Listed in sweep.json but its config is gone: status still reads, a run of it fails naming the file.
    }
    cells.push({
      id: c.id,
      index: c.index,
      values: c.values as Cell['values'],
      label: c.label,
      hash: c.hash,
      dir: cellDir,
      extractGroup: c.extractGroup,
      config,
    });
  }
  const plan: SweepPlan = {
    name: record.name,
    dir: root,
    cwd: record.cwd,
    grid: record.grid,
    keys: record.keys,
    settings: record.settings,
    cells,
    extractGroups: record.extractGroups,
  };
  return { plan, record: { ...record, dir: root } };
}
