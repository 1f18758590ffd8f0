import { voxelwiseError } from '@voxelwise/core';
import type { Affine } from './affine.js';

const WHERE = 'neuroimaging:vol-to-surf';

/** A triangle mesh: vertex coordinates in world mm (x, y, z per vertex) and faces (3 vertex indices each). */
export interface TriangleMesh {
  /** vertices × 3, row-major. */
  readonly coords: ArrayLike<number>;
  /** faces × 3 vertex indices, row-major, counter-clockwise seen from outside. */
  readonly faces: ArrayLike<number>;
}

/** A 3-D or 4-D volume in NIfTI order (x fastest, then y, z, t) with its voxel-to-world affine. */
export interface SampledVolume {
  /** Values, `shape` order with x fastest (`niftiFdata(image)` gives them scaled). */
  readonly data: ArrayLike<number>;
  /** `[nx, ny, nz]` or `[nx, ny, nz, nt]`. */
  readonly shape: readonly number[];
  /** Voxel `(i, j, k, 1)` to world mm, 4×4 row-major (`image.affine`). */
  readonly affine: Affine;
}

/** Options of {@link volToSurf}; the defaults are those of nilearn 0.10's `vol_to_surf`. */
export interface VolToSurfOptions {
  /** Half length in mm of the segment sampled along each vertex normal. @default 3 */
  readonly radius?: number;
  /** Samples per vertex, evenly spaced from +radius (outside) to −radius (inside). @default 10 */
  readonly nSamples?: number;
  /**
   * A brain mask on the volume's grid (x fastest, `nx·ny·nz` values): samples whose voxel
   * (`floor` of the sample position) is 0 in the mask are left out, as nilearn's `mask_img`.
   */
  readonly mask?: ArrayLike<number>;
  /** Where to write the result (`nt × nVertices`); a new Float64Array when not given. */
  readonly out?: Float32Array | Float64Array;
}

/**
 * Unit outward normal of every vertex: the sum of the unit normals (right-hand rule) of the faces
 * around it, normalised; a vertex in no face gets (0, 0, 0).
 * nilearn `nilearn/surface/surface.py::_vertex_outer_normals` (with `_face_outer_normals`).
 */
export function vertexNormals(mesh: TriangleMesh): Float64Array {
  const { coords, faces } = mesh;
  const nV = coords.length / 3;
  const normals = new Float64Array(nV * 3);
  for (let f = 0; f + 2 < faces.length; f += 3) {
    const a = faces[f]!;
    const b = faces[f + 1]!;
    const c = faces[f + 2]!;
    const ux = coords[3 * b]! - coords[3 * a]!;
    const uy = coords[3 * b + 1]! - coords[3 * a + 1]!;
    const uz = coords[3 * b + 2]! - coords[3 * a + 2]!;
    const vx = coords[3 * c]! - coords[3 * a]!;
    const vy = coords[3 * c + 1]! - coords[3 * a + 1]!;
    const vz = coords[3 * c + 2]! - coords[3 * a + 2]!;
    let nx = uy * vz - uz * vy;
    let ny = uz * vx - ux * vz;
    let nz = ux * vy - uy * vx;
    // sklearn.preprocessing.normalize leaves a zero vector (degenerate face) at zero.
    const len = Math.hypot(nx, ny, nz);
    if (len > 0) [nx, ny, nz] = [nx / len, ny / len, nz / len];
    for (const v of [a, b, c]) {
      normals[3 * v] = normals[3 * v]! + nx;
      normals[3 * v + 1] = normals[3 * v + 1]! + ny;
      normals[3 * v + 2] = normals[3 * v + 2]! + nz;
    }
  }
  for (let v = 0; v < nV; v++) {
    const len = Math.hypot(normals[3 * v]!, normals[3 * v + 1]!, normals[3 * v + 2]!) || 1;
    for (let r = 0; r < 3; r++) normals[3 * v + r] = normals[3 * v + r]! / len;
  }
  return normals;
}

/** The inverse of a 4×4 affine (Gauss–Jordan with partial pivoting); undefined when singular. */
function invertAffine(m: Affine): number[][] | undefined {
  const a = m.map((row, r) => [...row.slice(0, 4), ...[0, 1, 2, 3].map((c) => (c === r ? 1 : 0))]);
  for (let col = 0; col < 4; col++) {
    let pivot = col;
    for (let r = col + 1; r < 4; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    if (!(Math.abs(a[pivot]![col]!) > 1e-12)) return undefined;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]!;
    for (let c = 0; c < 8; c++) a[col]![c]! /= p;
    for (let r = 0; r < 4; r++) {
      if (r === col) continue;
      const f = a[r]![col]!;
      if (f !== 0) for (let c = 0; c < 8; c++) a[r]![c] = a[r]![c]! - f * a[col]![c]!;
    }
  }
  return a.map((row) => row.slice(4));
}

/**
 * Sample positions in voxel coordinates, `nVertices × nSamples × 3`: for each vertex, `nSamples`
 * points on its normal at offsets `linspace(radius, −radius, nSamples)` mm, mapped through the
 * inverse affine. nilearn `nilearn/surface/surface.py::_line_sample_locations` (kind 'line').
 */
