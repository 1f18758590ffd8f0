import { voxelwiseError } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const WHERE = 'io:npy';

/** The header of a `.npy` file, checked: a float32 or float64 array. */
export interface NpyHeader {
  /** Format major version: 1, 2 or 3. */
  version: 1 | 2 | 3;
  /** The numpy dtype string, e.g. `<f4`. */
  descr: string;
  dtype: 'float32' | 'float64';
  /** Bytes per value: 4 or 8. */
  itemSize: 4 | 8;
  littleEndian: boolean;
  /** True when the array is stored column-major. */
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset of the first value. */
  dataOffset: number;
  /** Bytes of data the shape needs: `product(shape) · itemSize`. */
  dataBytes: number;
}

function formatError(source: string, message: string, hint?: string, extra: { got?: unknown; expected?: unknown } = {}): Error {
  return voxelwiseError({
    code: 'E_FILE_FORMAT',
    where: WHERE,
    message: `${source}: ${message}`,
    details: { file: source },
    ...extra,
    ...(hint ? { hint } : {}),
  });
}

/** Parses the Python-literal header dict, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`. */
function parseDict(text: string, source: string): { descr: string; fortranOrder: boolean; shape: number[] } {
  const descr = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(text);
  const fortran = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(text);
  const shape = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(text);
  if (!descr || !fortran || !shape) {
    throw formatError(source, 'the .npy header is not a dict with descr, fortran_order and shape', 'Write the file with numpy.save.', {
      got: text.trim().slice(0, 120),
    });
  }
  const dims = shape[1]!
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const parsed = dims.map((d) => (/^\d+L?$/.test(d) ? Number.parseInt(d, 10) : Number.NaN));
  if (parsed.some((d) => !Number.isSafeInteger(d))) {
    throw formatError(source, 'the .npy header has a malformed shape', 'Write the file with numpy.save.', { got: `(${shape[1]})` });
  }
  return { descr: descr[1]!, fortranOrder: fortran[1] === 'True', shape: parsed };
}

/**
 * Parses and checks the preamble and header of a NumPy `.npy` file (format versions 1.0, 2.0 and
 * 3.0, numpy docs "numpy.lib.format"): the magic string, the version, the header dict, a float32
 * or float64 dtype in either byte order, and a well-formed shape. `bytes` needs to hold the
 * header, not the data, so callers that stream a large file can pass its first bytes.
 *
 * @param source the file name, used in error messages.
 * @throws VoxelwiseError `E_FILE_FORMAT` naming `source`.
 * @example
 * const header = parseNpyHeader(firstKiB, 'responses.npy'); // { dtype: 'float32', shape: [300, 8000], … }
 */
export function parseNpyHeader(bytes: Uint8Array, source = '<buffer>'): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw formatError(
      source,
      'not a .npy file (the magic string "\\x93NUMPY" is missing)',
      'Save the array with numpy.save (not savez, pickle or tofile).',
    );
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number;
  let headerStart: number;
  if (major === 1) {
    headerLen = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw formatError(source, 'the file ends inside the .npy preamble');
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else {
    throw formatError(
      source,
      `unsupported .npy format version ${major}.${bytes[7]}`,
      'Save the file with numpy ≥ 1.0 (format 1.0, 2.0 or 3.0).',
      { got: major, expected: [1, 2, 3] },
    );
  }
  const dataOffset = headerStart + headerLen;
  if (dataOffset > bytes.length)
    throw formatError(source, 'the file ends inside the .npy header', 'The file is truncated; write it again.');
  // Version 3.0 headers are UTF-8; 1.0 and 2.0 are latin-1, which is ASCII for every valid header.
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataOffset));
  const { descr, fortranOrder, shape } = parseDict(text, source);
  const m = /^([<>|=])([fiucbSUVOMmc])(\d+)$/.exec(descr);
  const size = m ? Number(m[3]) : 0;
  if (!m || m[2] !== 'f' || (size !== 4 && size !== 8)) {
    throw formatError(
      source,
      `the array does not hold float32 or float64 values (dtype "${descr}")`,
      'Convert the array to float32 or float64 first, e.g. np.save(path, arr.astype(np.float32)).',
      { got: descr, expected: ['<f4', '<f8'] },
    );
  }
  const itemSize = size as 4 | 8;
  const count = shape.reduce((a, b) => a * b, 1);
  return {
    version: major as 1 | 2 | 3,
    descr,
    dtype: itemSize === 4 ? 'float32' : 'float64',
    itemSize,
    littleEndian: m[1] !== '>',
    fortranOrder,
    shape,
    dataOffset,
    dataBytes: count * itemSize,
  };
}

