import { voxelwiseError } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';
import { readBytes } from './files.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const WHERE = 'features-basic:npy';

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

/** The header fields of a `.npy` file that voxelwise reads. */
interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

/** Parses the Python-literal header dict, e.g. `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 4), }`. */
function parseHeader(text: string, source: string): NpyHeader {
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
 * Parses a NumPy `.npy` file (format versions 1.0, 2.0 and 3.0) holding a float32 or float64
 * array of 1 or 2 dimensions in C order. A 1-D array of length n becomes an n × 1 matrix.
 * Little-endian data is viewed without a copy when it is aligned; big-endian data is byte-swapped.
 * Format: https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html
 *
 * @param bytes the whole file
 * @param source the file name, used in error messages
 * @example
 * const m = parseNpy(readFileSync('story01.npy'), 'story01.npy');
 */
export function parseNpy(bytes: Uint8Array, source = '<buffer>'): Matrix {
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
  const dataStart = headerStart + headerLen;
  if (dataStart > bytes.length) throw formatError(source, 'the file ends inside the .npy header', 'The file is truncated; write it again.');
  // Version 3.0 headers are UTF-8; 1.0 and 2.0 are latin-1, which is ASCII for every valid header.
  const headerText = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, dataStart));
  const header = parseHeader(headerText, source);

  const m = /^([<>|=])([fiucbSUVOMmc])(\d+)$/.exec(header.descr);
  const kind = m?.[2];
  const size = m ? Number(m[3]) : 0;
  if (!m || kind !== 'f' || (size !== 4 && size !== 8)) {
    throw formatError(
      source,
      `dtype "${header.descr}" is not supported`,
      'Convert the array to float32 or float64 first, e.g. np.save(path, arr.astype(np.float32)).',
      { got: header.descr, expected: ['<f4', '<f8'] },
    );
  }
  if (header.fortranOrder && header.shape.length > 1 && header.shape.every((d) => d > 1)) {
    throw formatError(
      source,
      'the array is stored in Fortran (column-major) order',
      'Save a C-ordered copy: np.save(path, np.ascontiguousarray(arr)).',
      { got: 'fortran_order: True', expected: 'fortran_order: False' },
    );
  }
  if (header.shape.length === 0 || header.shape.length > 2) {
    throw formatError(source, `the array has ${header.shape.length} dimensions`, 'Save one 2-D array (rows × features) per story.', {
      got: `(${header.shape.join(', ')})`,
      expected: '(rows, features) or (rows,)',
    });
  }
  const rows = header.shape[0]!;
  const cols = header.shape.length === 2 ? header.shape[1]! : 1;
  const count = rows * cols;
  const nBytes = count * size;
  if (bytes.length - dataStart < nBytes) {
    throw formatError(source, 'the file holds fewer bytes than its shape needs', 'The file is truncated; write it again.', {
      got: bytes.length - dataStart,
      expected: nBytes,
    });
  }
  const littleEndian = m[1] !== '>';
  const offset = bytes.byteOffset + dataStart;
  if (littleEndian && offset % size === 0) {
    const data = size === 4 ? new Float32Array(bytes.buffer, offset, count) : new Float64Array(bytes.buffer, offset, count);
    return { rows, cols, data };
  }
  const data = size === 4 ? new Float32Array(count) : new Float64Array(count);
  for (let k = 0; k < count; k++) {
    data[k] = size === 4 ? view.getFloat32(dataStart + 4 * k, littleEndian) : view.getFloat64(dataStart + 8 * k, littleEndian);
  }
  return { rows, cols, data };
}

/**
 * Reads a `.npy` file from disk with {@link parseNpy}.
 *
 * @example
 * const features = await readNpy('features/story01.npy');
 */
export async function readNpy(path: string): Promise<Matrix> {
  return parseNpy(await readBytes(path, WHERE, 'file'), path);
}
