import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import * as A from 'apache-arrow';
import { isVoxelwiseError, voxelwiseError } from '@voxelwise/core';
import type { Matrix, WeightBatch } from '@voxelwise/core';
import { readArrowTable } from '@voxelwise/io';

/** Per-voxel results as stored in `scores.arrow`. */
export interface ScoreColumns {
  /** Pearson r on the test data. */
  r: Float64Array;
  /** Two-sided p-value of r (absent when the model computed none). */
  p?: Float64Array;
  /** Benjamini–Hochberg corrected p. */
  pCorrected?: Float64Array;
  /** 1 where significant after correction. */
  significant?: Uint8Array;
  /** Chosen regularisation in the model's own convention (Huth/LITcoder `alpha`). */
  alpha?: Float64Array;
  /** Effective ridge penalty λ = a² (a = alpha, × s_max with normalpha). */
  lambda?: Float64Array;
  /** Huth's reported score sign(R²)·√|R²| (config `metric: signed-sqrt-r2`). */
  signedSqrtR2?: Float64Array;
  /**
   * Voxel flags, bits of the trainer's `VOXEL_FLAGS` (1 dead, 2 constant, 4 zeroed, 8 non-finite);
   * written with a `status` column naming them (`ok`, or e.g. `constant,zeroed`).
   */
  flags?: Uint8Array;
  /**
   * Further float64 columns by name, written after the others in insertion order: per-band split
   * scores and band weights (`r2_split_<band>`, `gamma_<band>`, …), variance partition
   * (`r2_unique_<band>`, …) and noise ceiling (`ev`, `cc_max`, …).
   */
  extra?: Record<string, Float64Array>;
}

/** Columns {@link scoresToIPC} always or optionally writes; any other float64 column is an `extra`. */
const KNOWN_SCORE_COLUMNS = new Set([
  'voxel',
  'r',
  'p',
  'p_corrected',
  'significant',
  'alpha',
  'lambda',
  'signed_sqrt_r2',
  'flags',
  'status',
]);

/** Flag names by bit, in the order the `status` column lists them. */
const FLAG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [1, 'dead'],
  [2, 'constant'],
  [4, 'zeroed'],
  [8, 'non-finite'],
];

/** `ok`, or the names of the flags set, comma-separated. */
export function voxelStatus(flags: number): string {
  if (flags === 0) return 'ok';
  return FLAG_NAMES.filter(([bit]) => (flags & bit) !== 0)
    .map(([, name]) => name)
    .join(',');
}

/** Measured and predicted test series of a few voxels (`timeseries.arrow`). */
export interface TimeseriesColumns {
  voxel: Int32Array;
  /** Story of each row. */
  story: string[];
  /** TR index of each row within its story's grid. */
  tr: Int32Array;
  measured: Float32Array;
  predicted: Float32Array;
}

function field(name: string, type: A.DataType, nullable = false): A.Field {
  return new A.Field(name, type, nullable);
}

/** A float64 column of nulls (the model gave no value). */
function nullF64(n: number): A.Data {
  return A.makeData({
    type: new A.Float64(),
    length: n,
    nullCount: n,
    data: new Float64Array(n),
    nullBitmap: new Uint8Array(Math.ceil(n / 8)),
  });
}

/**
 * `scores.arrow`: one row per voxel (voxel, r, p, p_corrected, significant, alpha, lambda), then
 * `signed_sqrt_r2` when computed, `flags` + `status` when given, then the `extra` columns.
 */
export function scoresToIPC(scores: ScoreColumns, metadata: Record<string, string> = {}): Uint8Array {
  const n = scores.r.length;
  // apache-arrow's IPC writer misplaces every later buffer when two columns share one
  // ArrayBuffer (a model's alphas that are also its lambdas): such a column is copied.
  const buffers = new Set<ArrayBufferLike>();
  const f64 = (values: Float64Array): A.Data => {
    const own = buffers.has(values.buffer) ? values.slice() : values;
    buffers.add(own.buffer);
    return A.makeData({ type: new A.Float64(), length: own.length, data: own });
  };
  const optionalF64 = (values: Float64Array | undefined): A.Data => (values ? f64(values) : nullF64(n));
  const voxel = Int32Array.from({ length: n }, (_, i) => i);
  const sig = scores.significant;
  const sigData = sig
    ? A.vectorFromArray(
        Array.from(sig, (s) => s === 1),
        new A.Bool(),
      ).data[0]!
    : A.makeData({
        type: new A.Bool(),
        length: n,
        nullCount: n,
        data: new Uint8Array(Math.ceil(n / 8)),
        nullBitmap: new Uint8Array(Math.ceil(n / 8)),
      });
  const fields = [
    field('voxel', new A.Int32()),
    field('r', new A.Float64()),
    field('p', new A.Float64(), !scores.p),
    field('p_corrected', new A.Float64(), !scores.pCorrected),
    field('significant', new A.Bool(), !sig),
    field('alpha', new A.Float64(), !scores.alpha),
    field('lambda', new A.Float64(), !scores.lambda),
  ];
  const children: A.Data[] = [
    A.makeData({ type: new A.Int32(), length: n, data: voxel }),
    f64(scores.r),
    optionalF64(scores.p),
    optionalF64(scores.pCorrected),
    sigData,
    optionalF64(scores.alpha),
    optionalF64(scores.lambda),
  ];
  if (scores.signedSqrtR2) {
    fields.push(field('signed_sqrt_r2', new A.Float64()));
    children.push(f64(scores.signedSqrtR2));
  }
  if (scores.flags) {
    fields.push(field('flags', new A.Uint8()), field('status', new A.Utf8()));
    children.push(
      A.makeData({ type: new A.Uint8(), length: n, data: scores.flags }),
      A.vectorFromArray(Array.from(scores.flags, voxelStatus), new A.Utf8()).data[0]!,
    );
  }
  for (const [name, values] of Object.entries(scores.extra ?? {})) {
    if (KNOWN_SCORE_COLUMNS.has(name) || values.length !== n) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where: 'trainer:scores',
        message: `extra scores column "${name}" ${values.length !== n ? `has ${values.length} values for ${n} voxels` : 'repeats a standard column'}`,
        got: values.length,
        expected: n,
      });
    }
    fields.push(field(name, new A.Float64()));
    children.push(f64(values));
  }
  const schema = new A.Schema(fields, new Map(Object.entries(metadata)));
  const batch = new A.RecordBatch(schema, A.makeData({ type: new A.Struct(schema.fields), length: n, nullCount: 0, children }));
  return A.tableToIPC(new A.Table([batch]), 'file');
}

