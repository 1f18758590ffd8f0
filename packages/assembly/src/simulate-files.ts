import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Writes files under a simulator's temporary root and lists them, relative, in write order. */
export interface SimFileWriter {
  /** Paths written so far, relative to the root. */
  readonly files: string[];
  /** Writes `data` at `rel` (parent folders created) and lists it. */
  put(rel: string, data: string | Uint8Array): Promise<void>;
  /**
   * Creates the parent folders of `rel`, lists it and returns its absolute path, for writers that
   * stream a file themselves (NIfTI series, HDF5).
   */
  place(rel: string): Promise<string>;
}

/**
 * A {@link SimFileWriter} under `tmp` (the temporary folder of `writeDirAtomic`): every dataset
 * simulator lists the files it wrote the same way.
 */
export function simFileWriter(tmp: string): SimFileWriter {
  const files: string[] = [];
  const place = async (rel: string): Promise<string> => {
    const abs = join(tmp, rel);
    await mkdir(dirname(abs), { recursive: true });
    files.push(rel);
    return abs;
  };
  return {
    files,
    place,
    async put(rel, data) {
      await writeFile(await place(rel), data);
    },
  };
}
