import { matrix, voxelwiseError } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';

/**
 * Responses (samples × voxels) read in blocks of voxel columns, so a fit never needs the whole
 * matrix in memory: pass one of these instead of a matrix to {@link fitRidge} for whole-brain
 * data that does not fit in RAM (e.g. reading an Arrow file batch by batch).
 */
export interface ResponseReader {
  /** Samples. */
  readonly rows: number;
  /** Voxels. */
  readonly cols: number;
  /** Columns `[voxelStart, voxelEnd)` as a rows × (voxelEnd − voxelStart) matrix (float32 or float64). */
  read(voxelStart: number, voxelEnd: number): Promise<Matrix>;
}

/** Columns `[c0, c1)` of a row-major matrix as a block of the same element type (the matrix itself when it is all of it). */
export function columnBlock(Y: Matrix, c0: number, c1: number): Matrix {
  const { rows, cols, data } = Y;
  const w = c1 - c0;
  if (w === cols) return Y;
  const out = data instanceof Float32Array ? new Float32Array(rows * w) : new Float64Array(rows * w);
  for (let i = 0; i < rows; i++) out.set(data.subarray(i * cols + c0, i * cols + c1), i * w);
  return matrix(rows, w, out);
}

/**
 * A {@link ResponseReader} over an in-memory matrix (blocks are copies of its columns).
 *
 * @example
 * const reader = matrixReader(Y);
 * const first = await reader.read(0, 1024);
 */
export function matrixReader(Y: Matrix): ResponseReader {
  return {
    rows: Y.rows,
    cols: Y.cols,
    async read(voxelStart, voxelEnd) {
      if (voxelStart < 0 || voxelEnd > Y.cols || voxelStart > voxelEnd) {
        throw voxelwiseError({
          code: 'E_DATA_INVALID',
          where: 'ridge:responses',
          message: `voxel range [${voxelStart}, ${voxelEnd}) is outside [0, ${Y.cols})`,
        });
      }
      return columnBlock(Y, voxelStart, voxelEnd);
    },
  };
}

/**
 * A {@link ResponseReader} over a subset of the rows of an in-memory matrix (e.g. an outer fold's
 * training rows), copying only the requested voxel block of those rows.
 */
export function rowsReader(Y: Matrix, rows: Int32Array): ResponseReader {
  const { cols, data } = Y;
  return {
    rows: rows.length,
    cols,
    async read(voxelStart, voxelEnd) {
      if (voxelStart < 0 || voxelEnd > cols || voxelStart > voxelEnd) {
        throw voxelwiseError({
          code: 'E_DATA_INVALID',
          where: 'ridge:responses',
          message: `voxel range [${voxelStart}, ${voxelEnd}) is outside [0, ${cols})`,
        });
      }
      const w = voxelEnd - voxelStart;
      const out = data instanceof Float32Array ? new Float32Array(rows.length * w) : new Float64Array(rows.length * w);
      for (let r = 0; r < rows.length; r++) {
        const o = rows[r]! * cols;
        out.set(data.subarray(o + voxelStart, o + voxelEnd), r * w);
      }
      return matrix(rows.length, w, out);
    },
  };
}
