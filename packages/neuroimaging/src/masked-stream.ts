import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { fsError } from '@voxelwise/io';
import { bytesOf } from './datatypes.js';
import type { ElementType } from './datatypes.js';
import { formatError } from './errors.js';
import { checkSameGrid, timeRange } from './masker.js';
import type { VolumeMask } from './masker.js';
import { readNiftiHeader } from './peek.js';
import { volumeSize } from './volume-index.js';

const WHERE = 'neuroimaging:masker';

type Getter = (view: DataView, at: number, le: boolean) => number;
const GETTERS: Record<ElementType, Getter> = {
  uint8: (v, at) => v.getUint8(at),
  int8: (v, at) => v.getInt8(at),
  int16: (v, at, le) => v.getInt16(at, le),
  uint16: (v, at, le) => v.getUint16(at, le),
  int32: (v, at, le) => v.getInt32(at, le),
  uint32: (v, at, le) => v.getUint32(at, le),
  float32: (v, at, le) => v.getFloat32(at, le),
  float64: (v, at, le) => v.getFloat64(at, le),
};

/**
 * The masked time series of a 4-D NIfTI file, streamed: the file is inflated and read one volume
 * at a time and only the mask's voxels are kept, so a gigabyte series (an MNI 2 mm run) costs one
 * volume plus the result in memory instead of the whole image. Same values and layout as
 * {@link applyMask} on the whole image (time points `[start, end)` × mask voxels, float32, scaling
 * applied in float64 then rounded once); reading stops after the last requested volume. A series
 * on another grid than the mask, or a truncated file, is a coded error naming the file.
 *
 * @example
 * const Y = await readMaskedSeries('sub-01_task-lpp_run-1_bold.nii.gz', mask, { start: 5, end: 300 });
 */
export async function readMaskedSeries(file: string, mask: VolumeMask, rows: { start?: number; end?: number } = {}): Promise<Float32Array> {
  const head = await readNiftiHeader(file);
  checkSameGrid(mask, head);
  const h = head.header;
  const nt = h.shape[3] ?? 1;
  const { t0, t1 } = timeRange(file, nt, rows);
  const size = bytesOf(h.elementType);
  const volBytes = volumeSize(h.shape) * size;
  const idx = mask.indices;
  const cols = idx.length;
  const out = new Float32Array((t1 - t0) * cols);
  if (t1 === t0) return out;
  const get = GETTERS[h.elementType];
  const le = h.littleEndian;
  const slope = head.scaling?.slope ?? 1;
  const inter = head.scaling?.inter ?? 0;
  const volume = new Uint8Array(volBytes);
  const view = new DataView(volume.buffer);
  let skip = h.voxOffset + t0 * volBytes;
  let fill = 0;
  let t = t0;

  // The gzip magic decides whether the stream is inflated (as readNifti decides).
  let gz = false;
  try {
    const fd = await open(file, 'r');
    try {
      const { buffer, bytesRead } = await fd.read(Buffer.alloc(2), 0, 2, 0);
      gz = bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
    } finally {
      await fd.close();
    }
  } catch (e) {
    throw fsError(e, file, WHERE, 'read');
  }
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  const source = gz ? raw.pipe(createGunzip()) : raw;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      let at = 0;
      if (skip > 0) {
        const s = Math.min(skip, chunk.length);
        skip -= s;
        at = s;
      }
      while (at < chunk.length && t < t1) {
        const n = Math.min(volBytes - fill, chunk.length - at);
        volume.set(chunk.subarray(at, at + n), fill);
        fill += n;
        at += n;
        if (fill === volBytes) {
          const row = (t - t0) * cols;
          if (slope === 1 && inter === 0) for (let j = 0; j < cols; j++) out[row + j] = get(view, idx[j]! * size, le);
          else for (let j = 0; j < cols; j++) out[row + j] = get(view, idx[j]! * size, le) * slope + inter;
          fill = 0;
          t++;
        }
      }
      if (t >= t1) break;
    }
  } catch (e) {
    throw formatError(WHERE, file, `cannot be read to the end (${(e as Error).message})`, 'Re-download or re-export the file.', {
      cause: e,
    });
  } finally {
    raw.destroy();
    if (source !== raw) (source as NodeJS.ReadableStream & { destroy(): void }).destroy();
  }
  if (t < t1) {
    throw formatError(WHERE, file, 'is truncated: the data block is shorter than the header says', 'Re-download or re-export the file.', {
      got: `${t} complete volumes`,
      expected: t1,
    });
  }
  return out;
}
