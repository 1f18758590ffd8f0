import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { fsError } from './errors.js';

/**
 * SHA-256 (hex) of a file, streamed in 4 MiB chunks so memory stays constant for model and
 * response files of many GB.
 *
 * @throws VoxelwiseError `E_FILE_NOT_FOUND` or `E_IO` naming the file.
 * @example
 * const digest = await sha256File('UTS03/wheretheressmoke.hf5');
 */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 4 << 20 })) hash.update(chunk as Buffer);
  } catch (error) {
    throw fsError(error, path, 'io:hash', 'read');
  }
  return hash.digest('hex');
}

/**
 * SHA-256 (hex) of bytes, or of a string's UTF-8 encoding.
 *
 * @example
 * sha256Bytes('abc'); // 'ba7816bf…'
 */
export function sha256Bytes(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}