function column(table: A.Table, name: string, file: string): A.Vector {
  const c = table.getChild(name);
  if (!c)
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where: 'trainer:arrow',
      message: `${file} has no column "${name}"`,
      expected: table.schema.fields.map((f) => f.name).concat(name),
    });
  return c;
}

function optionalColumn(table: A.Table, name: string): Float64Array | undefined {
  const c = table.getChild(name);
  if (!c || c.nullCount === c.length) return undefined;
  return Float64Array.from(c.toArray() as ArrayLike<number>);
}

function readTable(path: string): Promise<A.Table> {
  return readArrowTable(path, 'trainer:arrow');
}

/** Reads `scores.arrow`. */
export async function readScores(path: string): Promise<ScoreColumns & { metadata: Record<string, string> }> {
  const t = await readTable(path);
  const out: ScoreColumns & { metadata: Record<string, string> } = {
    r: Float64Array.from(column(t, 'r', path).toArray() as ArrayLike<number>),
    metadata: Object.fromEntries(t.schema.metadata),
  };
  const p = optionalColumn(t, 'p');
  const pc = optionalColumn(t, 'p_corrected');
  const alpha = optionalColumn(t, 'alpha');
  const lambda = optionalColumn(t, 'lambda');
  const sig = t.getChild('significant');
  if (p) out.p = p;
  if (pc) out.pCorrected = pc;
  if (alpha) out.alpha = alpha;
  if (lambda) out.lambda = lambda;
  const ssr2 = optionalColumn(t, 'signed_sqrt_r2');
  if (ssr2) out.signedSqrtR2 = ssr2;
  const flags = t.getChild('flags');
  if (flags && flags.nullCount < flags.length) out.flags = Uint8Array.from(flags.toArray() as ArrayLike<number>);
  if (sig && sig.nullCount < sig.length)
    out.significant = Uint8Array.from(Array.from(sig.toArray() as Iterable<boolean>, (b) => (b ? 1 : 0)));
  const extra: Record<string, Float64Array> = {};
  for (const f of t.schema.fields) {
    if (KNOWN_SCORE_COLUMNS.has(f.name) || !A.DataType.isFloat(f.type)) continue;
    extra[f.name] = Float64Array.from(t.getChild(f.name)!.toArray() as ArrayLike<number>);
  }
  if (Object.keys(extra).length > 0) out.extra = extra;
  return out;
}

/** `timeseries.arrow`: measured and predicted test series of the best voxels. */
export function timeseriesToIPC(ts: TimeseriesColumns): Uint8Array {
  const table = new A.Table({
    voxel: A.makeVector(ts.voxel),
    story: A.vectorFromArray(ts.story, new A.Utf8()),
    tr: A.makeVector(ts.tr),
    measured: A.makeVector(ts.measured),
    predicted: A.makeVector(ts.predicted),
  });
  return A.tableToIPC(table, 'file');
}

/** Reads `timeseries.arrow`. */
export async function readTimeseries(path: string): Promise<TimeseriesColumns> {
  const t = await readTable(path);
  return {
    voxel: Int32Array.from(column(t, 'voxel', path).toArray() as ArrayLike<number>),
    story: Array.from(column(t, 'story', path).toArray() as Iterable<string>),
    tr: Int32Array.from(column(t, 'tr', path).toArray() as ArrayLike<number>),
    measured: Float32Array.from(column(t, 'measured', path).toArray() as ArrayLike<number>),
    predicted: Float32Array.from(column(t, 'predicted', path).toArray() as ArrayLike<number>),
  };
}

