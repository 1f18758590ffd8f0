import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { voxelwiseError } from '@voxelwise/core';

const suffix = (): string => `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * Builds a directory atomically: `fill` writes into a hidden temporary sibling, which is renamed
 * to `target` only when it succeeds, so a failure or an interruption never leaves a half-written
 * `target`. An existing `target` is an `E_IO` error unless `overwrite` is set, in which case it is
 * replaced only after the new one is complete.
 */
export async function writeDirectoryAtomically<T>(
  target: string,
  overwrite: boolean,
  where: string,
  fill: (tmp: string) => Promise<T>,
): Promise<T> {
  const out = resolve(target);
  if (existsSync(out) && !overwrite) {
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
  const tmp = join(parent, `.${basename(out)}.tmp-${suffix()}`);
  await mkdir(tmp);
  let result: T;
  try {
    result = await fill(tmp);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  if (existsSync(out)) {
    const old = join(parent, `.${basename(out)}.old-${suffix()}`);
    await rename(out, old);
    await rename(tmp, out);
    await rm(old, { recursive: true, force: true });
  } else {
    await rename(tmp, out);
  }
  return result;
}

/** Writes a file through a temporary name and a rename. */
export async function writeFileAtomically(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${suffix()}`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
