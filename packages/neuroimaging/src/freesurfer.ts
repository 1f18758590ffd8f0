import { formatError } from './errors.js';

const WHERE = 'neuroimaging:freesurfer';
const HINT = 'Check that the file is a complete FreeSurfer surface (lh.pial, lh.white, …) or curvature file (lh.curv, lh.thickness, …).';

/** A FreeSurfer triangle surface (`lh.pial`, `lh.white`, `lh.inflated`, …). */
export interface FreeSurferSurface {
  file: string;
  /** vertices × 3 coordinates (x, y, z per vertex, row-major), in mm (surface RAS). */
  coords: Float32Array;
  /** faces × 3 vertex indices (row-major), counter-clockwise seen from outside. */
  faces: Int32Array;
  vertexCount: number;
  faceCount: number;
  /** The "created by …" line after the magic number. */
  createdBy: string;
}

/** A FreeSurfer per-vertex morphometry file (new format: `lh.curv`, `lh.thickness`, `lh.sulc`, …). */
export interface FreeSurferMorph {
  file: string;
  /** One value per vertex. */
  values: Float32Array;
  vertexCount: number;
  faceCount: number;
}

function magicOf(bytes: Uint8Array): number {
  return bytes.length >= 3 ? (bytes[0]! << 16) | (bytes[1]! << 8) | bytes[2]! : -1;
}

/**
 * Parses a FreeSurfer triangle surface as nibabel.freesurfer.read_geometry does: magic 0xFFFFFE,
 * a created-by line ended by two newlines, big-endian int32 vertex and face counts, float32
 * coordinates and int32 faces (trailing volume information is ignored). Quad surfaces (magic
 * 0xFFFFFF / 0xFFFFFD) are not supported. A damaged file is `E_FILE_FORMAT` naming `file`.
 *
 * @example
 * const pial = parseFreeSurferSurface(await readFile('surf/lh.pial'), 'surf/lh.pial');
 */
export function parseFreeSurferSurface(bytes: Uint8Array, file: string): FreeSurferSurface {
  const magic = magicOf(bytes);
  if (magic !== 0xfffffe) {
    const quad = magic === 0xffffff || magic === 0xfffffd;
    throw formatError(
      WHERE,
      file,
      quad ? 'is a quad surface, which is not supported' : 'is not a FreeSurfer triangle surface (no 0xFFFFFE magic)',
      HINT,
      {
        got: magic < 0 ? `${bytes.length} bytes` : `0x${magic.toString(16).toUpperCase()}`,
        expected: '0xFFFFFE',
      },
    );
  }
  // The created-by line ends in "\n"; FreeSurfer (and nibabel) write one more "\n" after it.
  const end = bytes.indexOf(0x0a, 3);
  if (end < 0 || end + 1 >= bytes.length) throw formatError(WHERE, file, 'is truncated in its created-by line', HINT);
  const createdBy = new TextDecoder().decode(bytes.subarray(3, end));
  const second = bytes.indexOf(0x0a, end + 1);
  if (second < 0) throw formatError(WHERE, file, 'is truncated after its created-by line', HINT);
  let at = second + 1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (at + 8 > bytes.length) throw formatError(WHERE, file, 'is truncated before its vertex and face counts', HINT);
  const vertexCount = view.getInt32(at, false);
  const faceCount = view.getInt32(at + 4, false);
  at += 8;
  if (vertexCount < 0 || faceCount < 0)
    throw formatError(WHERE, file, 'has negative vertex or face counts', HINT, { got: [vertexCount, faceCount] });
  const need = at + 12 * vertexCount + 12 * faceCount;
  if (need > bytes.length) {
    throw formatError(WHERE, file, 'is truncated: fewer coordinates or faces than its counts say', HINT, {
      got: `${bytes.length} bytes`,
      expected: `${need} (${vertexCount} vertices, ${faceCount} faces)`,
    });
  }
  const coords = new Float32Array(3 * vertexCount);
  for (let i = 0; i < coords.length; i++, at += 4) coords[i] = view.getFloat32(at, false);
  const faces = new Int32Array(3 * faceCount);
  for (let i = 0; i < faces.length; i++, at += 4) {
    const v = view.getInt32(at, false);
    if (v < 0 || v >= vertexCount) {
      throw formatError(WHERE, file, `face ${Math.floor(i / 3)} names a vertex that does not exist`, HINT, {
        got: v,
        expected: `0 to ${vertexCount - 1}`,
      });
    }
    faces[i] = v;
  }
  return { file, coords, faces, vertexCount, faceCount, createdBy };
}

/**
 * Parses a FreeSurfer morphometry file in the "new" format, as nibabel.freesurfer.read_morph_data:
 * magic 0xFFFFFF, big-endian int32 vertex count, face count and values per vertex (must be 1),
 * then float32 values. The old 3-byte format is not supported.
 */
export function parseFreeSurferMorph(bytes: Uint8Array, file: string): FreeSurferMorph {
  if (magicOf(bytes) !== 0xffffff) {
    throw formatError(WHERE, file, 'is not a new-format FreeSurfer curvature file (no 0xFFFFFF magic)', HINT);
  }
  if (bytes.length < 15) throw formatError(WHERE, file, 'is truncated in its header', HINT, { got: `${bytes.length} bytes` });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const vertexCount = view.getInt32(3, false);
  const faceCount = view.getInt32(7, false);
  const perVertex = view.getInt32(11, false);
  if (vertexCount < 0 || perVertex !== 1) {
    throw formatError(WHERE, file, 'has an invalid vertex count or values per vertex', HINT, {
      got: [vertexCount, perVertex],
      expected: 'values per vertex 1',
    });
  }
  if (15 + 4 * vertexCount > bytes.length) {
    throw formatError(WHERE, file, 'is truncated: fewer values than vertices', HINT, {
      got: `${bytes.length} bytes`,
      expected: 15 + 4 * vertexCount,
    });
  }
  const values = new Float32Array(vertexCount);
  for (let i = 0; i < vertexCount; i++) values[i] = view.getFloat32(15 + 4 * i, false);
  return { file, values, vertexCount, faceCount };
}
