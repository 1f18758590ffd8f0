import { unzipSync } from 'node:zlib';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { Affine } from './affine.js';
import { decodeElements, bytesOf } from './datatypes.js';
import type { ElementType, NumericArray } from './datatypes.js';
import { formatError, guardFormat } from './errors.js';
import type { GiftiCoordSystem, GiftiDataArray, GiftiImage, GiftiLabel } from './gifti-types.js';

const WHERE = 'neuroimaging:gifti';
const HINT = 'Check that the file is a complete GIfTI file (.gii), e.g. by opening it with nibabel.';

const TYPE_NAMES: Record<string, ElementType> = {
  NIFTI_TYPE_UINT8: 'uint8',
  NIFTI_TYPE_INT8: 'int8',
  NIFTI_TYPE_INT16: 'int16',
  NIFTI_TYPE_UINT16: 'uint16',
  NIFTI_TYPE_INT32: 'int32',
  NIFTI_TYPE_UINT32: 'uint32',
  NIFTI_TYPE_FLOAT32: 'float32',
  NIFTI_TYPE_FLOAT64: 'float64',
};

const ARRAYS = new Set(['DataArray', 'MD', 'Label', 'CoordinateSystemTransformMatrix']);

type Node = Record<string, unknown>;

function textOf(node: unknown): string {
  if (node === undefined || node === null) return '';
  if (typeof node === 'string') return node;
  if (typeof node === 'object') return textOf((node as Node)['#text']);
  return String(node);
}

function nodesOf(node: unknown, name: string): Node[] {
  if (typeof node !== 'object' || node === null) return [];
  const v = (node as Node)[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'object' && x !== null ? (x as Node) : { '#text': x }));
}

function attr(node: Node, name: string): string | undefined {
  const v = node[`@_${name}`];
  return v === undefined ? undefined : String(v);
}

function metaOf(node: unknown): Record<string, string> {
  const meta: Record<string, string> = {};
  for (const md of nodesOf(nodesOf(node, 'MetaData')[0], 'MD')) meta[textOf(md['Name']).trim()] = textOf(md['Value']);
  return meta;
}

/**
 * Parses a GIfTI file (`.func.gii`, `.surf.gii`, `.label.gii`, …; GIfTI 1.0 spec): every
 * DataArray with ASCII, Base64Binary or GZipBase64Binary data (zlib or gzip streams), either byte
 * order and either indexing order, the file and array metadata, coordinate systems and the label
 * table. Externally stored data (`ExternalFileBinary`) is not supported. A damaged file is
 * `E_FILE_FORMAT` naming `file`.
 *
 * @example
 * const surf = parseGifti(await readFile('lh.pial.surf.gii'), 'lh.pial.surf.gii');
 * const coords = surf.dataArrays.find((d) => d.intent === 'NIFTI_INTENT_POINTSET');
 */
export function parseGifti(bytes: Uint8Array, file: string): GiftiImage {
  const text = guardFormat(WHERE, file, HINT, () => new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    throw formatError(WHERE, file, `is not well-formed XML (line ${valid.err.line}: ${valid.err.msg})`, HINT);
  }
  const doc = guardFormat(
    WHERE,
    file,
    HINT,
    () =>
      new XMLParser({
        ignoreAttributes: false,
        attributeNamePrefix: '@_',
        parseTagValue: false,
        parseAttributeValue: false,
        trimValues: false,
        isArray: (name) => ARRAYS.has(name),
        // Data holds numbers or Base64 only: taken as raw text, it is not scanned for entities
        // (five times faster on a full hemisphere of time points).
        stopNodes: ['GIFTI.DataArray.Data'],
      }).parse(text) as Node,
  );
  const root = nodesOf(doc, 'GIFTI')[0];
  if (!root) throw formatError(WHERE, file, 'has no <GIFTI> root element', HINT);
  const dataArrays = nodesOf(root, 'DataArray').map((node, k) => readDataArray(node, k, file));
  const declared = attr(root, 'NumberOfDataArrays');
  if (declared !== undefined && Number(declared) !== dataArrays.length) {
    throw formatError(WHERE, file, 'holds a different number of DataArrays than NumberOfDataArrays says (truncated?)', HINT, {
      got: dataArrays.length,
      expected: Number(declared),
    });
  }
  const labels: GiftiLabel[] = nodesOf(nodesOf(root, 'LabelTable')[0], 'Label').map((node) => {
    const key = Number(attr(node, 'Key') ?? attr(node, 'Index'));
    if (!Number.isInteger(key)) throw formatError(WHERE, file, 'has a Label without an integer Key', HINT, { got: attr(node, 'Key') });
    const label: GiftiLabel = { key, label: textOf(node).trim() };
    for (const [field, name] of [
      ['red', 'Red'],
      ['green', 'Green'],
      ['blue', 'Blue'],
      ['alpha', 'Alpha'],
    ] as const) {
      const v = attr(node, name);
      if (v !== undefined) label[field] = Number(v);
    }
    return label;
  });
  return { file, version: attr(root, 'Version') ?? '', meta: metaOf(root), labels, dataArrays };
}

