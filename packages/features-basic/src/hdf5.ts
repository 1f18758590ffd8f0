import { voxelwiseError } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';
import { openHdf5File } from '@voxelwise/io/hdf5';
import type { H5File, H5wasm } from '@voxelwise/io/hdf5';

type H5Dataset = InstanceType<H5wasm['Dataset']>;

/**
 * Opens an HDF5 file read-only (signature checked, h5wasm loaded on first use with its throwing
 * error handler, see `@voxelwise/io` `openHdf5File`), runs `fn`, and always closes the file.
 */
export async function withHdf5<T>(path: string, where: string, fn: (file: H5File) => T): Promise<T> {
  const file = await openHdf5File(path, where);
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
