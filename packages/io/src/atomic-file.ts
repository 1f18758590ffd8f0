import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fsError } from './errors.js';

const WHERE = 'io:write';

/** A unique temporary path beside `file` (same directory, so the final `rename` is atomic). */
export function tempPathFor(file: string): string {
  return join(dirname(file), `.${basename(file)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** True when `name` (a base name) is a temporary file left by {@link writeFileAtomic}, e.g. after a crash. */
export function isTempFileName(name: string): boolean {
  return /^\..+\.tmp-\d+-[0-9a-f]{8}$/.test(name);
}

/**
 * Fsyncs a directory so a rename inside it survives a power loss (rename(2) is atomic but only
 * durable once the directory is flushed). Platforms that cannot open a directory (Windows) skip it.
 */
export async function syncDir(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // EISDIR/EPERM on Windows, EINVAL on some file systems: the rename itself is still atomic.
  } finally {
    await handle?.close();
  }
}

/**
 * Writes `data` to `file` so that a reader (or a crash) never sees half a file: the bytes go to a
 * temporary file in the same directory, which is fsynced and renamed over `file`; then the
 * directory is fsynced. Missing parent directories are created. Concurrent writers of one file
 * each rename a complete file; the last one wins.
 *
 * @throws VoxelwiseError `E_IO` naming the file when it cannot be written.
 * @example
 * await writeFileAtomic('out/run.json', JSON.stringify(run));
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await writeFileAtomicWith(file, async (tmp) => {
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(data);
    } finally {
      await handle.close();
    }
  });
}

/**
 * {@link writeFileAtomic} for writers that need a path rather than bytes (a library that writes
 * the file itself, e.g. h5wasm): `write(tmpPath)` creates the temporary file, which is then
 * fsynced, renamed over `file`, and the directory fsynced. The temporary file is removed when
 * `write` fails.
 *
 * @throws VoxelwiseError `E_IO` naming the file.
 * @example
 * await writeFileAtomicWith('story.hf5', (tmp) => writeHdf5(tmp, data));
 */
export async function writeFileAtomicWith(file: string, write: (tmpPath: string) => Promise<void> | void): Promise<void> {
  const tmp = tempPathFor(file);
  try {
    await mkdir(dirname(file), { recursive: true });
    await write(tmp);
    const handle = await open(tmp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw fsError(error, file, WHERE, 'write');
  }
  await syncDir(dirname(file));
}

/**
 * Writes `value` as pretty-printed JSON (two-space indent, trailing newline) with
 * {@link writeFileAtomic}.
 *
 * @example
 * await writeJsonAtomic('out/meta.json', { subject: 'UTS03' });
 */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}
