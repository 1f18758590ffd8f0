import { statSync } from 'node:fs';
import { voxelwiseError } from '@voxelwise/core';
import { readArrowTable } from '@voxelwise/io';
import { loadArrow } from './arrow-io.js';
import type { MatrixFile } from './matrix-file.js';

let last: { key: string; m: { rows: number; cols: number; data: Float32Array; dtype: 'float32' | 'float64' } } | undefined;

/**
 * Opens a TRs × voxels matrix stored in an Arrow IPC file (file or stream format) in one of three
 * layouts: one numeric column per voxel; one fixed-size-list column (a list of voxels per TR); or
 * a voxelwise `responses.arrow`. The whole file is decoded once (the last one stays cached so
 * reading it voxel block by voxel block does not re-read it).
 */
export async function openArrowMatrix(file: string): Promise<MatrixFile> {
  const A = await loadArrow();
  const key = `${file}:${statSync(file).mtimeMs}`;
  if (last?.key !== key) {
    last = undefined;
    const fail = (message: string, cause?: unknown): never => {
      throw voxelwiseError({
        code: 'E_FILE_FORMAT',
        where: 'assembly:byo',
        message: `${file}: ${message}`,
        cause,
        hint: 'Store responses as one float column per voxel, or one fixed-size-list column with a list of voxels per TR.',
        details: { file },
      });
    };
    const table = await readArrowTable(file, 'assembly:byo');
    const fields = table.schema.fields;
    const meta = table.schema.metadata.get('voxelwise');
    let m: { rows: number; cols: number; data: Float32Array; dtype: 'float32' | 'float64' };
    if (meta && fields.length === 1 && fields[0]!.name === 'values') {
      const info = JSON.parse(meta) as { rows: number; voxels: number; voxelChunk: number };
      const data = new Float32Array(info.rows * info.voxels);
      let b = 0;
      for (const batch of table.batches) {
        const v = batch.getChildAt(0)!.toArray() as Float32Array;
        const b0 = b * info.voxelChunk;
        const bw = Math.min(info.voxels, b0 + info.voxelChunk) - b0;
        if (bw <= 0) break;
        for (let i = 0; i < info.rows; i++) data.set(v.subarray(i * bw, (i + 1) * bw), i * info.voxels + b0);
        b++;
      }
      m = { rows: info.rows, cols: info.voxels, data, dtype: 'float32' };
    } else if (fields.length === 1 && A.DataType.isFixedSizeList(fields[0]!.type)) {
      const type = fields[0]!.type as import('apache-arrow').FixedSizeList;
      if (!A.DataType.isFloat(type.children[0]!.type)) fail('the list column does not hold floats');
      const rows = table.numRows;
      const cols = type.listSize;
      const data = new Float32Array(rows * cols);
      let at = 0;
      for (const batch of table.batches) {
        const child = batch.getChildAt(0)!.data[0]!.children[0]!;
        const vals = child.values as Float32Array | Float64Array;
        const n = batch.numRows * cols;
        for (let k = 0; k < n; k++) data[at + k] = vals[child.offset + k]!;
        at += n;
      }
      m = {
        rows,
        cols,
        data,
        dtype:
          A.DataType.isFloat(type.children[0]!.type) && type.children[0]!.type.precision === A.Precision.DOUBLE ? 'float64' : 'float32',
      };
    } else {
      const rows = table.numRows;
      const cols = fields.length;
      if (cols === 0) fail('has no columns');
      const data = new Float32Array(rows * cols);
      let dtype: 'float32' | 'float64' = 'float32';
      fields.forEach((f, j) => {
        if (!A.DataType.isFloat(f.type)) fail(`column "${f.name}" is not a float column`);
        if (f.type.precision === A.Precision.DOUBLE) dtype = 'float64';
        const v = table.getChildAt(j)!.toArray() as Float32Array | Float64Array;
        for (let i = 0; i < rows; i++) data[i * cols + j] = v[i]!;
      });
      m = { rows, cols, data, dtype };
    }
    last = { key, m };
  }
  const m = last.m;
  return {
    file,
    rows: m.rows,
    cols: m.cols,
    dtype: m.dtype,
    read(r0, r1, c0, c1) {
      const w = c1 - c0;
      const out = new Float32Array((r1 - r0) * w);
      for (let i = r0; i < r1; i++) out.set(m.data.subarray(i * m.cols + c0, i * m.cols + c1), (i - r0) * w);
      return out;
    },
    close() {},
  };
}
