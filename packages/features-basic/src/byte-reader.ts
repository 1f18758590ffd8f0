import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { fsError } from '@voxelwise/io';

/** Sequential reads over a file's bytes (gunzipped when the file starts with the gzip magic). */
export class ByteReader {
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private ended = false;
  /** Bytes consumed so far (of the decompressed stream). */
  consumed = 0;

  private constructor(private readonly chunks: AsyncIterator<Buffer>) {}

  /** Opens `path`; missing files become `E_FILE_NOT_FOUND` naming the file. */
  static async open(path: string, where: string, what: string): Promise<ByteReader> {
    let gz = false;
    try {
      const handle = await open(path, 'r');
      try {
        const head = new Uint8Array(2);
        const { bytesRead } = await handle.read(head, 0, 2, 0);
        gz = bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
      } finally {
        await handle.close();
      }
    } catch (error) {
      throw fsError(error, path, where, 'read', what);
    }
    const file = createReadStream(path, { highWaterMark: 1 << 20 });
    const stream = gz ? file.pipe(createGunzip()) : file;
    file.on('error', (e) => stream.destroy(e));
    return new ByteReader(stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
  }

  /** Ensures `n` unread bytes are buffered; false when the stream ends first. */
  private async fill(n: number): Promise<boolean> {
    while (this.buf.length - this.pos < n) {
      if (this.ended) return false;
      const next = await this.chunks.next();
      if (next.done) {
        this.ended = true;
        return this.buf.length - this.pos >= n;
      }
      this.buf = this.pos < this.buf.length ? Buffer.concat([this.buf.subarray(this.pos), next.value]) : next.value;
      this.pos = 0;
    }
    return true;
  }

  /**
   * Bytes up to (not including) `delimiter`, consuming them and the delimiter unless `consume`
   * is false; the remaining bytes when the stream ends without one; null at the end.
   */
  async readUntil(delimiter: number, consume = true): Promise<Buffer | null> {
    let searched = 0; // bytes after `pos` already searched
    for (;;) {
      const at = this.buf.indexOf(delimiter, this.pos + searched);
      if (at >= 0) {
        const out = this.buf.subarray(this.pos, at);
        if (consume) {
          this.consumed += at + 1 - this.pos;
          this.pos = at + 1;
        }
        return out;
      }
      searched = this.buf.length - this.pos;
      if (this.ended) {
        if (searched === 0) return null;
        const out = this.buf.subarray(this.pos);
        if (consume) {
          this.consumed += out.length;
          this.pos = this.buf.length;
        }
        return out;
      }
      await this.fill(searched + 1);
    }
  }

  /** Skips any of the given bytes; false at EOF. */
  async skip(bytes: readonly number[]): Promise<boolean> {
    for (;;) {
      if (!(await this.fill(1))) return false;
      if (!bytes.includes(this.buf[this.pos]!)) return true;
      this.pos++;
      this.consumed++;
    }
  }

  /** Exactly `n` bytes, or null when the stream ends first. */
  async read(n: number): Promise<Buffer | null> {
    if (!(await this.fill(n))) return null;
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    this.consumed += n;
    return out;
  }

  /** Stops reading and releases the file. */
  async close(): Promise<void> {
    await this.chunks.return?.();
  }
}
