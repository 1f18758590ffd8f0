import { readFile } from 'node:fs/promises';
import type { Table } from 'apache-arrow';
import { voxelwiseError } from '@voxelwise/core';
import { writeFileAtomic } from './atomic-file.js';
import { fsError } from './errors.js';

/**
 * Reads a whole Arrow IPC file (or stream) into a table. apache-arrow is imported on first use,
 * so importing this package stays light.
 *
 * @param where `package:stage` named in errors.
 * @throws VoxelwiseError `E_FILE_NOT_FOUND` / `E_IO` when the file cannot be read, `E_FILE_FORMAT`
 * naming the file when it is not Arrow IPC.
 * @example
 * const table = await readArrowTable('run/scores.arrow', 'report:read');
 */
export async function readArrowTable(path: string, where: string): Promise<Table> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw fsError(error, path, where, 'read', 'Arrow file');
  }
  return parseArrowTable(bytes, path, where);
}

/**
 * Decodes Arrow IPC bytes (file or stream format) into a table; what {@link readArrowTable} does
 * once the file is read, for callers that hold the bytes already.
 *
 * @param source the file name, used in error messages.
 * @throws VoxelwiseError `E_FILE_FORMAT` naming `source` when the bytes are not Arrow IPC.
 * @example
 * const table = await parseArrowTable(bytes, 'features/story01.arrow', 'features-basic:arrow');
 */
export async function parseArrowTable(bytes: Uint8Array, source: string, where: string): Promise<Table> {
  const A = await import('apache-arrow');
  try {
    return A.tableFromIPC(bytes);
  } catch (cause) {
    throw voxelwiseError({
      code: 'E_FILE_FORMAT',
      where,
      message: `${source} is not an Arrow IPC file: ${(cause as Error).message}`,
      cause,
      details: { file: source },
      hint: 'Write it with pyarrow.feather.write_feather(..., compression="uncompressed") or apache-arrow tableToIPC.',
    });
  }
}

/**
 * Writes `table` as an Arrow IPC file (random-access format, `tableToIPC(table, 'file')`) with
 * {@link writeFileAtomic}, so readers never see half a file.
 *
 * @throws VoxelwiseError `E_IO` naming the file.
 * @example
 * await writeArrowFileAtomic('run/scores.arrow', tableFromArrays({ r: Float64Array.of(0.1, 0.2) }));
 */
export async function writeArrowFileAtomic(path: string, table: Table): Promise<void> {
  const A = await import('apache-arrow');
  await writeFileAtomic(path, A.tableToIPC(table, 'file'));
}
