import { join } from 'node:path';
import { Bool, Float64, Int32, Table, Utf8, vectorFromArray } from 'apache-arrow';
import type { DataType, Vector } from 'apache-arrow';
import { writeArrowFileAtomic } from '@voxelwise/io';
import { isLayerKey } from './grid.js';
import type { CellRecord } from './sweep-record.js';

/** Metrics of each cell's `metrics.json` that `summary.arrow` carries as columns. */
export const SUMMARY_METRICS = [
  'median_score',
  'mean_score',
  'max_score',
  'cv_score',
  'n_significant',
  'percent_significant',
  'n_voxels',
] as const;

/** One point of a layer curve. */
export interface LayerPoint {
  layer: number;
  cellId: string;
  /** Mean inner-CV score on the training stories (what selects the layer). */
  cvScore?: number;
  /** Median test r (shown, never used to select). */
  medianScore?: number;
}

/** The cells that differ only in their layer (one subject, one model, …) and the layer chosen among them. */
export interface LayerCurve {
  /** The other grid values, `key=value` pairs. */
  label: string;
  subject?: string;
  points: LayerPoint[];
  /** Every cell of the curve, finished or not, by id. */
  cells: string[];
  /** The layer with the best inner-CV score; undefined when no cell of the curve reports one. */
  selected?: number;
}

function num(x: unknown): number | undefined {
  return typeof x === 'number' && Number.isFinite(x) ? x : undefined;
}

/**
 * Groups cells into layer curves: cells with equal grid values except the layer keys (grid keys
 * ending in `layer`) form one curve, and its selected layer is the one with the highest `cv_score`
 * (the inner cross-validation score on the training stories). Test scores never select: a curve
 * without CV scores has no selected layer. Empty when the grid has no layer key.
 */
export function layerCurves(keys: readonly string[], cells: readonly CellRecord[]): LayerCurve[] {
  const layerKey = keys.find(isLayerKey);
  if (!layerKey) return [];
  const others = keys.filter((k) => k !== layerKey);
  const curves = new Map<string, LayerCurve>();
  for (const c of cells) {
    const layer = num(c.values[layerKey]);
    if (layer === undefined) continue;
    const label =
      others.map((k) => `${k}=${String(typeof c.values[k] === 'object' ? JSON.stringify(c.values[k]) : c.values[k])}`).join(' ') || 'all';
    let curve = curves.get(label);
    if (!curve) {
      curve = { label, points: [], cells: [] };
      curves.set(label, curve);
    }
    curve.cells.push(c.id);
    if (c.subject !== undefined) curve.subject = c.subject;
    if (c.status !== 'done') continue;
    const cv = num(c.metrics?.['cv_score']);
    const median = num(c.metrics?.['median_score']);
    curve.points.push({
      layer,
      cellId: c.id,
      ...(cv === undefined ? {} : { cvScore: cv }),
      ...(median === undefined ? {} : { medianScore: median }),
    });
  }
  for (const curve of curves.values()) {
    curve.points.sort((a, b) => a.layer - b.layer);
    let best: LayerPoint | undefined;
    for (const p of curve.points) if (p.cvScore !== undefined && (best?.cvScore === undefined || p.cvScore > best.cvScore)) best = p;
    if (best) curve.selected = best.layer;
  }
  return [...curves.values()];
}

function column<T extends DataType>(values: unknown[], type: T): Vector<T> {
  return vectorFromArray(values as never[], type) as Vector<T>;
}

/**
 * `summary.arrow`: one row per cell in grid order — `cell`, one column per grid key (numbers as
 * float64, anything else as its JSON text), `status`, `attempts`, `subject`, the headline metrics
 * ({@link SUMMARY_METRICS}, null where a cell has none), `duration_s`, `run_dir`, and with a layer
 * key `selected_layer` (the curve's layer chosen on CV scores) and `selected` (this cell is it).
 */
export function summaryTable(keys: readonly string[], cells: readonly CellRecord[]): Table {
  const cols: Record<string, Vector> = {};
  cols['cell'] = column(
    cells.map((c) => c.id),
    new Utf8(),
  );
  for (const key of keys) {
    const values = cells.map((c) => c.values[key]);
    cols[key] = values.every((v) => typeof v === 'number')
      ? column(values, new Float64())
      : column(
          values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
          new Utf8(),
        );
  }
  cols['status'] = column(
    cells.map((c) => c.status),
    new Utf8(),
  );
  cols['attempts'] = column(
    cells.map((c) => c.attempts),
    new Int32(),
  );
  cols['subject'] = column(
    cells.map((c) => c.subject ?? null),
    new Utf8(),
  );
  for (const m of SUMMARY_METRICS)
    cols[m] = column(
      cells.map((c) => num(c.metrics?.[m]) ?? null),
      new Float64(),
    );
  cols['duration_s'] = column(
    cells.map((c) => (c.durationMs === undefined ? null : c.durationMs / 1000)),
    new Float64(),
  );
  cols['run_dir'] = column(
    cells.map((c) => c.runDir ?? null),
    new Utf8(),
  );
  const layerKey = keys.find(isLayerKey);
  if (layerKey) {
    const chosen = new Map<string, number>();
    const selectedCells = new Set<string>();
    for (const curve of layerCurves(keys, cells)) {
      if (curve.selected === undefined) continue;
      for (const id of curve.cells) chosen.set(id, curve.selected);
      for (const p of curve.points) if (p.layer === curve.selected) selectedCells.add(p.cellId);
    }
    cols['selected_layer'] = column(
      cells.map((c) => chosen.get(c.id) ?? null),
      new Float64(),
    );
    cols['selected'] = column(
      cells.map((c) => selectedCells.has(c.id)),
      new Bool(),
    );
  }
  return new Table(cols);
}

/** Writes `<dir>/summary.arrow` (atomically). */
export async function writeSummary(dir: string, keys: readonly string[], cells: readonly CellRecord[]): Promise<string> {
  const path = join(dir, 'summary.arrow');
  await writeArrowFileAtomic(path, summaryTable(keys, cells));
  return path;
}
