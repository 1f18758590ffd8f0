import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import { sha256File } from '@voxelwise/io';

const memo = new Map<string, Promise<string>>();

/**
 * SHA-256 of a file's bytes (`@voxelwise/io` `sha256File`, streamed: model files are hundreds of
 * MB). Memoized per process by path, size, modification time and inode, so a changed file is
 * hashed again.
 */
export async function fileSha256(file: string): Promise<string> {
  const st = await fsp.stat(file);
  const key = `${file}\0${st.size}\0${st.mtimeMs}\0${st.ino}`;
  let pending = memo.get(key);
  if (!pending) {
    pending = sha256File(file);
    memo.set(key, pending);
    pending.catch(() => memo.delete(key));
  }
  return pending;
}

/** SHA-256 of a list of hex digests, so a set of files hashes the same however it was read. */
export function combineHashes(hashes: readonly string[]): string {
  const h = createHash('sha256');
  for (const x of hashes) h.update(x).update('\0');
  return h.digest('hex');
}
