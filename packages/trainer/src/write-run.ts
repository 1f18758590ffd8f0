import { copyFile, link, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolvedConfig } from './config.js';
import type { SplitPlan } from './pipeline.js';
import type { RunDirectory } from './run-dir.js';
import { jsonSafe } from './run-dir.js';
import { scoresToIPC, timeseriesToIPC, writeWeights } from './arrow-io.js';
import type { WeightsSource } from './arrow-io.js';
import type { VariantResult } from './train.js';
import { writeReport } from './report/write-report.js';

/** Everything {@link writeRunOutputs} puts in a run directory. */
export interface RunOutputs {
  runId: string;
  config: ResolvedConfig;
  configHash: string;
  plan: SplitPlan;
  metrics: Record<string, unknown>;
  results: VariantResult[];
  selected: VariantResult;
  /** Files of each layer of a sweep, already written by {@link writeVariant}. */
  variantFiles: VariantFiles[];
  timings: Record<string, number>;
  versions: Record<string, string>;
  assemblyMetadata: Record<string, unknown>;
  /** The model's options with defaults filled (its alpha grid, folds, ...). */
  modelOptions: unknown;
  startedAt: string;
  durationMs: number;
}

/** The files of one variant, relative to the run directory. */
export interface VariantFiles {
  label: string;
  layer?: number;
  dir: string;
  metrics: string;
  scores: string;
  timeseries?: string;
  weights?: string;
}

/** Model info without bulky per-voxel arrays (those live in scores.arrow). */
function compactInfo(info: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(info)) {
    if (ArrayBuffer.isView(v) && (v as unknown as ArrayLike<number>).length > 64)
      out[k] = { type: v.constructor.name, length: (v as unknown as ArrayLike<number>).length };
    else if (Array.isArray(v) && v.length > 64) out[k] = { type: 'Array', length: v.length };
    else out[k] = v;
  }
  return out;
}

function weightsOf(v: VariantResult): WeightsSource | undefined {
  const f = v.fitted;
  if (!f) return undefined;
  // Blocks first: a model may hold (or have spilled) more weights than fit in memory at once.
  if (f.weightBatches) return { rows: v.columns.length, cols: v.scores.r.length, batches: f.weightBatches() };
  return f.weights;
}

/** Writes one variant's metrics, scores, series and weights under `sub` (or the top level). */
export async function writeVariant(
  dir: RunDirectory,
  sub: string,
  v: VariantResult,
  config: ResolvedConfig,
  metrics: Record<string, unknown>,
): Promise<VariantFiles> {
  const at = (f: string) => (sub ? `${sub}/${f}` : f);
  if (sub) await mkdir(dir.path(sub), { recursive: true });
  const files: VariantFiles = {
    label: v.label,
    ...(v.layer === undefined ? {} : { layer: v.layer }),
    dir: sub || '.',
    metrics: at('metrics.json'),
    scores: at('scores.arrow'),
  };
  await dir.writeJson(files.metrics, metrics);
  const meta: Record<string, string> = {
    run_variant: v.label,
    model: config.model.name,
    alpha_convention: 'huth: weights V diag(s/(s^2+a^2)) U^T Y, a = alpha (x s_max with normalpha), lambda = a^2',
  };
  await dir.writeBytes(files.scores, scoresToIPC(v.scores, meta));
  if (v.timeseries) {
    files.timeseries = at('timeseries.arrow');
    await dir.writeBytes(files.timeseries, timeseriesToIPC(v.timeseries));
  }
  const w = config.saveWeights ? weightsOf(v) : undefined;
  if (w) {
    files.weights = at('weights.arrow');
    await writeWeights(dir.path(files.weights), w, { ...meta, columns: JSON.stringify(v.columns), delays: JSON.stringify(config.delays) });
  }
  return files;
}

/**
 * Writes a finished run into its (still temporary) directory: config with hash, metrics with
 * LITcoder's key names, per-voxel scores, weights and best-voxel series as Arrow, assembly
 * metadata, run.json (timings, versions, model info, file index) and report.html.
 * Returns whether a report was written.
 */
export async function writeRunOutputs(dir: RunDirectory, o: RunOutputs): Promise<boolean> {
  await dir.writeJson('config.json', { ...o.config, configHash: o.configHash });
  const variants = o.variantFiles;
  // The top-level files describe the selected variant (the only one outside a sweep).
  const selectedFiles = o.results.length > 1 ? variants.find((f) => f.label === o.selected.label)! : undefined;
  let top: VariantFiles;
  if (selectedFiles) {
    top = { ...selectedFiles, dir: '.', metrics: 'metrics.json', scores: 'scores.arrow' };
    await dir.writeJson('metrics.json', o.metrics);
    await dir.writeBytes('scores.arrow', scoresToIPC(o.selected.scores, { run_variant: o.selected.label, model: o.config.model.name }));
    if (selectedFiles.timeseries) {
      top.timeseries = 'timeseries.arrow';
      await dir.writeBytes(top.timeseries, timeseriesToIPC(o.selected.timeseries!));
    }
    if (selectedFiles.weights) {
      top.weights = 'weights.arrow';
      // The selected layer's weights are already on disk: link rather than copy (copy where links fail).
      await link(dir.path(selectedFiles.weights), dir.path('weights.arrow')).catch(() =>
        copyFile(dir.path(selectedFiles.weights!), dir.path('weights.arrow')),
      );
    }
  } else {
    top = await writeVariant(dir, '', o.selected, o.config, o.metrics);
  }
  await dir.writeJson('assembly.json', o.assemblyMetadata);
  const meta = o.assemblyMetadata;
  await dir.writeBytes(
    'run.json',
    `${JSON.stringify(
      {
        runId: o.runId,
        name: o.config.name,
        status: 'ok',
        startedAt: o.startedAt,
        durationMs: o.durationMs,
        configHash: o.configHash,
        preset: o.config.preset,
        split: o.plan,
        assembly: {
          subject: meta['subject'],
          tr: meta['tr'],
          nVoxels: meta['nVoxels'],
          trimming: meta['trimming'],
          provenance: meta['provenance'],
        },
        model: { name: o.config.model.name, options: o.modelOptions, info: compactInfo(o.selected.info) },
        selected: o.selected.label,
        files: top,
        variants,
        timings: o.timings,
        versions: o.versions,
      },
      jsonSafe,
      2,
    )}\n`,
  );
  if (!o.config.report.enabled) return false;
  await writeReport(dir.tempDir, join(dir.tempDir, 'report.html'));
  return true;
}
