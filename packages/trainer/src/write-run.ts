import { copyFile, link, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { PluginRecord, StoryOverhang } from '@voxelwise/core';
import type { ResolvedConfig } from './config.js';
import { withLayer } from './sweep.js';
import type { SplitPlan } from './pipeline.js';
import type { RunDirectory } from './run-dir.js';
import { jsonSafe } from './run-dir.js';
import { scoresToIPC, timeseriesToIPC, writeWeights } from './arrow-io.js';
import type { WeightsSource } from './arrow-io.js';
import type { VariantResult } from './variant-result.js';
import { unbandWeights } from './bands.js';
import { writeReport } from './report/write-report.js';
import { runJsonSchema } from './run-json.js';
import type { RunJson, VariantFiles } from './run-json.js';

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
  /** Plugin modules loaded for the run (recorded in config.json and run.json). */
  plugins?: readonly PluginRecord[];
  /** The config file the run came from (recorded in config.json and run.json). */
  configFile?: PluginRecord;
  /** Stories whose words run past their TR grid, by name (recorded in run.json). */
  overhang?: Readonly<Record<string, StoryOverhang>>;
  /** Indices of the features a layer sweep sets the layer of. */
  sweepTargets?: readonly number[];
  startedAt: string;
  durationMs: number;
}

/** A {@link PluginRecord} as plain JSON (exactly its three fields). */
function record(p: PluginRecord): PluginRecord {
  return { specifier: p.specifier, resolvedPath: p.resolvedPath, sha256: p.sha256 };
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

/**
 * The assembly's core `BrainGeometry`, kept only when it fits run.json's schema: a malformed one
 * from a custom source must not make the run directory unreadable (assembly.json keeps it as given).
 */
function geometryRecord(geometry: unknown): Pick<RunJson['assembly'], 'geometry'> {
  if (geometry === undefined) return {};
  const parsed = runJsonSchema.shape.assembly.shape.geometry.safeParse(geometry);
  return parsed.success && parsed.data ? { geometry: parsed.data } : {};
}

/** What run.json keeps of the assembly's metadata (the rest is in assembly.json). */
function assemblyRecord(meta: Readonly<Record<string, unknown>>): RunJson['assembly'] {
  const { subject, tr, nVoxels, trimming, provenance, geometry } = meta;
  return {
    ...(typeof subject === 'string' ? { subject } : {}),
    ...geometryRecord(geometry),
    ...(typeof tr === 'number' ? { tr } : {}),
    ...(typeof nVoxels === 'number' ? { nVoxels } : {}),
    ...(typeof trimming === 'string' ? { trimming } : {}),
    ...(provenance && typeof provenance === 'object' ? { provenance: provenance as Record<string, unknown> } : {}),
  };
}

function weightsOf(v: VariantResult): WeightsSource | undefined {
  const f = v.fitted;
  if (!f) return undefined;
  const order = v.bandOrder;
  // Blocks first: a model may hold (or have spilled) more weights than fit in memory at once.
  if (f.weightBatches) {
    const batches = f.weightBatches();
    return {
      rows: v.columns.length,
      cols: v.scores.r.length,
      batches: order
        ? (async function* () {
            for await (const b of batches) yield { voxelStart: b.voxelStart, weights: unbandWeights(b.weights, order) };
          })()
        : batches,
    };
  }
  return f.weights && order ? unbandWeights(f.weights, order) : f.weights;
}

/**
 * Schema metadata of a variant's Arrow files: its label, the model, and the model's own
 * description of its alpha convention (only when the model reports its penalty).
 */
function scoresMetadata(v: VariantResult, config: ResolvedConfig): Record<string, string> {
  return {
    run_variant: v.label,
    model: config.model.name,
    ...(v.penalty ? { alpha_convention: v.penalty.description } : {}),
  };
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
  const meta = scoresMetadata(v, config);
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
  // A sweep's resolved config shows the features of the selected layer (with `selectedLayer`),
  // so the config read back describes the top-level files.
  const layer = o.selected.layer;
  const features = layer !== undefined && o.sweepTargets ? withLayer(o.config.features, o.sweepTargets, layer) : o.config.features;
  await dir.writeJson('config.json', {
    ...o.config,
    features,
    ...(layer === undefined ? {} : { selectedLayer: layer }),
    configHash: o.configHash,
    plugins: o.plugins ?? [],
    ...(o.configFile ? { configFile: record(o.configFile) } : {}),
  });
  const variants = o.variantFiles;
  // The top-level files describe the selected variant (the only one outside a sweep).
  const selectedFiles = o.results.length > 1 ? variants.find((f) => f.label === o.selected.label)! : undefined;
  let top: VariantFiles;
  if (selectedFiles) {
    top = { ...selectedFiles, dir: '.', metrics: 'metrics.json', scores: 'scores.arrow' };
    await dir.writeJson('metrics.json', o.metrics);
    await dir.writeBytes('scores.arrow', scoresToIPC(o.selected.scores, scoresMetadata(o.selected, o.config)));
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
  const run: RunJson = {
    runId: o.runId,
    name: o.config.name,
    status: 'ok',
    startedAt: o.startedAt,
    durationMs: o.durationMs,
    configHash: o.configHash,
    preset: o.config.preset,
    split: o.plan,
    assembly: assemblyRecord(o.assemblyMetadata),
    model: {
      name: o.config.model.name,
      options: o.modelOptions,
      info: compactInfo(o.selected.info),
      ...(o.selected.alphaGrid ? { alphaGrid: Array.from(o.selected.alphaGrid) } : {}),
      ...(o.selected.penalty
        ? { penalty: { convention: o.selected.penalty.convention, description: o.selected.penalty.description } }
        : {}),
    },
    selected: o.selected.label,
    ...(o.config.compat ? { compat: o.config.compat } : {}),
    plugins: (o.plugins ?? []).map(record),
    ...(o.configFile ? { configFile: record(o.configFile) } : {}),
    ...(o.overhang && Object.keys(o.overhang).length > 0 ? { overhang: o.overhang } : {}),
    ...(o.selected.spaces && Object.keys(o.selected.spaces).length > 0 ? { spaces: o.selected.spaces } : {}),
    files: top,
    variants,
    timings: o.timings,
    versions: o.versions,
  };
  await dir.writeBytes('run.json', `${JSON.stringify(run, jsonSafe, 2)}\n`);
  if (!o.config.report.enabled) return false;
  await writeReport(dir.tempDir, join(dir.tempDir, 'report.html'));
  return true;
}
