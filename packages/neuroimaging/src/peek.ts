import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { fsError } from '@voxelwise/io';
import { gzipDamaged } from './gzip.js';
import type { NiftiImage } from './nifti-header.js';
import { parseNiftiHeader } from './nifti-read.js';

/** Bytes of a NIfTI file read for its header: a NIfTI-2 header (540) and room for extensions. */
const HEADER_BYTES = 64 * 1024;

async function prefix(file: string, where: string, n: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let have = 0;
  let first = true;
  let gz = false;
  const raw = createReadStream(file, { highWaterMark: 64 * 1024 });
  try {
    for await (const chunk of raw as AsyncIterable<Buffer>) {
      if (first) {
        gz = chunk.length >= 2 && chunk[0] === 0x1f && chunk[1] === 0x8b;
        first = false;
      }
      if (gz) break;
      chunks.push(chunk);
      have += chunk.length;
      if (have >= n) break;
    }
  } catch (e) {
    throw fsError(e, file, where, 'read');
  } finally {
    raw.destroy();
  }
  if (!gz) return new Uint8Array(Buffer.concat(chunks)).subarray(0, n);
  // Inflate only until `n` bytes are out: the header of a gigabyte series without the series.
  const source = createReadStream(file);
  const gunzip = createGunzip();
  source.pipe(gunzip);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      have += chunk.length;
      if (have >= n) break;
    }
  } catch (e) {
    if (have < 348) {
      throw gzipDamaged(where, file, e);
    }
  } finally {
    source.unpipe(gunzip);
    source.destroy();
    gunzip.destroy();
  }
  return new Uint8Array(Buffer.concat(chunks)).subarray(0, n);
}

/**
 * The header, affines and scaling of a NIfTI file (`.nii` or `.nii.gz`) without its data: only
 * the first 64 KiB are read (inflated), so the shape of a multi-gigabyte BOLD series costs
 * milliseconds. Errors as {@link readNifti}.
 *
 * @example
 * const { header } = await readNiftiHeader('sub-01_task-pieman_bold.nii.gz'); // header.shape[3]: TRs
 */
export async function readNiftiHeader(file: string): Promise<Omit<NiftiImage, 'data'>> {
  return parseNiftiHeader(await prefix(file, 'neuroimaging:nifti', HEADER_BYTES), file);
}

/**
 * The number of `DataArray` elements of a GIfTI file and the first one's `Dim0`, by scanning the
 * text without decoding it (a `.func.gii` time series holds one DataArray per time point).
 *
 * @example
 * const { arrays, dim0 } = await countGiftiArrays('sub-01_hemi-L.func.gii'); // TRs, vertices
 */
export async function countGiftiArrays(file: string): Promise<{ arrays: number; dim0: number | null }> {
  let arrays = 0;
  let dim0: number | null = null;
  let tail = '';
  const stream = createReadStream(file, { encoding: 'latin1', highWaterMark: 1 << 20 });
  try {
    for await (const piece of stream as AsyncIterable<string>) {
      const text = tail + piece;
      let at = text.indexOf('<DataArray');
      // A tag whose next character is not in this chunk yet is left in `tail` for the next one.
      while (at >= 0 && at + 10 < text.length) {
        // `<DataArrays` is not an element name GIfTI uses; require a delimiter after the name.
        if (/[\s>]/.test(text.charAt(at + 10))) {
          arrays++;
          if (dim0 === null) {
            const m = /Dim0\s*=\s*"(\d+)"/.exec(text.slice(at, at + 2000));
            if (m) dim0 = Number(m[1]);
          }
        }
        at = text.indexOf('<DataArray', at + 10);
      }
      tail = text.slice(-10);
    }
  } catch (e) {
    throw fsError(e, file, 'neuroimaging:gifti', 'read');
  }
  return { arrays, dim0 };
}
