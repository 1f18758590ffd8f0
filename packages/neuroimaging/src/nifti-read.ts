import { NIFTI1, NIFTI2, isNIFTI1, isNIFTI2, readHeader } from 'nifti-reader-js';
import { baseAffine, qformAffine } from './affine.js';
import type { Affine } from './affine.js';
import { decodeElements, elementTypeOfCode, bytesOf } from './datatypes.js';
import { formatError, guardFormat } from './errors.js';
import { maybeGunzip } from './gzip.js';
import type { NiftiHeader, NiftiImage } from './nifti-header.js';

const WHERE = 'neuroimaging:nifti';
const HINT = 'Check that the file is a complete NIfTI-1 or NIfTI-2 image (.nii or .nii.gz), e.g. by opening it with nibabel.';
// nibabel's Nifti1Header / Nifti2Header.quaternion_threshold: -3 eps of the stored precision.
const THRESHOLD_1 = -3 * 2 ** -23;
const THRESHOLD_2 = -3 * 2 ** -52;

/**
 * Reads a NIfTI-1 or NIfTI-2 single file (`.nii`, or gzipped `.nii.gz`, detected by its magic
 * bytes) whole. The header is parsed by nifti-reader-js; the sform/qform affines follow nibabel
 * (see {@link NiftiImage.affine}); the data block is returned unscaled in the file's column-major
 * order. A truncated or damaged file is `E_FILE_FORMAT` naming `file`.
 *
 * @example
 * const img = parseNifti(await readFile('bold.nii.gz'), 'bold.nii.gz');
 * const v = niftiFdata(img)[voxelIndex(img.header.shape, 10, 20, 30, 0)];
 */
export function parseNifti(input: Uint8Array, file: string): NiftiImage {
  const bytes = maybeGunzip(input, file, WHERE);
  const { header, ...rest } = parseNiftiHeader(bytes, file);
  const count = header.shape.reduce((a, b) => a * b, 1);
  const size = bytesOf(header.elementType);
  if (header.voxOffset + count * size > bytes.length) {
    throw formatError(WHERE, file, 'is truncated: the data block is shorter than the header says', HINT, {
      got: `${bytes.length - header.voxOffset} bytes of data`,
      expected: `${count * size} (${header.shape.join('×')} ${header.elementType})`,
    });
  }
  const data = decodeElements(bytes, header.voxOffset, count, header.elementType, header.littleEndian);
  return { ...rest, header, data };
}

/**
 * The header of an uncompressed NIfTI-1 or NIfTI-2 file and the affines and scaling nibabel
 * derives from it, from the file's first bytes (the data block need not be there): what
 * {@link parseNifti} returns less `data`, so a caller can learn shapes without reading volumes.
 */
export function parseNiftiHeader(bytes: Uint8Array, file: string): Omit<NiftiImage, 'data'> {
  // nifti-reader-js needs an ArrayBuffer of the header and extensions only: copy those, not the
  // whole (possibly gigabyte) image.
  const buffer = bytes.slice(0, Math.min(bytes.length, headerEnd(bytes))).buffer;
  const is1 = bytes.length >= 348 && isNIFTI1(buffer);
  const is2 = !is1 && bytes.length >= 540 && isNIFTI2(buffer);
  if (!is1 && !is2) {
    throw formatError(WHERE, file, 'is not a single-file NIfTI-1 or NIfTI-2 image (no n+1 / n+2 magic in a full header)', HINT, {
      got: `${bytes.length} bytes`,
    });
  }
  const raw = guardFormat(WHERE, file, HINT, () => readHeader(buffer));
  const version: 1 | 2 = raw instanceof NIFTI2 ? 2 : 1;
  const header = guardFormat(WHERE, file, HINT, () => toHeader(raw, bytes, version, file));
  const threshold = version === 1 ? THRESHOLD_1 : THRESHOLD_2;
  const q = qformAffine(header.quatern, header.qoffset, header.pixdim, threshold);
  const qform = header.qformCode !== 0 && q ? q : null;
  const sform = header.sformCode !== 0 ? sformAffine(header) : null;
  const affine = sform ?? qform ?? baseAffine(header.shape, header.pixdim);
  const slope = header.sclSlope;
  const scaling = slope === 0 || !Number.isFinite(slope) ? null : { slope, inter: header.sclInter };
  if (scaling && !Number.isFinite(scaling.inter)) {
    throw formatError(WHERE, file, 'has a valid scl_slope but a non-finite scl_inter', HINT, { got: scaling.inter });
  }
  return { file, header, affine, qform, sform, scaling };
}

