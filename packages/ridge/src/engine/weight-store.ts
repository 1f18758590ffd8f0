import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { voxelwiseError } from '@voxelwise/core';

/** Element storage of the weights. */
type WeightArray = Float32Array | Float64Array;

/**
 * Features × voxels weights (float32, or float64 with `precision: 'float64'`), written and read in voxel blocks. Kept in memory when the
 * memory budget allows, otherwise spilled to a scratch file (removed when the process exits)
 * so the fit's resident memory stays within the budget.
 */
export interface WeightStore {
  readonly rows: number;
  readonly cols: number;
  /** True when the weights live on disk. */
  readonly spilled: boolean;
  readonly dtype: 'float32' | 'float64';
  /** Writes columns `[v0, v0 + block.length / rows)` from a rows × b row-major block. */
  write(v0: number, block: WeightArray): void;
  /** Reads columns `[v0, v1)` as a rows × (v1 − v0) row-major block. */
  read(v0: number, v1: number): WeightArray;
  /** The whole matrix in memory (reads the file when spilled). */
  all(): WeightArray;
  /** Deletes the scratch file, if any. */
  dispose(): void;
}

/** Weights held in one rows × cols array. */
export function memoryWeightStore(rows: number, cols: number, dtype: 'float32' | 'float64' = 'float32'): WeightStore {
  const Ctor = dtype === 'float32' ? Float32Array : Float64Array;
  const data = new Ctor(rows * cols);
  return {
    rows,
    cols,
    spilled: false,
    dtype,
    write(v0, block) {
      const b = block.length / rows;
      if (b === cols) data.set(block);
      else for (let i = 0; i < rows; i++) data.set(block.subarray(i * b, (i + 1) * b), i * cols + v0);
    },
    read(v0, v1) {
      const b = v1 - v0;
      if (b === cols) return data.slice();
      const out = new Ctor(rows * b);
      for (let i = 0; i < rows; i++) out.set(data.subarray(i * cols + v0, i * cols + v1), i * b);
      return out;
    },
    all: () => data,
    dispose() {},
  };
}

/**
 * Weights in a scratch file, stored column-major (one voxel's weights contiguous) so any voxel
 * range is one contiguous read.
 */
export function fileWeightStore(rows: number, cols: number, dtype: 'float32' | 'float64' = 'float32'): WeightStore {
  const Ctor = dtype === 'float32' ? Float32Array : Float64Array;
  const size = Ctor.BYTES_PER_ELEMENT;
  let dir: string;
  let fd: number;
  try {
    dir = mkdtempSync(join(tmpdir(), 'voxelwise-ridge-'));
    fd = openSync(join(dir, 'weights.bin'), 'w+');
  } catch (cause) {
    throw voxelwiseError({
      code: 'E_IO',
      where: 'ridge:weights',
      message: `cannot create a scratch file for ${rows} × ${cols} weights in ${tmpdir()}`,
      cause,
      hint: 'Free disk space in the temp directory or raise the memory budget.',
    });
  }
  let open = true;
  const cleanup = (): void => {
    if (!open) return;
    open = false;
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', cleanup);
  const bytes = (n: number) => n * rows * size;
  return {
    rows,
    cols,
    spilled: true,
    dtype,
    write(v0, block) {
      const b = block.length / rows;
      const colMajor = new Ctor(rows * b);
      for (let i = 0; i < rows; i++) for (let j = 0; j < b; j++) colMajor[j * rows + i] = block[i * b + j]!;
      writeSync(fd, new Uint8Array(colMajor.buffer), 0, colMajor.byteLength, bytes(v0));
    },
    read(v0, v1) {
      const b = v1 - v0;
      const colMajor = new Ctor(rows * b);
      const view = new Uint8Array(colMajor.buffer);
      let got = 0;
      while (got < view.length) {
        const n = readSync(fd, view, got, view.length - got, bytes(v0) + got);
        if (n <= 0)
          throw voxelwiseError({ code: 'E_IO', where: 'ridge:weights', message: `short read of spilled weights (voxels ${v0}–${v1})` });
        got += n;
      }
      const out = new Ctor(rows * b);
      for (let j = 0; j < b; j++) for (let i = 0; i < rows; i++) out[i * b + j] = colMajor[j * rows + i]!;
      return out;
    },
    all() {
      return this.read(0, cols);
    },
    dispose() {
      process.removeListener('exit', cleanup);
      cleanup();
    },
  };
}