function readDataArray(node: Node, index: number, file: string): GiftiDataArray {
  const where = `DataArray ${index}`;
  const fail = (message: string, extra: { got?: unknown; expected?: unknown } = {}): Error =>
    formatError(WHERE, file, `${where}: ${message}`, HINT, extra);
  const typeName = attr(node, 'DataType') ?? '';
  const elementType = TYPE_NAMES[typeName];
  if (!elementType) throw fail('has an unsupported DataType', { got: typeName, expected: Object.keys(TYPE_NAMES) });
  const rank = Number(attr(node, 'Dimensionality'));
  if (!Number.isInteger(rank) || rank < 1 || rank > 6) throw fail('has an invalid Dimensionality', { got: attr(node, 'Dimensionality') });
  const dims: number[] = [];
  for (let a = 0; a < rank; a++) {
    const d = Number(attr(node, `Dim${a}`));
    if (!Number.isSafeInteger(d) || d < 0) throw fail(`has an invalid Dim${a}`, { got: attr(node, `Dim${a}`) });
    dims.push(d);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count * 8)) throw fail('is too large', { got: dims });
  const encoding = attr(node, 'Encoding') ?? '';
  if (encoding !== 'ASCII' && encoding !== 'Base64Binary' && encoding !== 'GZipBase64Binary') {
    throw fail('has an unsupported Encoding', {
      got: encoding,
      expected: ['ASCII', 'Base64Binary', 'GZipBase64Binary'],
    });
  }
  const endian = attr(node, 'Endian') ?? 'LittleEndian';
  if (endian !== 'LittleEndian' && endian !== 'BigEndian') throw fail('has an invalid Endian', { got: endian });
  const littleEndian = endian === 'LittleEndian';
  const order = attr(node, 'ArrayIndexingOrder') ?? 'RowMajorOrder';
  if (order !== 'RowMajorOrder' && order !== 'ColumnMajorOrder') throw fail('has an invalid ArrayIndexingOrder', { got: order });
  // Raw text (a stop node): unwrap a CDATA section if a writer used one.
  const rawContent = textOf(nodesOf(node, 'Data')[0]);
  const cdata = /^\s*<!\[CDATA\[([\s\S]*)\]\]>\s*$/.exec(rawContent);
  const content = cdata ? cdata[1]! : rawContent;
  let data: NumericArray;
  if (encoding === 'ASCII') {
    const tokens = content.split(/\s+/).filter((s) => s !== '');
    if (tokens.length !== count) throw fail('holds a different number of values than its Dims', { got: tokens.length, expected: count });
    const values = tokens.map(Number);
    const bad = tokens.findIndex((t, k) => Number.isNaN(values[k]) && !/^[+-]?nan$/i.test(t));
    if (bad >= 0) throw fail('holds a value that is not a number', { got: tokens[bad] });
    data = fromNumbers(values, elementType);
  } else {
    const packed = content.replace(/\s+/g, '');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(packed)) throw fail('holds characters that are not Base64');
    let raw: Uint8Array = new Uint8Array(Buffer.from(packed, 'base64'));
    if (encoding === 'GZipBase64Binary') {
      try {
        // nibabel writes zlib streams (zlib.compress); gzip streams are accepted too.
        raw = new Uint8Array(unzipSync(raw));
      } catch (e) {
        throw formatError(WHERE, file, `${where}: the compressed data is damaged (${(e as Error).message})`, HINT, { cause: e });
      }
    }
    const size = bytesOf(elementType);
    if (raw.length !== count * size) {
      throw fail('holds a different number of bytes than its Dims and DataType need', { got: raw.length, expected: count * size });
    }
    data = decodeElements(raw, 0, count, elementType, littleEndian);
  }
  if (order === 'ColumnMajorOrder' && rank > 1) data = toRowMajor(data, dims);
  const coordSystems: GiftiCoordSystem[] = nodesOf(node, 'CoordinateSystemTransformMatrix').map((cs) => {
    const values = textOf(nodesOf(cs, 'MatrixData')[0])
      .split(/\s+/)
      .filter((s) => s !== '')
      .map(Number);
    if (values.length !== 16 || values.some((v) => !Number.isFinite(v))) {
      throw fail('has a CoordinateSystemTransformMatrix that is not 16 numbers', { got: values.length });
    }
    const matrix: Affine = [0, 1, 2, 3].map((r) => values.slice(4 * r, 4 * r + 4));
    return {
      dataSpace: textOf(nodesOf(cs, 'DataSpace')[0]).trim(),
      transformedSpace: textOf(nodesOf(cs, 'TransformedSpace')[0]).trim(),
      matrix,
    };
  });
  return {
    intent: attr(node, 'Intent') ?? 'NIFTI_INTENT_NONE',
    elementType,
    dims,
    data,
    encoding,
    littleEndian,
    indexingOrder: order,
    meta: metaOf(node),
    coordSystems,
  };
}

function fromNumbers(values: number[], type: ElementType): NumericArray {
  switch (type) {
    case 'uint8':
      return Uint8Array.from(values);
    case 'int8':
      return Int8Array.from(values);
    case 'int16':
      return Int16Array.from(values);
    case 'uint16':
      return Uint16Array.from(values);
    case 'int32':
      return Int32Array.from(values);
    case 'uint32':
      return Uint32Array.from(values);
    case 'float32':
      return Float32Array.from(values);
    default:
      return Float64Array.from(values);
  }
}

/** Reorders column-major (first index fastest) values into row-major (last index fastest). */
function toRowMajor(data: NumericArray, dims: number[]): NumericArray {
  const out = data.slice();
  const n = dims.length;
  const colStride: number[] = [];
  let s = 1;
  for (let a = 0; a < n; a++) {
    colStride.push(s);
    s *= dims[a]!;
  }
  const idx = new Array<number>(n).fill(0);
  for (let r = 0; r < data.length; r++) {
    let c = 0;
    for (let a = 0; a < n; a++) c += idx[a]! * colStride[a]!;
    out[r] = data[c]!;
    for (let a = n - 1; a >= 0; a--) {
      idx[a]!++;
      if (idx[a]! < dims[a]!) break;
      idx[a] = 0;
    }
  }
  return out;
}
