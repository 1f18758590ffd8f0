import { existsSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { voxelwiseError } from '@voxelwise/core';
import type { MatrixFile } from './matrix-file.js';

type H5 = typeof import('h5wasm/node').default;
let h5: Promise<H5> | undefined;

/** Loads h5wasm once, on first use (it is a WebAssembly module: never at import time). */
async function loadH5(): Promise<H5> {
  h5 ??= import('h5wasm/node').then(async (m) => {
    await m.default.ready;
    return m.default;
  });
  return h5;
}

/**
 * Opens dataset `name` (default `data`, as in LeBel `preprocessed_data/<subject>/<story>.hf5`)
 * of an HDF5 file as a rows × columns float matrix; reads only the requested hyperslabs.
 *
 * @example
 * const m = await openHdf5Matrix('UTS03/wheretheressmoke.hf5');
 * const firstVoxels = m.read(0, m.rows, 0, 1000);
 * m.close();
 */
export async function openHdf5Matrix(file: string, name = 'data'): Promise<MatrixFile> {
  if (!existsSync(file)) {
    throw voxelwiseError({
      code: 'E_FILE_NOT_FOUND',
      where: 'assembly:hdf5',
      message: `response file ${file} does not exist`,
      details: { file },
    });
  }
  const lib = await loadH5();
  let f: InstanceType<H5['File']>;
  try {
    f = new lib.File(file, 'r');
  } catch (cause) {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where: 'assembly:hdf5',
      message: `${file} is not a readable HDF5 file`,
      cause,
      details: { file },
    });
  }
  const fail = (message: string, extra: { got?: unknown; expected?: unknown; hint?: string } = {}): never => {
    f.close();
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where: 'assembly:hdf5',
      message: `${file}: ${message}`,
      ...extra,
      details: { file, dataset: name },
    });
  };
  const ds = f.get(name);
  if (!(ds instanceof lib.Dataset))
    return fail(`has no dataset "${name}"`, { got: f.keys(), hint: 'LeBel response files hold the responses in a dataset named "data".' });
  const shape = ds.shape ?? [];
  if (shape.length !== 2) return fail(`dataset "${name}" is not 2-D (TRs × voxels)`, { got: shape });
  const meta = ds.metadata;
  // h5wasm type class 1 = H5T_FLOAT.
  if (meta.type !== 1 || (meta.size !== 4 && meta.size !== 8))
    return fail(`dataset "${name}" does not hold 32- or 64-bit floats`, { got: ds.dtype });
  const [rows, cols] = shape as [number, number];
  const dtype = meta.size === 4 ? 'float32' : 'float64';
  return {
    file,
    rows,
    cols,
    dtype,
    read(r0, r1, c0, c1) {
      if (r1 <= r0 || c1 <= c0) return new Float32Array(Math.max(0, r1 - r0) * Math.max(0, c1 - c0));
      const out = ds.slice([
        [r0, r1],
        [c0, c1],
      ]);
      if (out instanceof Float32Array) return out;
      if (out instanceof Float64Array) return Float32Array.from(out);
      throw voxelwiseError({
        code: 'E_FILE_FORMAT',
        where: 'assembly:hdf5',
        message: `${file}: could not read dataset "${name}" as floats`,
        details: { file },
      });
    },
    close() {
      f.close();
    },
  };
}

/**
 * Writes a rows × columns float32 matrix as dataset `name` of a new HDF5 file (written to a
 * temporary name, then renamed, so a failure never leaves a half-written file).
 *
 * @example
 * await writeHdf5Matrix('sub/story.hf5', { rows: 2, cols: 3, data: new Float32Array(6) });
 */
export async function writeHdf5Matrix(file: string, m: { rows: number; cols: number; data: Float32Array }, name = 'data'): Promise<void> {
  const lib = await loadH5();
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  try {
    const f = new lib.File(tmp, 'w');
    try {
      f.create_dataset({ name, data: m.data, shape: [m.rows, m.cols], dtype: '<f4' });
    } finally {
      f.close();
    }
    await rename(tmp, file);
  } catch (cause) {
    await rm(tmp, { force: true });
    throw voxelwiseError({ code: 'E_IO', where: 'assembly:hdf5', message: `could not write ${file}`, cause, details: { file } });
  }
}