/** Weights to store: a features × voxels matrix, or the model's voxel blocks. */
export type WeightsSource = Matrix | { rows: number; cols: number; batches: AsyncIterable<WeightBatch> };

/** Voxel columns `[voxelStart, voxelStart + cols)` of a features × voxels array with row stride `stride`. */
interface WeightBlock {
  voxelStart: number;
  rows: number;
  cols: number;
  data: ArrayLike<number>;
  stride: number;
  /** Index of the block's first column within each row of `data`. */
  offset: number;
}

async function* blocksOf(source: WeightsSource, chunkVoxels: number): AsyncIterable<WeightBlock> {
  if ('batches' in source) {
    for await (const b of source.batches)
      yield {
        voxelStart: b.voxelStart,
        rows: b.weights.rows,
        cols: b.weights.cols,
        data: b.weights.data,
        stride: b.weights.cols,
        offset: 0,
      };
    return;
  }
  for (let v0 = 0; v0 < source.cols; v0 += chunkVoxels) {
    yield {
      voxelStart: v0,
      rows: source.rows,
      cols: Math.min(source.cols, v0 + chunkVoxels) - v0,
      data: source.data,
      stride: source.cols,
      offset: v0,
    };
  }
}

/**
 * `weights.arrow`: one row per voxel, its weights as a fixed-size list of float32 (one entry per
 * design column, in design order). Streamed in voxel blocks so memory stays bounded; a failed write
 * removes the partial file. The trainer writes it inside the run's temporary folder, which appears
 * under its final name whole or not at all. Design column names go in the schema metadata.
 */
export async function writeWeights(
  path: string,
  source: WeightsSource,
  metadata: Record<string, string> = {},
  chunkVoxels = 2048,
): Promise<void> {
  const p = source.rows;
  const listType = new A.FixedSizeList(p, field('item', new A.Float32()));
  const schema = new A.Schema(
    [field('voxel', new A.Int32()), field('weights', listType)],
    new Map(Object.entries({ ...metadata, n_features: String(p), n_voxels: String(source.cols) })),
  );
  const out = createWriteStream(path);
  const writer = new A.RecordBatchFileWriter();
  const stream = writer.toNodeStream();
  stream.pipe(out);
  try {
    writer.reset(undefined, schema);
    let expected = 0;
    for await (const batch of blocksOf(source, chunkVoxels)) {
      const n = batch.cols;
      if (batch.rows !== p || batch.voxelStart !== expected) {
        throw voxelwiseError({
          code: 'E_SHAPE_MISMATCH',
          where: 'trainer:weights',
          message: `weight block at voxel ${batch.voxelStart} does not continue the previous one (${batch.rows} features)`,
          expected: { voxelStart: expected, features: p },
        });
      }
      expected += n;
      const block = new Float32Array(n * p);
      // Transpose the features × voxels block into voxel-major rows.
      for (let f = 0; f < p; f++) {
        const o = f * batch.stride + batch.offset;
        for (let j = 0; j < n; j++) block[j * p + f] = batch.data[o + j]!;
      }
      const child = A.makeData({ type: new A.Float32(), length: n * p, data: block });
      const lists = A.makeData({ type: listType, length: n, nullCount: 0, child });
      const voxel = A.makeData({ type: new A.Int32(), length: n, data: Int32Array.from({ length: n }, (_, j) => batch.voxelStart + j) });
      writer.write(
        new A.RecordBatch(schema, A.makeData({ type: new A.Struct(schema.fields), length: n, nullCount: 0, children: [voxel, lists] })),
      );
      if (out.writableNeedDrain) await once(out, 'drain');
    }
    if (expected !== source.cols) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where: 'trainer:weights',
        message: 'the weight blocks do not cover every voxel',
        got: expected,
        expected: source.cols,
      });
    }
    writer.finish();
    await finished(out);
  } catch (error) {
    // Wait for the file to close (and to exist, if its open was still pending) before removing it.
    out.destroy();
    if (!out.closed) await once(out, 'close');
    await rm(path, { force: true });
    if (isVoxelwiseError(error)) throw error;
    throw voxelwiseError({
      code: 'E_IO',
      where: 'trainer:weights',
      message: `cannot write ${path}: ${(error as Error).message}`,
      cause: error,
    });
  }
}

/** Reads `weights.arrow` back into a features × voxels float32 matrix. */
export async function readWeights(path: string): Promise<{ weights: Matrix<Float32Array>; metadata: Record<string, string> }> {
  const t = await readTable(path);
  const voxel = column(t, 'voxel', path);
  const lists = column(t, 'weights', path);
  const type = lists.type as A.FixedSizeList;
  const p = type.listSize;
  const v = t.numRows;
  const data = new Float32Array(p * v);
  for (let j = 0; j < v; j++) {
    const row = lists.get(j) as A.Vector;
    const vox = voxel.get(j) as number;
    const values = row.toArray() as Float32Array;
    for (let f = 0; f < p; f++) data[f * v + vox] = values[f]!;
  }
  return { weights: { rows: p, cols: v, data }, metadata: Object.fromEntries(t.schema.metadata) };
}