export function lineSampleLocations(
  mesh: TriangleMesh,
  affine: Affine,
  options: Pick<VolToSurfOptions, 'radius' | 'nSamples'> = {},
): Float64Array {
  const radius = options.radius ?? 3;
  const n = options.nSamples ?? 10;
  if (!(radius >= 0) || !Number.isInteger(n) || n < 1) {
    throw voxelwiseError({
      code: 'E_OPTIONS_INVALID',
      where: WHERE,
      message: `radius must be ≥ 0 and nSamples a positive integer (got radius ${radius}, nSamples ${n})`,
      hint: 'Use the defaults (radius 3 mm, 10 samples) unless you reproduce other nilearn settings.',
    });
  }
  const inv = invertAffine(affine);
  if (!inv) {
    throw voxelwiseError({
      code: 'E_DATA_INVALID',
      where: WHERE,
      message: 'the volume affine is singular',
      got: affine,
      hint: 'Check the NIfTI header (sform/qform) of the volume.',
    });
  }
  const normals = vertexNormals(mesh);
  const nV = mesh.coords.length / 3;
  // np.linspace(radius, -radius, n): k·step + start, the last point exactly −radius.
  const step = n > 1 ? (-2 * radius) / (n - 1) : 0;
  const offsets = Array.from({ length: n }, (_, k) => (n > 1 && k === n - 1 ? -radius : k * step + radius));
  const out = new Float64Array(nV * n * 3);
  for (let v = 0; v < nV; v++) {
    for (let s = 0; s < n; s++) {
      const o = offsets[s]!;
      const x = mesh.coords[3 * v]! + normals[3 * v]! * o;
      const y = mesh.coords[3 * v + 1]! + normals[3 * v + 1]! * o;
      const z = mesh.coords[3 * v + 2]! + normals[3 * v + 2]! * o;
      const at = 3 * (v * n + s);
      for (let r = 0; r < 3; r++) out[at + r] = inv[r]![0]! * x + inv[r]![1]! * y + inv[r]![2]! * z + inv[r]![3]!;
    }
  }
  return out;
}

/** A projection set up once for a mesh and a voxel grid, applied to one volume at a time. */
export interface VolToSurfProjector {
  readonly nVertices: number;
  /** `nx·ny·nz`: values per volume. */
  readonly volumeSize: number;
  /**
   * Projects one 3-D volume (`volumeSize` values from `offset` of `data`, x fastest) into `out`
   * from `outOffset` (`nVertices` values; a new Float64Array when not given).
   */
  project(data: ArrayLike<number>, offset?: number, out?: Float32Array | Float64Array, outOffset?: number): Float32Array | Float64Array;
}

/**
 * Sets up {@link volToSurf} for a mesh and a grid (`shape` of at least 3 dimensions, `affine`): the
 * sample points, their voxel corners and trilinear weights are computed once, so a long 4-D
 * series can be projected volume by volume without holding it whole.
 *
 * @example
 * const projector = volToSurfProjector(pial, { shape: header.shape, affine });
 * for (let t = 0; t < nt; t++) projector.project(frame(t), 0, rows, t * projector.nVertices);
 */
