import { voxelwiseError } from '@voxelwise/core';

/**
 * Encodes a FreeSurfer triangle surface (`lh.pial`, `lh.inflated`, …) as FreeSurfer's
 * `write_surface` and nibabel's `nibabel.freesurfer.io.write_geometry` write it: magic 0xFFFFFE, a
 * "created by" line followed by a blank line, big-endian int32 vertex and face counts, float32
 * coordinates (mm, surface RAS) and int32 vertex indices of counter-clockwise triangles.
 *
 * @example
 * await writeFile('lh.pial', encodeFreeSurferSurface(coords, faces));
 */
export function encodeFreeSurferSurface(
  coords: Float32Array,
  faces: Int32Array | Uint32Array,
  createdBy = 'created by voxelwise',
): Uint8Array {
  if (coords.length % 3 !== 0 || faces.length % 3 !== 0) {
    throw voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where: 'neuroimaging:freesurfer-write',
      message: `a surface needs 3 coordinates per vertex and 3 indices per face (got ${coords.length} coordinates, ${faces.length} indices)`,
    });
  }
  const nv = coords.length / 3;
  for (const f of faces) {
    if (f < 0 || f >= nv) {
      throw voxelwiseError({
        code: 'E_DATA_INVALID',
        where: 'neuroimaging:freesurfer-write',
        message: `a face names vertex ${f}, outside 0–${nv - 1}`,
      });
    }
  }
  const head = new TextEncoder().encode(`${createdBy.replace(/\n/g, ' ')}\n\n`);
  const out = new Uint8Array(3 + head.length + 8 + coords.length * 4 + faces.length * 4);
  out.set([0xff, 0xff, 0xfe], 0);
  out.set(head, 3);
  const view = new DataView(out.buffer);
  let at = 3 + head.length;
  view.setInt32(at, nv, false);
  view.setInt32(at + 4, faces.length / 3, false);
  at += 8;
  for (const c of coords) {
    view.setFloat32(at, c, false);
    at += 4;
  }
  for (const f of faces) {
    view.setInt32(at, f, false);
    at += 4;
  }
  return out;
}
