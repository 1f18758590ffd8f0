import { closeSync, existsSync, fstatSync, openSync, readSync } from 'node:fs';
import { voxelwiseError } from '@voxelwise/core';
import { parseNpyHeader } from '@voxelwise/io';
import type { MatrixFile } from './matrix-file.js';

const fail = (file: string, message: string, extra: { got?: unknown; expected?: unknown } = {}): never => {
  throw voxelwiseError({
    code: 'E_FILE_FORMAT',
    where: 'assembly:npy',
    message: `${file}: ${message}`,
    ...extra,
    hint: 'Save responses with numpy.save(path, array.astype("float32")) as a 2-D (TRs × voxels) array.',
    details: { file },
  });
};

/** Header bytes read before parsing: numpy pads headers to 64 bytes and keeps them far below this. */
const HEADER_PREFIX = 1 << 16;

/**
 * Opens a 2-D float32/float64 `.npy` file (little or big endian, C or Fortran order); the header
 * is checked by `@voxelwise/io` `parseNpyHeader`, and only the requested blocks are read.
 *
 * @example
 * const m = openNpyMatrix('story/responses.npy');
 * const block = m.read(0, m.rows, 100, 200);
 * m.close();
 */
export function openNpyMatrix(file: string): MatrixFile {
  if (!existsSync(file)) {
    throw voxelwiseError({
      code: 'E_FILE_NOT_FOUND',
      where: 'assembly:npy',
      message: `response file ${file} does not exist`,
      details: { file },
    });
  }
  const fd = openSync(file, 'r');
  try {
    const fileSize = fstatSync(fd).size;
    const pre = Buffer.alloc(Math.min(fileSize, HEADER_PREFIX));
    readSync(fd, pre, 0, pre.length, 0);
    const header = parseNpyHeader(pre, file);
    const { shape, itemSize: size, littleEndian: little, fortranOrder: fortran, dataOffset: dataStart } = header;
    if (shape.length !== 2) fail(file, 'the array is not 2-D (TRs × voxels)', { got: shape });
    if (fileSize - dataStart < header.dataBytes)
      fail(file, 'the file holds fewer bytes than its shape needs (truncated?)', { got: fileSize - dataStart, expected: header.dataBytes });
    // numpy.save writes exactly the declared bytes: more means a damaged shape, never a prefix to read.
    if (fileSize - dataStart > header.dataBytes)
      fail(file, 'the file holds more bytes than its shape needs (damaged header, or several arrays in one file?)', {
        got: fileSize - dataStart,
        expected: header.dataBytes,
      });
    const [rows, cols] = shape as [number, number];
    let open = true;
    const convert = (buf: Buffer, n: number, out: Float32Array, at: number, stride: number): void => {
      const dv = new DataView(buf.buffer, buf.byteOffset, n * size);
      if (size === 4) for (let k = 0; k < n; k++) out[at + k * stride] = dv.getFloat32(4 * k, little);
      else for (let k = 0; k < n; k++) out[at + k * stride] = dv.getFloat64(8 * k, little);
    };
    return {
      file,
      rows,
      cols,
      dtype: size === 4 ? 'float32' : 'float64',
      read(r0, r1, c0, c1) {
        const h = r1 - r0;
        const w = c1 - c0;
        const out = new Float32Array(Math.max(0, h) * Math.max(0, w));
        if (h <= 0 || w <= 0) return out;
        if (!fortran) {
          if (c0 === 0 && c1 === cols) {
            const buf = Buffer.alloc(h * cols * size);
            readSync(fd, buf, 0, buf.length, dataStart + r0 * cols * size);
            if (size === 4 && little) out.set(new Float32Array(buf.buffer, buf.byteOffset, h * cols));
            else convert(buf, h * cols, out, 0, 1);
            return out;
          }
          const buf = Buffer.alloc(w * size);
          for (let i = 0; i < h; i++) {
            readSync(fd, buf, 0, buf.length, dataStart + ((r0 + i) * cols + c0) * size);
            convert(buf, w, out, i * w, 1);
          }
          return out;
        }
        const buf = Buffer.alloc(h * size);
        for (let j = 0; j < w; j++) {
          readSync(fd, buf, 0, buf.length, dataStart + ((c0 + j) * rows + r0) * size);
          convert(buf, h, out, j, w);
        }
        return out;
      },
      close() {
        if (open) closeSync(fd);
        open = false;
      },
    };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/**
 * Encodes a row-major float32 matrix as `.npy` bytes (format version 1.0, `<f4`, C order).
 *
 * @example
 * writeFileSync('responses.npy', encodeNpy({ rows: 2, cols: 2, data: Float32Array.of(1, 2, 3, 4) }));
 */
export function encodeNpy(m: { rows: number; cols: number; data: Float32Array }): Uint8Array {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${m.rows}, ${m.cols}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + m.data.byteLength);
  out.set([0x93, ...Buffer.from('NUMPY', 'latin1'), 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength), 10 + header.length);
  return out;
}
