import { gunzipSync } from 'node:zlib';
import { formatError } from './errors.js';

/** True when bytes start with the gzip magic 1f 8b (RFC 1952). */
function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Gunzips `bytes` when they are gzip, else returns them; a damaged stream is `E_FILE_FORMAT` naming the file. */
export function maybeGunzip(bytes: Uint8Array, file: string, where: string): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return new Uint8Array(gunzipSync(bytes));
  } catch (e) {
    throw gzipDamaged(where, file, e);
  }
}

/** `E_FILE_FORMAT` for a gzip stream that failed to inflate (whole-file or streamed), naming the file. */
export function gzipDamaged(where: string, file: string, cause: unknown): Error {
  return formatError(
    where,
    file,
    `the gzip stream is damaged or truncated (${(cause as Error).message})`,
    'Re-download or re-export the file.',
    {
      cause,
    },
  );
}