export function volToSurfProjector(
  mesh: TriangleMesh,
  grid: { readonly shape: readonly number[]; readonly affine: Affine },
  options: Omit<VolToSurfOptions, 'out'> = {},
): VolToSurfProjector {
  const [nx = 0, ny = 0, nz = 0] = grid.shape;
  const size = nx * ny * nz;
  if (grid.shape.length < 3 || nx < 2 || ny < 2 || nz < 2) {
    throw voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where: WHERE,
      message: `the volume must be 3-D or 4-D with at least 2 voxels along x, y and z (got shape [${grid.shape.join(', ')}])`,
      hint: 'Pass niftiFdata(image) with image.header.shape.',
    });
  }
  if (mesh.coords.length % 3 !== 0 || mesh.faces.length % 3 !== 0) {
    throw voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where: WHERE,
      message: `mesh coords and faces must hold 3 numbers per vertex / face (got ${mesh.coords.length} and ${mesh.faces.length})`,
    });
  }
  if (options.mask && options.mask.length !== size) {
    throw voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where: WHERE,
      message: `the mask must have one value per voxel of the volume (got ${options.mask.length}, expected ${size})`,
      hint: 'Resample the mask to the image grid first, as nilearn does.',
    });
  }
  const n = options.nSamples ?? 10;
  const nV = mesh.coords.length / 3;
  const locations = lineSampleLocations(mesh, grid.affine, options);
  // Corner indices and weights of every kept sample, computed once for all volumes.
  const dims = [nx, ny, nz];
  const strides = [1, nx, nx * ny];
  const corners = new Int32Array(nV * n * 8);
  const weights = new Float64Array(nV * n * 8);
  const kept = new Uint8Array(nV * n);
  for (let s = 0; s < nV * n; s++) {
    const base = [0, 0, 0];
    const frac = [0, 0, 0];
    let inside = true;
    for (let d = 0; d < 3; d++) {
      const x = locations[3 * s + d]!;
      const len = dims[d]!;
      if (!(x >= 0 && x < len)) inside = false;
      // scipy RegularGridInterpolator._find_indices: searchsorted(grid, x) − 1, clipped to [0, n−2].
      let i = Math.ceil(x) - 1;
      if (i < 0) i = 0;
      if (i > len - 2) i = len - 2;
      base[d] = i;
      frac[d] = x - i;
    }
    if (!inside) continue;
    if (options.mask) {
      const vox = Math.floor(locations[3 * s]!) + nx * (Math.floor(locations[3 * s + 1]!) + ny * Math.floor(locations[3 * s + 2]!));
      if (options.mask[vox] === 0) continue;
    }
    kept[s] = 1;
    for (let c = 0; c < 8; c++) {
      let idx = 0;
      let w = 1;
      for (let d = 0; d < 3; d++) {
        const up = (c >> d) & 1;
        idx += (base[d]! + up) * strides[d]!;
        w *= up ? frac[d]! : 1 - frac[d]!;
      }
      corners[8 * s + c] = idx;
      weights[8 * s + c] = w;
    }
  }
  return {
    nVertices: nV,
    volumeSize: size,
    project(data, offset = 0, out = new Float64Array(nV), outOffset = 0) {
      if (offset < 0 || offset + size > data.length || outOffset < 0 || outOffset + nV > out.length) {
        throw voxelwiseError({
          code: 'E_SHAPE_MISMATCH',
          where: WHERE,
          message: `project needs ${size} values from offset ${offset} (got ${data.length}) and room for ${nV} from outOffset ${outOffset} (got ${out.length})`,
        });
      }
      for (let v = 0; v < nV; v++) {
        let sum = 0;
        let count = 0;
        for (let k = 0; k < n; k++) {
          const s = v * n + k;
          if (!kept[s]) continue;
          let value = 0;
          for (let c = 0; c < 8; c++) value += data[offset + corners[8 * s + c]!]! * weights[8 * s + c]!;
          // A NaN corner makes the sample NaN (scipy multiplies it even by a zero weight); nanmean skips it.
          if (Number.isNaN(value)) continue;
          sum += value;
          count++;
        }
        out[outOffset + v] = count > 0 ? sum / count : Number.NaN;
      }
      return out;
    },
  };
}

/**
 * Projects a volume onto a surface mesh as LITcoder's `SurfaceProcessor` does
 * (GT-LIT-Lab/litcoder_core `encoding/brain_projection/project.py`, which calls nilearn's
 * `vol_to_surf` with its defaults): nilearn `nilearn/surface/surface.py::vol_to_surf` with
 * `kind='line'`, `radius=3`, `n_samples=10`, `interpolation='linear'` (nilearn 0.10 defaults).
 *
 * For each vertex, 10 points on its outward normal from +3 mm to −3 mm are sampled by trilinear
 * interpolation (scipy `RegularGridInterpolator(method='linear', bounds_error=False,
 * fill_value=None)`: positions in the last half-open cell `[n−1, n)` are extrapolated from the
 * last cell); points outside `[0, n)` on any axis, or in a zero voxel of `mask`, are left out,
 * and the vertex value is the mean of the rest (NaN when none is left, as `np.nanmean`).
 *
 * Returns `nt × nVertices` values, row-major (one row per volume of a 4-D image; one row for 3-D).
 *
 * @example
 * const bold = await readNifti('sub-01_task-pieman_space-MNI152NLin2009cAsym_bold.nii.gz');
 * const pial = await readSurfaceMesh('fsaverage5/surf/lh.pial');
 * const left = volToSurf({ data: niftiFdata(bold), shape: bold.header.shape, affine: bold.affine }, pial);
 */
export function volToSurf(volume: SampledVolume, mesh: TriangleMesh, options: VolToSurfOptions = {}): Float32Array | Float64Array {
  const [nx = 0, ny = 0, nz = 0] = volume.shape;
  const nt = volume.shape.length > 3 ? volume.shape.slice(3).reduce((a, b) => a * b, 1) : 1;
  const projector = volToSurfProjector(mesh, volume, options);
  if (volume.data.length !== nx * ny * nz * nt) {
    throw voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where: WHERE,
      message: `the volume must hold shape's number of values (got shape [${volume.shape.join(', ')}], ${volume.data.length} values)`,
      hint: 'Pass niftiFdata(image) with image.header.shape.',
    });
  }
  const nV = projector.nVertices;
  const out = options.out ?? new Float64Array(nt * nV);
  if (out.length !== nt * nV) {
    throw voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where: WHERE,
      message: `options.out must hold nt × nVertices = ${nt * nV} values (got ${out.length})`,
    });
  }
  for (let t = 0; t < nt; t++) projector.project(volume.data, t * projector.volumeSize, out, t * nV);
  return out;
}
