import { readFile } from 'node:fs/promises';
import { voxelwiseError } from '@voxelwise/core';

/**
 * Reads and parses a JSON file of a run directory: `E_FILE_NOT_FOUND` when it cannot be read,
 * `E_FILE_FORMAT` when it is not JSON, both naming the file.
 */
export async function readJsonFile(path: string, where: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw voxelwiseError({
      code: 'E_FILE_NOT_FOUND',
      where,
      message: `cannot read ${path}`,
      cause: error,
      hint: 'Pass a run directory written by "voxelwise train" (results/<run-id>).',
    });
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where,
      message: `${path} is not valid JSON: ${(error as Error).message}`,
      cause: error,
    });
  }
}
