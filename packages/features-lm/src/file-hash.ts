import { createHash } from 'node:crypto';
import { createReadStream, promises as fsp } from 'node:fs';

const memo = new Map<string, Promise<string>>();

/**
 * SHA-256 of a file's bytes, streamed (model files are hundreds of MB). Memoized per process
 * by path, size, modification time and inode, so a changed file is hashed again.
 */
export async function fileSha256(file: string): Promise<string> {
  const st = await fsp.stat(file);
  const key = `${file}\0${st.size}\0${st.mtimeMs}\0${st.ino}`;
  let pending = memo.get(key);
  if (!pending) {
    pending = new Promise<string>((resolve, reject) => {
      const hash = createHash('sha256');
      createReadStream(file, { highWaterMark: 4 << 20 })
        .on('data', (chunk) => hash.update(chunk))
        .on('error', reject)
        .on('end', () => resolve(hash.digest('hex')));
    });
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

/** SHA-256 of a string's UTF-8 bytes. */
export function textSha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
