import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { voxelwiseError } from '@voxelwise/core';
import { syncDir } from './atomic-file.js';
import { fsError } from './errors.js';
import { OWNER_FILE, removeStaleTempDirs, writeOwnerMarker } from './stale-temp.js';
import type { StaleTempDir } from './stale-temp.js';

/** Options of {@link writeDirAtomic}. */
export interface WriteDirOptions {
  /** Replace an existing `target` (only once the new one is complete). Otherwise an existing target is an `E_IO` error. @default false */
  overwrite?: boolean;
  /** `package:stage` named in errors. @default 'io:write-dir' */
  where?: string;
  /**
   * Receives the temporary directories of earlier attempts at the same target found beside it
   * (see {@link removeStaleTempDirs}): those whose owner process is gone from this host were
   * removed; others (another host's, still running, or without an owner marker) were left.
   */
  onStale?: (found: StaleTempDir[]) => void;
}

/** Node fs errors carry a string `code` (ENOSPC, EACCES, EROFS…) and often the `path`. */
function isFsError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && 'errno' in error;
}

const suffix = (): string => `${process.pid}-${randomBytes(4).toString('hex')}`;

/**
 * Builds a directory atomically: `fill` writes into a sibling temporary directory
 * `.tmp-<base>-<pid>-<random>`, which is renamed to `target` only when `fill` succeeds (the parent
 * directory is then fsynced), so a failure or an interruption never leaves a half-written
 * `target`. On failure the temporary directory is removed and the error is rethrown (a Node
 * file-system error, such as a full disk or a read-only folder, as `E_IO` naming the path).
 * The temporary directory holds an owner marker (pid and host) while it is filled, so when a
 * process is killed before it can clean up, the next write of the same target removes the
 * leftover (same host, owner gone) or reports it through `onStale`.
 *
 * @returns what `fill` returns.
 * @throws VoxelwiseError `E_IO` when `target` exists and `overwrite` is not set.
 * @example
 * await writeDirAtomic('runs/r1', async (tmp) => {
 *   await writeJsonAtomic(join(tmp, 'run.json'), run);
 * });
 */
export async function writeDirAtomic<T = void>(
  target: string,
  fill: (tmpDir: string) => Promise<T>,
  options: WriteDirOptions = {},
): Promise<T> {
  const where = options.where ?? 'io:write-dir';
  const out = resolve(target);
  if (existsSync(out) && !options.overwrite) {
    throw voxelwiseError({
      code: 'E_IO',
      where,
      message: `${out} already exists`,
      hint: 'Choose another output directory, or pass --overwrite (overwrite: true) to replace it.',
      details: { file: out },
    });
  }
  const parent = dirname(out);
  const tmp = join(parent, `.tmp-${basename(out)}-${suffix()}`);
  try {
    await mkdir(parent, { recursive: true });
    const found = await removeStaleTempDirs(parent, basename(out));
    if (found.length > 0) options.onStale?.(found);
    await mkdir(tmp);
    // Owner pid and host, so a later attempt can tell a leftover of a killed process from a live one.
    await writeOwnerMarker(tmp, out);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw fsError(error, existsSync(parent) ? tmp : parent, where, 'write', 'folder');
  }
  let result: T;
  try {
    result = await fill(tmp);
    await rm(join(tmp, OWNER_FILE), { force: true });
  } catch (error) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    // A file-system failure inside fill (disk full, permission denied) becomes E_IO naming the path.
    if (isFsError(error)) throw fsError(error, error.path ?? out, where, 'write');
    throw error;
  }
  try {
    if (existsSync(out)) {
      // rename(2) cannot replace a non-empty directory: move the old one aside first.
      const old = join(parent, `.old-${basename(out)}-${suffix()}`);
      await rename(out, old);
      await rename(tmp, out);
      await rm(old, { recursive: true, force: true });
    } else {
      await rename(tmp, out);
    }
  } catch (cause) {
    await rm(tmp, { recursive: true, force: true });
    throw voxelwiseError({ code: 'E_IO', where, message: `cannot move the finished ${out} into place`, cause, details: { file: out } });
  }
  await syncDir(parent);
  return result;
}