/** Where the data starts (vox_offset), read before the header is parsed; at least the header size. */
function headerEnd(bytes: Uint8Array): number {
  if (bytes.length < 4) return bytes.length;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = view.getInt32(0, true) === 348 || view.getInt32(0, true) === 540;
  const v2 = view.getInt32(0, le) === 540;
  let offset = 0;
  if (!v2 && bytes.length >= 112) offset = view.getFloat32(108, le);
  if (v2 && bytes.length >= 176) offset = Number(view.getBigInt64(168, le));
  return Number.isFinite(offset) ? Math.max(544, Math.min(offset, bytes.length)) : bytes.length;
}

function sformAffine(h: NiftiHeader): Affine {
  return [...h.srow.map((r) => r.slice()), [0, 0, 0, 1]];
}

function toHeader(raw: NIFTI1 | NIFTI2, bytes: Uint8Array, version: 1 | 2, file: string): NiftiHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const le = raw.littleEndian;
  const ndim = raw.dims[0] ?? 0;
  if (!Number.isInteger(ndim) || ndim < 1 || ndim > 7) {
    throw formatError(WHERE, file, 'has an invalid dim[0] (number of dimensions)', HINT, { got: ndim, expected: '1 to 7' });
  }
  const shape = raw.dims.slice(1, ndim + 1);
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0) || !Number.isSafeInteger(shape.reduce((a, b) => a * b, 1))) {
    throw formatError(WHERE, file, 'has invalid dimensions', HINT, { got: shape });
  }
  const elementType = elementTypeOfCode(raw.datatypeCode);
  if (!elementType) {
    throw formatError(
      WHERE,
      file,
      `has datatype ${raw.datatypeCode}, which is not supported`,
      'Convert the image to an integer or float32/float64 datatype (e.g. with nibabel or fslmaths -odt float).',
      {
        expected: 'uint8, int8, int16, uint16, int32, uint32, float32 or float64',
      },
    );
  }
  const minOffset = version === 1 ? 348 : 540;
  const voxOffset = Math.floor(raw.vox_offset);
  if (!Number.isSafeInteger(voxOffset) || voxOffset < minOffset) {
    throw formatError(WHERE, file, 'has an invalid vox_offset', HINT, { got: raw.vox_offset, expected: `>= ${minOffset}` });
  }
  // nifti-reader-js folds qform into `affine` for NIfTI-1 (and has no srow field): read srow here.
  const srowAt = version === 1 ? 280 : 400;
  const step = version === 1 ? 4 : 8;
  const read = (at: number): number => (version === 1 ? view.getFloat32(at, le) : view.getFloat64(at, le));
  const srow = [0, 1, 2].map((r) => [0, 1, 2, 3].map((c) => read(srowAt + (r * 4 + c) * step))) as [number[], number[], number[]];
  return {
    version,
    littleEndian: le,
    // Up to the first NUL (nifti-reader-js drops NULs but keeps NIfTI-2's trailing \r\n\x1a\n).
    magic: new TextDecoder('latin1').decode(bytes.subarray(version === 1 ? 344 : 4, version === 1 ? 348 : 12)).split('\0')[0]!,
    shape,
    dim: raw.dims.slice(0, 8),
    pixdim: raw.pixDims.slice(0, 8),
    datatype: raw.datatypeCode,
    elementType,
    bitpix: raw.numBitsPerVoxel,
    voxOffset,
    sclSlope: raw.scl_slope,
    sclInter: raw.scl_inter,
    qformCode: raw.qform_code,
    sformCode: raw.sform_code,
    quatern: [raw.quatern_b, raw.quatern_c, raw.quatern_d],
    qoffset: [raw.qoffset_x, raw.qoffset_y, raw.qoffset_z],
    srow,
    xyztUnits: raw.xyzt_units,
    intentCode: raw.intent_code,
    intentName: raw.intent_name,
    intentP: [raw.intent_p1, raw.intent_p2, raw.intent_p3],
    calMin: raw.cal_min,
    calMax: raw.cal_max,
    sliceDuration: raw.slice_duration,
    sliceStart: raw.slice_start,
    sliceEnd: raw.slice_end,
    sliceCode: raw.slice_code,
    dimInfo: raw.dim_info,
    toffset: raw.toffset,
    description: raw.description,
    auxFile: raw.aux_file,
  };
}
