import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { voxelwiseError } from '@voxelwise/core';
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

/** Parses the header dict of a .npy file (NumPy format spec, versions 1–3). */
function parseHeader(file: string, header: string): { descr: string; fortran: boolean; shape: number[] } {
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    return fail(file, 'the .npy header is not understood', { got: header.trim() });
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  return { descr, fortran: fortran === 'True', shape };
}

/**
 * Opens a 2-D float32/float64 `.npy` file (little or big endian, C or Fortran order).
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
    const pre = Buffer.alloc(12);
    readSync(fd, pre, 0, 12, 0);
    if (pre[0] !== 0x93 || pre.toString('latin1', 1, 6) !== 'NUMPY') fail(file, 'not a .npy file (bad magic)');
    const major = pre[6]!;
    const headerLen = major === 1 ? pre.readUInt16LE(8) : pre.readUInt32LE(8);
    const headerStart = major === 1 ? 10 : 12;
    const hb = Buffer.alloc(headerLen);
    readSync(fd, hb, 0, headerLen, headerStart);
    const { descr, fortran, shape } = parseHeader(file, hb.toString(major === 3 ? 'utf8' : 'latin1'));
    if (shape.length !== 2) fail(file, 'the array is not 2-D (TRs × voxels)', { got: shape });
    const m = /^([<>|=])f([48])$/.exec(descr);
    if (!m) fail(file, 'the array does not hold float32 or float64 values', { got: descr, expected: ['<f4', '<f8'] });
    const size = Number(m![2]);
    const little = m![1] !== '>';
    const [rows, cols] = shape as [number, number];
    const dataStart = headerStart + headerLen;
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
