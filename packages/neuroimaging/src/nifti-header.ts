import type { Affine } from './affine.js';
import type { ElementType, NumericArray } from './datatypes.js';

/**
 * A NIfTI-1 or NIfTI-2 header as stored (nifti1.h / nifti2.h field names in camelCase). Values
 * are the file's, unchanged: scaling is not applied here (see {@link niftiFdata}).
 */
export interface NiftiHeader {
  /** 1 for NIfTI-1 (348-byte header), 2 for NIfTI-2 (540 bytes). */
  version: 1 | 2;
  littleEndian: boolean;
  /** `magic`: `n+1` / `n+2` for a single file. */
  magic: string;
  /** The data shape, `dim[1..dim[0]]` (x, y, z, t, …). */
  shape: number[];
  /** The full `dim[0..7]` field. */
  dim: number[];
  /** The full `pixdim[0..7]` field: pixdim[0] is qfac, pixdim[1..3] voxel sizes, pixdim[4] the TR. */
  pixdim: number[];
  /** NIfTI datatype code (16 = float32, …). */
  datatype: number;
  /** The element type of the data block. */
  elementType: ElementType;
  bitpix: number;
  /** Byte offset of the data in the (uncompressed) file. */
  voxOffset: number;
  sclSlope: number;
  sclInter: number;
  qformCode: number;
  sformCode: number;
  /** quatern_b, quatern_c, quatern_d. */
  quatern: [number, number, number];
  /** qoffset_x, qoffset_y, qoffset_z. */
  qoffset: [number, number, number];
  /** The sform rows srow_x, srow_y, srow_z (4 values each). */
  srow: [number[], number[], number[]];
  xyztUnits: number;
  intentCode: number;
  intentName: string;
  intentP: [number, number, number];
  calMin: number;
  calMax: number;
  sliceDuration: number;
  sliceStart: number;
  sliceEnd: number;
  sliceCode: number;
  dimInfo: number;
  toffset: number;
  description: string;
  auxFile: string;
}

/** A NIfTI image read whole: its header, the affines nibabel reports, and the unscaled data. */
export interface NiftiImage {
  /** The file it was read from (named in errors). */
  file: string;
  header: NiftiHeader;
  /**
   * The affine nibabel's `img.affine` gives (`get_best_affine`): the sform if sform_code ≠ 0,
   * else the qform if qform_code ≠ 0, else the fallback of {@link baseAffine}.
   */
  affine: Affine;
  /** `get_qform(coded=True)`: null when qform_code is 0 (or the quaternion is invalid). */
  qform: Affine | null;
  /** `get_sform(coded=True)`: null when sform_code is 0. */
  sform: Affine | null;
  /**
   * The data block as stored (the header's element type, byte order fixed), unscaled, in the
   * file's order: column-major, x fastest, then y, z, t. Index it with {@link voxelIndex}.
   */
  data: NumericArray;
  /**
   * nibabel's `header.get_slope_inter()`: `{ slope, inter }` or null when scl_slope is 0 or not
   * finite (no scaling).
   */
  scaling: { slope: number; inter: number } | null;
}
