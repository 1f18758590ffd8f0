import { readFile } from 'node:fs/promises';
import { fsError } from '@voxelwise/io';
import { formatError } from './errors.js';
import { parseFreeSurferSurface } from './freesurfer.js';
import { parseGifti } from './gifti-read.js';

const WHERE = 'neuroimaging:mesh';

/** A triangle surface read from a GIfTI `.surf.gii` or a FreeSurfer binary, whichever the file is. */
export interface SurfaceMesh {
  file: string;
  /** vertices × 3 coordinates in mm, row-major. */
  coords: Float32Array;
  /** faces × 3 vertex indices, row-major. */
  faces: Int32Array;
  vertexCount: number;
  faceCount: number;
}

function isGifti(bytes: Uint8Array, file: string): boolean {
  // FreeSurfer surfaces start with their magic 0xFF 0xFF 0xFE; GIfTI files with XML text.
  return /\.gii$/i.test(file) || (bytes.length > 0 && bytes[0] !== 0xff);
}

/**
 * Parses a triangle mesh: GIfTI (a `NIFTI_INTENT_POINTSET` and a `NIFTI_INTENT_TRIANGLE`
 * DataArray, as fMRIPrep's and nilearn's `.surf.gii`) or a FreeSurfer surface (`lh.pial`,
 * `lh.inflated`, …), told apart by the name (`.gii`) or the FreeSurfer magic number.
 * A GIfTI file without both arrays is `E_FILE_FORMAT` naming it.
 */
export function parseSurfaceMesh(bytes: Uint8Array, file: string): SurfaceMesh {
  if (!isGifti(bytes, file)) {
    const fs = parseFreeSurferSurface(bytes, file);
    return { file, coords: fs.coords, faces: fs.faces, vertexCount: fs.vertexCount, faceCount: fs.faceCount };
  }
  const gii = parseGifti(bytes, file);
  const points = gii.dataArrays.find((d) => d.intent === 'NIFTI_INTENT_POINTSET');
  const triangles = gii.dataArrays.find((d) => d.intent === 'NIFTI_INTENT_TRIANGLE');
  if (!points || !triangles || points.dims[1] !== 3 || triangles.dims[1] !== 3) {
    throw formatError(
      WHERE,
      file,
      `is not a surface mesh: it needs an N×3 NIFTI_INTENT_POINTSET and an M×3 NIFTI_INTENT_TRIANGLE data array (got ${gii.dataArrays.map((d) => `${d.intent} [${d.dims.join('×')}]`).join(', ') || 'none'})`,
      'Point to a .surf.gii (pial, white, inflated, …) or a FreeSurfer surface, not a .func.gii map.',
    );
  }
  const coords = Float32Array.from(points.data as ArrayLike<number>);
  const faces = Int32Array.from(triangles.data as ArrayLike<number>);
  const vertexCount = coords.length / 3;
  for (const f of faces) {
    if (!(f >= 0 && f < vertexCount)) {
      throw formatError(WHERE, file, `has a face with vertex index ${f}, outside 0..${vertexCount - 1}`, 'The file is damaged.');
    }
  }
  return { file, coords, faces, vertexCount, faceCount: faces.length / 3 };
}

/**
 * Reads a triangle mesh file (GIfTI or FreeSurfer): {@link parseSurfaceMesh}; a missing file is
 * `E_FILE_NOT_FOUND`.
 *
 * @example
 * const pial = await readSurfaceMesh('fsaverage5/surf/lh.pial');
 * const inflated = await readSurfaceMesh('tpl-fsaverage_hemi-L_den-10k_inflated.surf.gii');
 */
export async function readSurfaceMesh(file: string): Promise<SurfaceMesh> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (e) {
    throw fsError(e, file, WHERE, 'read');
  }
  return parseSurfaceMesh(bytes, file);
}
