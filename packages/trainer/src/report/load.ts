import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { voxelwiseError } from '@voxelwise/core';
import { readScores, readTimeseries } from '../arrow-io.js';
import type { ScoreColumns, TimeseriesColumns } from '../arrow-io.js';

/** Everything the report shows, read back from a run directory. */
export interface ReportData {
  runId: string;
  name: string;
  status: string;
  startedAt: string;
  durationMs: number;
  configHash: string;
  preset: string;
  config: Record<string, unknown>;
  metrics: Record<string, unknown>;
  scores: ScoreColumns;
  timeseries?: TimeseriesColumns;
  /** Per-layer headline numbers of a sweep. */
  layers?: Array<Record<string, number>>;
  selectedLayer?: number;
  /** The metric the selected layer is best by (`cv_score` or `median_score`). */
  selectedBy?: string;
  /** The model's alpha grid (from its resolved options), for the grid-edge check. */
  alphaGrid?: number[];
  split: Record<string, unknown>;
  assembly: Record<string, unknown>;
  model: Record<string, unknown>;
  timings: Record<string, number>;
  versions: Record<string, string>;
  /** 1 for voxels a simulator planted signal in (simulated subjects only). */
  planted?: Uint8Array;
}

async function json(path: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw voxelwiseError({
      code: 'E_FILE_NOT_FOUND',
      where: 'trainer:report',
      message: `cannot read ${path}`,
      cause: error,
      hint: 'Pass a run directory written by "voxelwise train" (results/<run-id>).',
    });
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (error) {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where: 'trainer:report',
      message: `${path} is not valid JSON: ${(error as Error).message}`,
      cause: error,
    });
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

function numbers(x: unknown): number[] | undefined {
  return Array.isArray(x) && x.length > 0 && x.every((v) => typeof v === 'number') ? (x as number[]) : undefined;
}

/** Reads a run directory (run.json, config.json, metrics.json, scores.arrow, …) for the report. */
export async function loadReportData(runDir: string): Promise<ReportData> {
  const run = await json(join(runDir, 'run.json'));
  const config = await json(join(runDir, 'config.json'));
  const metrics = await json(join(runDir, 'metrics.json'));
  const files = (run['files'] ?? {}) as Record<string, unknown>;
  const scores = await readScores(join(runDir, String(files['scores'] ?? 'scores.arrow')));
  const tsFile = join(runDir, String(files['timeseries'] ?? 'timeseries.arrow'));
  const model = (run['model'] ?? {}) as Record<string, unknown>;
  const options = (model['options'] ?? {}) as Record<string, unknown>;
  const info = (model['info'] ?? {}) as Record<string, unknown>;
  const assemblyFile = join(runDir, 'assembly.json');
  const assemblyFull = (await exists(assemblyFile)) ? await json(assemblyFile) : {};
  const truth = (assemblyFull['groundTruth'] ?? {}) as Record<string, unknown>;
  const planted = numbers(truth['planted']);
  const layers = Array.isArray(metrics['layers']) ? (metrics['layers'] as Array<Record<string, number>>) : undefined;
  const grid = numbers(options['alphas']) ?? numbers(info['alphaGrid']) ?? numbers(info['alphas']);
  const data: ReportData = {
    runId: String(run['runId'] ?? ''),
    name: String(run['name'] ?? config['name'] ?? ''),
    status: String(run['status'] ?? ''),
    startedAt: String(run['startedAt'] ?? ''),
    durationMs: Number(run['durationMs'] ?? Number.NaN),
    configHash: String(run['configHash'] ?? ''),
    preset: String(run['preset'] ?? config['preset'] ?? ''),
    config,
    metrics,
    scores,
    split: (run['split'] ?? {}) as Record<string, unknown>,
    assembly: (run['assembly'] ?? {}) as Record<string, unknown>,
    model,
    timings: (run['timings'] ?? {}) as Record<string, number>,
    versions: (run['versions'] ?? {}) as Record<string, string>,
  };
  if (await exists(tsFile)) data.timeseries = await readTimeseries(tsFile);
  if (layers) data.layers = layers;
  if (typeof metrics['selected_layer'] === 'number') data.selectedLayer = metrics['selected_layer'];
  if (typeof metrics['selected_by'] === 'string') data.selectedBy = metrics['selected_by'];
  if (grid) data.alphaGrid = grid;
  if (planted && planted.length === scores.r.length) data.planted = Uint8Array.from(planted);
  return data;
}
