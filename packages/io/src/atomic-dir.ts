import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { voxelwiseError } from '@voxelwise/core';
import { syncDir } from './atomic-file.js';

/** Options of {@link writeDirAtomic}. */
export interface WriteDirOptions {
  /** Replace an existing `target` (only once the new one is complete). Otherwise an existing target is an `E_IO` error. @default false */
  overwrite?: boolean;
  /** `package:stage` named in errors. @default 'io:write-dir' */
  where?: string;
}

const suffix = (): string => `${process.pid}-${randomBytes(4).toString('hex')}`;

/**
 * Builds a directory atomically: `fill` writes into a sibling temporary directory
 * `.tmp-<base>-<pid>-<random>`, which is renamed to `target` only when `fill` succeeds (the parent
 * directory is then fsynced), so a failure or an interruption never leaves a half-written
 * `target`. On failure the temporary directory is removed and the error is rethrown.
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
  await mkdir(parent, { recursive: true });
  const tmp = join(parent, `.tmp-${basename(out)}-${suffix()}`);
  await mkdir(tmp);
  let result: T;
  try {
    result = await fill(tmp);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
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
