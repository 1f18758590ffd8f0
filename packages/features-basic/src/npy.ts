import { readNpy as readNpyBytes } from '@voxelwise/io';
import type { Matrix } from '@voxelwise/core';
import { readBytes } from './files.js';

const WHERE = 'features-basic:npy';

/**
 * Parses a NumPy `.npy` file held in memory: a float32 or float64 array of 1 or 2 dimensions in C
 * order (a 1-D array of length n becomes n × 1). The parser and its checks are `@voxelwise/io`
 * `readNpy`; format: numpy docs "numpy.lib.format".
 *
 * @param bytes the whole file
 * @param source the file name, used in error messages
 * @example
 * const m = parseNpy(readFileSync('story01.npy'), 'story01.npy');
 */
export function parseNpy(bytes: Uint8Array, source = '<buffer>'): Matrix {
  return readNpyBytes(bytes, source);
}

/**
 * Reads a `.npy` file from disk with {@link parseNpy}.
 *
 * @example
 * const features = await readNpy('features/story01.npy');
 */
export async function readNpy(path: string): Promise<Matrix> {
  return parseNpy(await readBytes(path, WHERE, 'file'), path);
}
