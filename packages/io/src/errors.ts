import { voxelwiseError } from '@voxelwise/core';

/**
 * Maps a Node fs error to a coded error naming the file: `E_FILE_NOT_FOUND` for a missing path,
 * `E_IO` for anything else (permissions, a full disk, …).
 */
export function fsError(error: unknown, path: string, where: string, action: 'read' | 'write', what = 'file'): Error {
  const code = (error as { code?: unknown } | null)?.code;
  if (action === 'read' && (code === 'ENOENT' || code === 'ENOTDIR')) {
    return voxelwiseError({
      code: 'E_FILE_NOT_FOUND',
      where,
      message: `${what} ${path} does not exist`,
      cause: error,
      details: { file: path },
      hint: 'Check the path; relative paths start at the current working directory.',
    });
  }
  return voxelwiseError({
    code: 'E_IO',
    where,
    message: `cannot ${action} ${what} ${path}: ${(error as Error | null)?.message ?? String(error)}`,
    cause: error,
    details: { file: path },
  });
}
