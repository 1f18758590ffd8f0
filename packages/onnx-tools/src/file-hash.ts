import { createHash } from 'node:crypto';
import { existsSync, promises as fsp } from 'node:fs';
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

/**
 * SHA-256 of a set of files in order: each file's {@link fileSha256}, a missing file as `-`,
 * combined with {@link combineHashes}. The content identity of model files in cache keys.
 */
export async function filesSha256(files: readonly string[]): Promise<string> {
  const parts: string[] = [];
  for (const f of files) parts.push(existsSync(f) ? await fileSha256(f) : '-');
  return combineHashes(parts);
}

/**
 * {@link filesSha256} of an ONNX model and, when present, its external data file (`<file>_data`
 * as optimum writes it, or `<file>.data`), so re-exported weights change the hash.
 */
export function onnxModelSha256(onnxFile: string): Promise<string> {
  return filesSha256([onnxFile, ...[`${onnxFile}_data`, `${onnxFile}.data`].filter((f) => existsSync(f))]);
}
