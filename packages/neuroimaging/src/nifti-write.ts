import { gzipSync } from 'node:zlib';
import { voxelwiseError } from '@voxelwise/core';
import { writeFileAtomic } from '@voxelwise/io';
import { affineToQform, affinesClose, baseAffine, qformAffine } from './affine.js';
import type { Affine } from './affine.js';
import { codeOfElementType, elementTypeOf, encodeElements, bytesOf } from './datatypes.js';
import type { NumericArray } from './datatypes.js';
import type { NiftiHeader } from './nifti-header.js';

const WHERE = 'neuroimaging:nifti-write';

/** What {@link encodeNifti1} and {@link writeNifti1} write. */
export interface NiftiWriteOptions {
  /** The values in NIfTI order (column-major, x fastest); their type is the file's datatype. */
  data: NumericArray;
  /** The shape (x, y, z[, t, …]); its product must equal `data.length`. */
  shape: readonly number[];
  /**
   * The voxel-to-world affine. When it differs from the best affine of `source` (or no source is
   * given), it is stored as nibabel does on save: sform = affine with sform_code 2 (aligned), the
   * qform fields computed from it with qform_code 0 (nibabel `Nifti1Image._affine2header`).
   */
  affine?: Affine;
  /**
   * A header to copy: units, TR and other pixdims, intent, slice timing, description, and the
   * sform/qform (kept as they are when `affine` is omitted or equal to its best affine).
   */
  source?: NiftiHeader;
  /** The `descrip` field (80 bytes at most). @default source's, or empty */
  description?: string;
  /** Gzip the file. @default true when the path ends in `.gz` (writeNifti1), false for encodeNifti1 */
  gzip?: boolean;
}

function invalid(message: string, got: unknown, expected: unknown): Error {
  return voxelwiseError({
    code: 'E_DATA_INVALID',
    where: WHERE,
    message,
    got,
    expected,
    hint: 'Pass one value per voxel in x-fastest order.',
  });
}

/**
 * Encodes a NIfTI-1 single file (`n+1`, 352-byte header with an empty extension block,
 * little-endian). Data are stored unscaled in their own type: scl_slope 1 and scl_inter 0, as
 * nibabel saves data that need no scaling.
 */
export function encodeNifti1(options: NiftiWriteOptions): Uint8Array {
  const { data, shape, source } = options;
  if (shape.length < 1 || shape.length > 7 || shape.some((d) => !Number.isInteger(d) || d < 1 || d > 32767)) {
    throw invalid('the shape cannot be stored in a NIfTI-1 header', shape, '1 to 7 dimensions of 1 to 32767');
  }
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw invalid('the data length does not match the shape', data.length, count);
  const type = elementTypeOf(data);
  const size = bytesOf(type);
  const out = new Uint8Array(352 + count * size);
  const view = new DataView(out.buffer);
  const text = (at: number, length: number, value: string): void => {
    const b = new TextEncoder().encode(value).subarray(0, length);
    out.set(b, at);
  };
  const pixdim = source ? source.pixdim.slice(0, 8) : [1, 1, 1, 1, 1, 1, 1, 1];
  while (pixdim.length < 8) pixdim.push(1);
  let qformCode = source?.qformCode ?? 0;
  let sformCode = source?.sformCode ?? 0;
  let quatern = source?.quatern ?? [0, 0, 0];
  let qoffset = source?.qoffset ?? [0, 0, 0];
  let srow = source?.srow ?? [
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
  ];
  if (options.affine) {
    const best = bestAffineOf(shape, pixdim, qformCode, sformCode, quatern, qoffset, srow);
    if (!affinesClose(options.affine, best)) {
      const q = affineToQform(options.affine);
      sformCode = 2;
      qformCode = 0;
      srow = [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => options.affine![r]![c]!)) as [number[], number[], number[]];
      quatern = q.quatern;
      qoffset = q.offset;
      pixdim[0] = q.qfac;
      pixdim[1] = q.zooms[0];
      pixdim[2] = q.zooms[1];
      pixdim[3] = q.zooms[2];
    }
  }
  view.setInt32(0, 348, true);
  out[38] = 0x72; // regular = 'r', as nibabel writes
  out[39] = source?.dimInfo ?? 0;
  view.setInt16(40, shape.length, true);
  for (let a = 0; a < 7; a++) view.setInt16(42 + 2 * a, shape[a] ?? 1, true);
  const p = source?.intentP ?? [0, 0, 0];
  p.forEach((v, k) => view.setFloat32(56 + 4 * k, v, true));
  view.setInt16(68, source?.intentCode ?? 0, true);
  view.setInt16(70, codeOfElementType(type), true);
  view.setInt16(72, size * 8, true);
  view.setInt16(74, source?.sliceStart ?? 0, true);
  pixdim.forEach((v, k) => view.setFloat32(76 + 4 * k, v, true));
  view.setFloat32(108, 352, true);
  view.setFloat32(112, 1, true);
  view.setFloat32(116, 0, true);
  view.setInt16(120, source?.sliceEnd ?? 0, true);
  out[122] = source?.sliceCode ?? 0;
  out[123] = source?.xyztUnits ?? 0;
  view.setFloat32(124, source?.calMax ?? 0, true);
  view.setFloat32(128, source?.calMin ?? 0, true);
  view.setFloat32(132, source?.sliceDuration ?? 0, true);
  view.setFloat32(136, source?.toffset ?? 0, true);
  text(148, 79, options.description ?? source?.description ?? '');
  text(228, 23, source?.auxFile ?? '');
  view.setInt16(252, qformCode, true);
  view.setInt16(254, sformCode, true);
  quatern.forEach((v, k) => view.setFloat32(256 + 4 * k, v, true));
  qoffset.forEach((v, k) => view.setFloat32(268 + 4 * k, v, true));
  srow.forEach((row, r) => row.forEach((v, c) => view.setFloat32(280 + 16 * r + 4 * c, v, true)));
  text(328, 15, source?.intentName ?? '');
  text(344, 3, 'n+1');
  out.set(encodeElements(data, true), 352);
  return options.gzip ? new Uint8Array(gzipSync(out)) : out;
}

// The affine nibabel would report for these header fields (get_best_affine), to decide whether
// the given affine changes it; NIfTI-1 stores float32, so compare with the rounded values.
function bestAffineOf(
  shape: readonly number[],
  pixdim: number[],
  qformCode: number,
  sformCode: number,
  quatern: readonly [number, number, number],
  qoffset: readonly [number, number, number],
  srow: readonly number[][],
): Affine {
  const f = Math.fround;
  if (sformCode !== 0) return [...srow.map((r) => r.map(f)), [0, 0, 0, 1]];
  if (qformCode !== 0) {
    const q = qformAffine(
      quatern.map(f) as [number, number, number],
      qoffset.map(f) as [number, number, number],
      pixdim.map(f),
      -3 * 2 ** -23,
    );
    if (q) return q;
  }
  return baseAffine(shape, pixdim.map(f));
}

/**
 * Writes a NIfTI-1 file atomically (temporary file, fsync, rename; `@voxelwise/io`
 * writeFileAtomic); gzipped when the path ends in `.gz` unless `gzip` says otherwise.
 *
 * @example
 * await writeNifti1('r.nii.gz', { data: rMap, shape: [nx, ny, nz], affine: bold.affine, source: bold.header });
 */
export async function writeNifti1(file: string, options: NiftiWriteOptions): Promise<void> {
  const gzip = options.gzip ?? file.endsWith('.gz');
  await writeFileAtomic(file, encodeNifti1({ ...options, gzip }));
}
