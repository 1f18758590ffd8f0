import { existsSync } from 'node:fs';
import { voxelwiseError } from '@voxelwise/core';
import { writeFileAtomicWith } from '@voxelwise/io';
import { loadH5wasm, openHdf5File } from '@voxelwise/io/hdf5';
import type { H5File } from '@voxelwise/io/hdf5';
import type { MatrixFile } from './matrix-file.js';

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
  // Signature checked and h5wasm's throwing error handler on: a damaged file is E_FILE_FORMAT naming it, nothing printed.
  const lib = await loadH5wasm('assembly:hdf5');
  const f: H5File = await openHdf5File(file, 'assembly:hdf5');
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
  // With the throwing error handler, damaged structures deeper in the file throw HDF5 diagnostics
  // from any call; each becomes E_FILE_FORMAT naming the file (the diagnostics stay in `cause`).
  const damaged = (cause: unknown, what: string): never => {
    f.close();
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where: 'assembly:hdf5',
      message: `${file}: ${what} (${cause instanceof Error ? (cause.message.split('\n').find((l) => /error|fail/i.test(l)) ?? cause.message.split('\n')[0])!.trim() : String(cause)})`,
      cause,
      hint: 'The file may be truncated or damaged; copy or download it again.',
      details: { file, dataset: name },
    });
  };
  let ds: ReturnType<H5File['get']> = null;
  try {
    ds = f.get(name);
  } catch {
    // With the throwing error handler a missing path throws; it is reported below with the keys.
  }
  if (!(ds instanceof lib.Dataset)) {
    let keys: string[] = [];
    try {
      keys = f.keys();
    } catch (cause) {
      return damaged(cause, 'cannot list the datasets of this file');
    }
    return fail(`has no dataset "${name}"`, { got: keys, hint: 'LeBel response files hold the responses in a dataset named "data".' });
  }
  let shape: number[];
  let meta: (typeof ds)['metadata'];
  try {
    shape = ds.shape ?? [];
    meta = ds.metadata;
  } catch (cause) {
    return damaged(cause, `cannot read the header of dataset "${name}"`);
  }
  if (shape.length !== 2) return fail(`dataset "${name}" is not 2-D (TRs × voxels)`, { got: shape });
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
      let out: ReturnType<typeof ds.slice>;
      try {
        out = ds.slice([
          [r0, r1],
          [c0, c1],
        ]);
      } catch (cause) {
        throw voxelwiseError({
          code: 'E_FILE_FORMAT',
          where: 'assembly:hdf5',
          message: `${file}: cannot read rows ${r0}–${r1 - 1}, columns ${c0}–${c1 - 1} of dataset "${name}"; the file may be truncated or damaged`,
          cause,
          hint: 'Copy or download the file again.',
          details: { file, dataset: name },
        });
      }
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
 * temporary name, fsynced, then renamed, so a failure never leaves a half-written file).
 *
 * @example
 * await writeHdf5Matrix('sub/story.hf5', { rows: 2, cols: 3, data: new Float32Array(6) });
 */
export async function writeHdf5Matrix(file: string, m: { rows: number; cols: number; data: Float32Array }, name = 'data'): Promise<void> {
  const lib = await loadH5wasm('assembly:hdf5');
  await writeFileAtomicWith(file, (tmp) => {
    const f = new lib.File(tmp, 'w');
    try {
      f.create_dataset({ name, data: m.data, shape: [m.rows, m.cols], dtype: '<f4' });
    } finally {
      f.close();
    }
  });
}
