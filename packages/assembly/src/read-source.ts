import { readFile } from 'node:fs/promises';
import { fsError } from '@voxelwise/io';

/**
 * Reads a source file whole; a file-system failure (missing, permission denied, a folder in its
 * place) is `E_FILE_NOT_FOUND` / `E_IO` naming the file, never a raw Node error.
 */
export async function readSource(file: string, where: string, what = 'file'): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (error) {
    throw fsError(error, file, where, 'read', what);
  }
}
