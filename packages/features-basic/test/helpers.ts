import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import * as A from 'apache-arrow';
import h5wasm from 'h5wasm/node';
import { memoryStory } from '@voxelwise/core';
import type { Matrix, Story } from '@voxelwise/core';

/** A fresh temporary folder. */
export function tempDir(prefix = 'vw-fb-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A story with the given words at 0.5 s spacing on a 2 s TR grid starting at 1 s. */
export function story(name: string, text: string[], nTR = Math.ceil(text.length / 4) + 2, trim = { start: 0, end: 0 }): Story {
  const onset = Float64Array.from(text, (_, i) => 0.5 * i);
  const offset = Float64Array.from(text, (_, i) => 0.5 * i + 0.4);
  const trTimes = Float64Array.from({ length: nTR }, (_, k) => 2 * k + 1);
  const rows = nTR - trim.start - trim.end;
  return memoryStory({ name, words: { text, onset, offset }, trTimes, trim, responses: { rows, cols: 1, data: new Float32Array(rows) } });
}

/** A deterministic rows × cols matrix whose values encode their position. */
export function ramp(rows: number, cols: number, dtype: 'float32' | 'float64' = 'float32', seed = 0): Matrix {
  const data = dtype === 'float32' ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) data[i * cols + j] = seed + i + j / 8 - 0.3;
  return { rows, cols, data };
}

/** Writes a version-1.0 .npy file (what numpy.save writes for small headers). */
export function writeNpy(path: string, m: Matrix, opts: { shape?: number[] } = {}): void {
  const descr = m.data instanceof Float32Array ? '<f4' : '<f8';
  const shape = opts.shape ?? [m.rows, m.cols];
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  // numpy pads the header with spaces so the data start at a multiple of 64, then a newline.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const pre = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(pre);
  pre.writeUInt16LE(header.length, 8);
  writeFileSync(
    path,
    Buffer.concat([pre, Buffer.from(header, 'latin1'), Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength)]),
  );
}

/** Writes an Arrow IPC file: one FixedSizeList column (`list`) or one float column per feature (`columns`). */
export function writeArrow(path: string, m: Matrix, layout: 'list' | 'columns' = 'list', batches = 1): void {
  const f32 = m.data instanceof Float32Array;
  let table: A.Table;
  if (layout === 'list') {
    const type = new A.FixedSizeList(m.cols, new A.Field('item', f32 ? new A.Float32() : new A.Float64(), false));
    const per = Math.ceil(m.rows / batches);
    const parts: A.RecordBatch[] = [];
    for (let r0 = 0; r0 < m.rows || parts.length === 0; r0 += per) {
      const r1 = Math.min(m.rows, r0 + per);
      const values = m.data.slice(r0 * m.cols, r1 * m.cols);
      const child = A.makeData({ type: f32 ? new A.Float32() : new A.Float64(), length: values.length, data: values });
      const data = A.makeData({ type, length: r1 - r0, nullCount: 0, child });
      parts.push(new A.RecordBatch({ features: data }));
      if (r1 >= m.rows) break;
    }
    table = new A.Table(parts);
  } else {
    const cols: Record<string, Float32Array | Float64Array> = {};
    for (let j = 0; j < m.cols; j++) {
      const c = f32 ? new Float32Array(m.rows) : new Float64Array(m.rows);
      for (let i = 0; i < m.rows; i++) c[i] = m.data[i * m.cols + j]!;
      cols[`dim${j}`] = c;
    }
    table = A.tableFromArrays(cols);
  }
  writeFileSync(path, A.tableToIPC(table, 'file'));
}

/** Datasets to write into an HDF5 file. */
export type H5Entry = { name: string; data: Float32Array | Float64Array | Int32Array | string[]; shape?: number[]; dtype?: string };

/** Writes an HDF5 file with h5wasm. */
export async function writeH5(path: string, entries: H5Entry[]): Promise<void> {
  await h5wasm.ready;
  const f = new h5wasm.File(path, 'w');
  try {
    for (const e of entries) {
      const dtype =
        e.dtype ??
        (e.data instanceof Float32Array ? '<f' : e.data instanceof Float64Array ? '<d' : e.data instanceof Int32Array ? '<i' : null);
      f.create_dataset({ name: e.name, data: e.data, shape: e.shape ?? null, dtype });
    }
  } finally {
    f.close();
  }
}

/** word2vec text: optional `<count> <dims>` header, then `word v1 … vd` lines. */
export function writeWord2VecText(
  path: string,
  words: string[],
  vectors: number[][],
  opts: { header?: boolean; gzip?: boolean } = {},
): void {
  const lines = words.map((w, i) => `${w} ${vectors[i]!.join(' ')} `);
  if (opts.header ?? true) lines.unshift(`${words.length} ${vectors[0]!.length}`);
  const text = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
  writeFileSync(path, opts.gzip ? gzipSync(text) : text);
}

/** word2vec binary as Mikolov's C tool writes it: header, then `word ` + float32 LE + `\n`. */
export function writeWord2VecBinary(
  path: string,
  words: string[],
  vectors: number[][],
  opts: { header?: boolean; gzip?: boolean } = {},
): void {
  const dims = vectors[0]!.length;
  const parts: Buffer[] = [];
  if (opts.header ?? true) parts.push(Buffer.from(`${words.length} ${dims}\n`, 'utf8'));
  words.forEach((w, i) => {
    const vec = Buffer.alloc(4 * dims);
    vectors[i]!.forEach((v, k) => vec.writeFloatLE(v, 4 * k));
    parts.push(Buffer.from(`${w} `, 'utf8'), vec, Buffer.from('\n'));
  });
  const bytes = Buffer.concat(parts);
  writeFileSync(path, opts.gzip ? gzipSync(bytes) : bytes);
}