/**
 * Reads a whole `.npy` file held in memory (checked by {@link parseNpyHeader}) that stores a
 * float32 or float64 array of 1 or 2 dimensions in C order, as a row-major matrix; a 1-D array of
 * length n becomes n × 1. Little-endian data is viewed without a copy when it is aligned;
 * big-endian data is byte-swapped. Fortran order is refused unless the array is a single row or
 * column (then both orders are the same bytes).
 *
 * @param bytes the whole file.
 * @param source the file name, used in error messages.
 * @throws VoxelwiseError `E_FILE_FORMAT` naming `source`: not .npy, another dtype or rank,
 * Fortran order, or more or fewer data bytes than the shape needs.
 * @example
 * const m = readNpy(await readFile('story01.npy'), 'story01.npy');
 */
export function readNpy(bytes: Uint8Array, source = '<buffer>'): Matrix {
  const header = parseNpyHeader(bytes, source);
  const { shape, itemSize: size, dataOffset } = header;
  if (header.fortranOrder && shape.length > 1 && shape.every((d) => d > 1)) {
    throw formatError(
      source,
      'the array is stored in Fortran (column-major) order',
      'Save a C-ordered copy: np.save(path, np.ascontiguousarray(arr)).',
      { got: 'fortran_order: True', expected: 'fortran_order: False' },
    );
  }
  if (shape.length === 0 || shape.length > 2) {
    throw formatError(source, `the array has ${shape.length} dimensions`, 'Save one 2-D array (rows × features) per story.', {
      got: `(${shape.join(', ')})`,
      expected: '(rows, features) or (rows,)',
    });
  }
  const rows = shape[0]!;
  const cols = shape.length === 2 ? shape[1]! : 1;
  const count = rows * cols;
  if (bytes.length - dataOffset < header.dataBytes) {
    throw formatError(source, 'the file holds fewer bytes than its shape needs', 'The file is truncated; write it again.', {
      got: bytes.length - dataOffset,
      expected: header.dataBytes,
    });
  }
  // numpy.save writes exactly the declared bytes; more means a damaged shape (reading a prefix
  // would silently drop values) or several arrays saved into one file.
  if (bytes.length - dataOffset > header.dataBytes) {
    throw formatError(
      source,
      `the file holds ${bytes.length - dataOffset - header.dataBytes} bytes more than its shape (${shape.join(', ')}) needs`,
      'The header may be damaged, or several arrays were saved into one file; save one array per file with numpy.save.',
      { got: bytes.length - dataOffset, expected: header.dataBytes },
    );
  }
  const offset = bytes.byteOffset + dataOffset;
  if (header.littleEndian && offset % size === 0) {
    const data = size === 4 ? new Float32Array(bytes.buffer, offset, count) : new Float64Array(bytes.buffer, offset, count);
    return { rows, cols, data };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = header.littleEndian;
  const data = size === 4 ? new Float32Array(count) : new Float64Array(count);
  for (let k = 0; k < count; k++) {
    data[k] = size === 4 ? view.getFloat32(dataOffset + 4 * k, little) : view.getFloat64(dataOffset + 8 * k, little);
  }
  return { rows, cols, data };
}
