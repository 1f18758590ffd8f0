import { voxelwiseError } from '@voxelwise/core';
import type { NiftiImage } from './nifti-header.js';

/**
 * The flat index of voxel (x, y, z, t) in NIfTI's column-major order (x fastest):
 * `x + nx·(y + ny·(z + nz·t))`. Out-of-range coordinates are `E_DATA_INVALID`.
 */
export function voxelIndex(shape: readonly number[], x: number, y = 0, z = 0, t = 0): number {
  const coords = [x, y, z, t];
  let index = 0;
  let stride = 1;
  for (let a = 0; a < 4; a++) {
    const n = a < shape.length ? shape[a]! : 1;
    const c = coords[a]!;
    if (!Number.isInteger(c) || c < 0 || c >= n) {
      throw voxelwiseError({
        code: 'E_DATA_INVALID',
        where: 'neuroimaging:index',
        message: `voxel coordinate ${'xyzt'[a]} is out of range`,
        got: c,
        expected: `an integer in [0, ${n - 1}]`,
      });
    }
    index += c * stride;
    stride *= n;
  }
  return index;
}

/** Number of voxels in one 3-D volume: nx·ny·nz. */
export function volumeSize(shape: readonly number[]): number {
  return (shape[0] ?? 1) * (shape[1] ?? 1) * (shape[2] ?? 1);
}

/**
 * The data of an image scaled as nibabel's `img.get_fdata()`: float64, `raw · scl_slope +
 * scl_inter` when the header's scaling is valid (slope finite and non-zero), the raw values
 * otherwise; same column-major order as {@link NiftiImage.data}.
 */
export function niftiFdata(image: NiftiImage): Float64Array {
  const out = Float64Array.from(image.data as ArrayLike<number>);
  const s = image.scaling;
  if (!s || (s.slope === 1 && s.inter === 0)) return out;
  // nibabel.volumeutils.apply_read_scaling: multiply, then add, each in float64.
  for (let i = 0; i < out.length; i++) {
    let v = out[i]!;
    if (s.slope !== 1) v *= s.slope;
    if (s.inter !== 0) v += s.inter;
    out[i] = v;
  }
  return out;
}

/** The time series of voxel (x, y, z) across the 4th dimension, scaled as {@link niftiFdata}. */
export function voxelTimeSeries(image: NiftiImage, x: number, y: number, z: number): Float64Array {
  const shape = image.header.shape;
  const nt = shape[3] ?? 1;
  const first = voxelIndex(shape, x, y, z, 0);
  const stride = volumeSize(shape);
  const slope = image.scaling?.slope ?? 1;
  const inter = image.scaling?.inter ?? 0;
  const out = new Float64Array(nt);
  for (let t = 0; t < nt; t++) {
    let v = image.data[first + t * stride]!;
    if (slope !== 1) v *= slope;
    if (inter !== 0) v += inter;
    out[t] = v;
  }
  return out;
}
