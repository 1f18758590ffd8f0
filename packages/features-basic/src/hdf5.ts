import { open } from 'node:fs/promises';
import { voxelwiseError } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';
import { fileError } from './files.js';

type H5 = (typeof import('h5wasm/node'))['default'];
type H5File = InstanceType<H5['File']>;
type H5Dataset = InstanceType<H5['Dataset']>;

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]; // "\x89HDF\r\n\x1a\n"

let loading: Promise<H5> | undefined;

/** Loads h5wasm once, switching HDF5 to throwing errors so the C library never prints to stderr. */
function loadH5(): Promise<H5> {
  loading ??= (async () => {
    const h5 = (await import('h5wasm/node')).default;
    const module = await h5.ready;
    module.activate_throwing_error_handler();
    return h5;
  })();
  return loading;
}

/** Checks that `path` exists and carries the HDF5 signature (at 0, 512, 1024, … as the spec allows). */
async function assertHdf5(path: string, where: string): Promise<void> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw fileError(error, path, where, 'HDF5 file');
  }
  try {
    const { size } = await handle.stat();
    const buf = new Uint8Array(8);
    // HDF5 spec, "Format Signature": the superblock sits at 0 or at 512·2^k.
    for (let at = 0; at + 8 <= size; at = at === 0 ? 512 : at * 2) {
      await handle.read(buf, 0, 8, at);
      if (SIGNATURE.every((b, i) => buf[i] === b)) return;
    }
  } finally {
    await handle.close();
  }
  throw voxelwiseError({
    code: 'E_FILE_FORMAT',
    where,
    message: `${path} is not an HDF5 file (no HDF5 signature)`,
    details: { file: path },
    hint: 'Pass an .h5/.hdf5/.hf5 file written by h5py, pytables or h5wasm.',
  });
}

/**
 * Opens an HDF5 file read-only, runs `fn`, and always closes the file.
 * h5wasm is loaded on first use, never at import time.
 */
export async function withHdf5<T>(path: string, where: string, fn: (file: H5File) => T): Promise<T> {
  await assertHdf5(path, where);
  const h5 = await loadH5();
  let file: H5File;
  try {
    file = new h5.File(path, 'r');
  } catch (error) {
    throw voxelwiseError({ code: 'E_FILE_FORMAT', where, message: `cannot open HDF5 file ${path}`, cause: error, details: { file: path } });
  }
  try {
    return fn(file);
  } finally {
    file.close();
  }
}

/** The dataset at `name`, or a coded error listing what the file holds. */
export function getDataset(file: H5File, name: string, path: string, where: string): H5Dataset {
  let entity: unknown = null;
  try {
    entity = file.get(name);
  } catch {
    entity = null;
  }
  if (!entity || (entity as { type?: unknown }).type !== 'Dataset') {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where,
      message: `${path} has no dataset "${name}"`,
      got: name,
      expected: file.keys(),
      details: { file: path, dataset: name },
      hint: 'Set the dataset option to the name of the array in the file.',
    });
  }
  return entity as H5Dataset;
}

/**
 * Reads a float32/float64 dataset of 1 or 2 dimensions as a row-major matrix (1-D → n × 1);
 * HDF5 stores datasets in C order, so the values are used as they are.
 */
export function readFloatDataset(ds: H5Dataset, path: string, where: string): Matrix {
  const meta = ds.metadata;
  const shape = ds.shape ?? [];
  const name = ds.path;
  // H5T_FLOAT = 1 in the HDF5 type classes.
  if (meta.type !== 1 || (meta.size !== 4 && meta.size !== 8)) {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where,
      message: `${path}: dataset "${name}" has type ${String(ds.dtype)}`,
      got: String(ds.dtype),
      expected: ['<f4', '<f8'],
      details: { file: path, dataset: name },
      hint: 'Store features as float32 or float64, e.g. f.create_dataset(name, data=arr.astype("float32")).',
    });
  }
  if (shape.length === 0 || shape.length > 2) {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where,
      message: `${path}: dataset "${name}" has ${shape.length} dimensions`,
      got: shape,
      expected: '(rows, features) or (rows,)',
      details: { file: path, dataset: name },
    });
  }
  const value = ds.value;
  if (!(value instanceof Float32Array || value instanceof Float64Array)) {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where,
      message: `${path}: dataset "${name}" did not read as a float array`,
      details: { file: path, dataset: name },
    });
  }
  const rows = shape[0]!;
  const cols = shape.length === 2 ? shape[1]! : 1;
  return { rows, cols, data: value };
}
