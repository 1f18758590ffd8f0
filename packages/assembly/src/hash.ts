import { stat } from 'node:fs/promises';
import { voxelwiseError } from '@voxelwise/core';
import { fsError, sha256File } from '@voxelwise/io';
import type { FileDigest } from './arrow-io.js';

/** A source file of an assembly with its size and, once computed, its SHA-256. */
export interface SourceFile {
  /** What the file holds for the story: `textgrid`, `responses`, `words`, `trs`, `respdict`, … */
  role: string;
  path: string;
  bytes: number;
  sha256?: string;
}

/** Size and SHA-256 of a file, streamed (constant memory; `@voxelwise/io` `sha256File`). */
export async function hashFile(path: string): Promise<FileDigest> {
  let bytes: number;
  try {
    bytes = (await stat(path)).size;
  } catch (cause) {
    throw voxelwiseError({ code: 'E_IO', where: 'assembly:hash', message: `cannot read ${path}`, cause, details: { file: path } });
  }
  return { bytes, sha256: await sha256File(path) };
}

/** A {@link SourceFile} entry with its size (hash left for later). */
export async function sourceFile(role: string, path: string): Promise<SourceFile> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (error) {
    throw fsError(error, path, 'assembly:hash', 'read');
  }
  return { role, path, bytes: size };
}
