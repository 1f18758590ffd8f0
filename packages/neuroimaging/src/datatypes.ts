/** The typed arrays a NIfTI or GIfTI data block is returned as. */
export type NumericArray = Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

/** Names of the element types both formats share (NIfTI-1 datatype codes, GIfTI `NIFTI_TYPE_*`). */
export type ElementType = 'uint8' | 'int8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'float32' | 'float64';

interface TypeInfo {
  code: number;
  bytes: 1 | 2 | 4 | 8;
  make: (buffer: ArrayBuffer) => NumericArray;
}

// NIfTI-1 datatype codes, nifti1.h (NIFTI_TYPE_*); GIfTI uses the same names (GIfTI 1.0 spec, DataType).
const TYPES: Record<ElementType, TypeInfo> = {
  uint8: { code: 2, bytes: 1, make: (b) => new Uint8Array(b) },
  int16: { code: 4, bytes: 2, make: (b) => new Int16Array(b) },
  int32: { code: 8, bytes: 4, make: (b) => new Int32Array(b) },
  float32: { code: 16, bytes: 4, make: (b) => new Float32Array(b) },
  float64: { code: 64, bytes: 8, make: (b) => new Float64Array(b) },
  int8: { code: 256, bytes: 1, make: (b) => new Int8Array(b) },
  uint16: { code: 512, bytes: 2, make: (b) => new Uint16Array(b) },
  uint32: { code: 768, bytes: 4, make: (b) => new Uint32Array(b) },
};

/** The element type of a NIfTI datatype code, or undefined for codes not supported (complex, RGB, 64-bit integers). */
export function elementTypeOfCode(code: number): ElementType | undefined {
  return (Object.keys(TYPES) as ElementType[]).find((k) => TYPES[k].code === code);
}

/** The NIfTI datatype code of an element type. */
export function codeOfElementType(type: ElementType): number {
  return TYPES[type].code;
}

/** Bytes per element. */
export function bytesOf(type: ElementType): 1 | 2 | 4 | 8 {
  return TYPES[type].bytes;
}

/** The element type of a typed array. */
export function elementTypeOf(data: NumericArray): ElementType {
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof Float32Array) return 'float32';
  return 'float64';
}

/**
 * Copies `count` elements of `type` starting at `offset` of `bytes` into a fresh typed array,
 * swapping bytes when the file's order is not the machine's (Node runs little-endian hosts only).
 */
export function decodeElements(bytes: Uint8Array, offset: number, count: number, type: ElementType, littleEndian: boolean): NumericArray {
  const size = TYPES[type].bytes;
  const copy = bytes.slice(offset, offset + count * size);
  if (!littleEndian && size > 1) swapInPlace(copy, size);
  return TYPES[type].make(copy.buffer);
}

/** The little-endian bytes of a typed array (a copy when it must be swapped, a view otherwise). */
export function encodeElements(data: NumericArray, littleEndian: boolean): Uint8Array {
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (littleEndian || data.BYTES_PER_ELEMENT === 1) return view;
  const copy = view.slice();
  swapInPlace(copy, data.BYTES_PER_ELEMENT);
  return copy;
}

function swapInPlace(bytes: Uint8Array, size: number): void {
  for (let i = 0; i + size <= bytes.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = bytes[a]!;
      bytes[a] = bytes[b]!;
      bytes[b] = t;
    }
  }
}
