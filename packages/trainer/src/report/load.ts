import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { voxelwiseError } from '@voxelwise/core';
import { readScores, readTimeseries } from '../arrow-io.js';
import type { ScoreColumns, TimeseriesColumns } from '../arrow-io.js';
import { readJsonFile } from '../read-json.js';
import { readRunJson } from '../run-json.js';
import type { RunJson } from '../run-json.js';
import { loadBrainMap } from './brain-map.js';
import type { BrainMapFigures } from './brain-map.js';

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
  /** The model's alpha grid (from its validation report), for the grid-edge check. */
  alphaGrid?: number[];
  split: RunJson['split'];
  assembly: RunJson['assembly'];
  model: RunJson['model'];
  timings: Record<string, number>;
  versions: Record<string, string>;
  /** 1 for voxels a simulator planted signal in (simulated subjects only). */
  planted?: Uint8Array;
  /** Brain maps, when the assembly recorded where its columns lie (run.json `assembly.geometry`). */
  brainMap?: BrainMapFigures;
}

async function jsonObject(path: string): Promise<Record<string, unknown>> {
  const value = await readJsonFile(path, 'trainer:report');
  if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw voxelwiseError({ code: 'E_FILE_FORMAT', where: 'trainer:report', message: `${path} does not hold a JSON object` });
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
  const run = await readRunJson(runDir);
  const config = await jsonObject(join(runDir, 'config.json'));
  const metrics = await jsonObject(join(runDir, 'metrics.json'));
  const scores = await readScores(join(runDir, run.files.scores));
  const tsFile = join(runDir, run.files.timeseries ?? 'timeseries.arrow');
  const assemblyFile = join(runDir, 'assembly.json');
  const assemblyFull = (await exists(assemblyFile)) ? await jsonObject(assemblyFile) : {};
  const truth = (assemblyFull['groundTruth'] ?? {}) as Record<string, unknown>;
  const planted = numbers(truth['planted']);
  const layers = Array.isArray(metrics['layers']) ? (metrics['layers'] as Array<Record<string, number>>) : undefined;
  // The model's validation report gives the grid; run.json files written before it existed
  // carry it in the model's options or its free-form info.
  const options = run.model.options && typeof run.model.options === 'object' ? (run.model.options as Record<string, unknown>) : {};
  const grid = run.model.alphaGrid ?? numbers(options['alphas']) ?? numbers(run.model.info['alphaGrid']);
  const data: ReportData = {
    runId: run.runId,
    name: run.name,
    status: run.status,
    startedAt: run.startedAt,
    durationMs: run.durationMs,
    configHash: run.configHash,
    preset: run.preset,
    config,
    metrics,
    scores,
    split: run.split,
    assembly: run.assembly,
    model: run.model,
    timings: run.timings,
    versions: run.versions,
  };
  if (await exists(tsFile)) data.timeseries = await readTimeseries(tsFile);
  if (layers) data.layers = layers;
  if (typeof metrics['selected_layer'] === 'number') data.selectedLayer = metrics['selected_layer'];
  if (typeof metrics['selected_by'] === 'string') data.selectedBy = metrics['selected_by'];
  if (grid) data.alphaGrid = grid;
  if (planted && planted.length === scores.r.length) data.planted = Uint8Array.from(planted);
  const brainMap = await loadBrainMap(run.assembly.geometry, scores);
  if (brainMap) data.brainMap = brainMap;
  return data;
}
