import { voxelwiseError } from '@voxelwise/core';
import type { Affine } from './affine.js';
import type { NiftiImage } from './nifti-header.js';
import { volumeSize } from './volume-index.js';

const WHERE = 'neuroimaging:masker';

/**
 * Largest difference between two affines' entries that still counts as the same grid (mm). fMRIPrep
 * writes the mask and the BOLD of a run with the same sform; this only absorbs float32 rounding.
 */
const AFFINE_TOLERANCE = 1e-4;

/** A brain mask: which voxels of a 3-D grid become columns, in NIfTI storage order (x fastest). */
export interface VolumeMask {
  /** The mask file (named in errors). */
  readonly file: string;
  /** Voxels along x, y, z. */
  readonly shape: readonly [number, number, number];
  /** The mask's voxel-to-world affine (nibabel's `img.affine`). */
  readonly affine: Affine;
  /** Flat 3-D index (`x + nx·(y + ny·z)`) of each column, increasing. */
  readonly indices: Uint32Array;
}

function shape3(image: Pick<NiftiImage, 'header'>): [number, number, number] {
  const s = image.header.shape;
  return [s[0] ?? 1, s[1] ?? 1, s[2] ?? 1];
}

/**
 * The columns of a mask image: its non-zero voxels (after scaling, as nilearn's `NiftiMasker`
 * binarises a given `mask_img`) in NIfTI storage order, x fastest. A 4-D mask with more than one
 * volume, or one without any non-zero voxel, is `E_DATA_INVALID` naming the file.
 *
 * @example
 * const mask = maskFromImage(await readNifti('sub-01_desc-brain_mask.nii.gz'));
 */
export function maskFromImage(image: NiftiImage): VolumeMask {
  const s = image.header.shape;
  if ((s[3] ?? 1) !== 1 || s.slice(4).some((d) => d !== 1)) {
    throw voxelwiseError({
      code: 'E_DATA_INVALID',
      where: WHERE,
      message: `${image.file}: a mask must be one 3-D volume`,
      got: s,
      details: { file: image.file },
      hint: 'Pass the brain mask of the run (fMRIPrep `desc-brain_mask`), not a time series.',
    });
  }
  const n = volumeSize(s);
  const slope = image.scaling?.slope ?? 1;
  const inter = image.scaling?.inter ?? 0;
  const picked: number[] = [];
  for (let i = 0; i < n; i++) {
    const v = image.data[i]! * slope + inter;
    // NaN is not "in the brain": nilearn binarises with `mask != 0` after nan_to_num.
    if (v !== 0 && !Number.isNaN(v)) picked.push(i);
  }
  if (picked.length === 0) {
    throw voxelwiseError({
      code: 'E_DATA_INVALID',
      where: WHERE,
      message: `${image.file}: the mask has no non-zero voxel`,
      details: { file: image.file },
      hint: 'Check that this is the brain mask of the run.',
    });
  }
  return { file: image.file, shape: shape3(image), affine: image.affine, indices: Uint32Array.from(picked) };
}

/** A mask of every voxel of a grid (no mask file): columns are all voxels in storage order. */
export function fullMask(image: NiftiImage): VolumeMask {
  const n = volumeSize(image.header.shape);
  const indices = new Uint32Array(n);
  for (let i = 0; i < n; i++) indices[i] = i;
  return { file: image.file, shape: shape3(image), affine: image.affine, indices };
}

/**
 * Fails unless `image` lies on the mask's grid: the same x, y, z sizes and the same affine (within
 * 1e-4 mm). A BOLD series resampled to another resolution than its mask would otherwise be masked
 * with the wrong voxels without any error.
 */
export function checkSameGrid(mask: VolumeMask, image: Pick<NiftiImage, 'file' | 'header' | 'affine'>): void {
  const s = shape3(image);
  if (s.some((d, a) => d !== mask.shape[a])) {
    throw voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where: WHERE,
      message: `${image.file} has a ${s.join('×')} grid but the mask ${mask.file} has ${mask.shape.join('×')}`,
      got: s,
      expected: mask.shape,
      details: { file: image.file, mask: mask.file },
      hint: 'Use the mask of the same space and resolution (e.g. the `res-2` mask for `res-2` BOLD).',
    });
  }
  let worst = 0;
  for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) worst = Math.max(worst, Math.abs(image.affine[r]![c]! - mask.affine[r]![c]!));
  if (!(worst <= AFFINE_TOLERANCE)) {
    throw voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where: WHERE,
      message: `${image.file} and the mask ${mask.file} have different affines (largest difference ${worst} mm)`,
      details: { file: image.file, mask: mask.file },
      hint: 'The BOLD series and the mask must be in the same space (same template, same resolution).',
    });
  }
}

/**
 * Time points `[start, end)` of a series of `nt` (all by default), checked: out of range is
 * `E_DATA_INVALID` naming the file. Shared by the in-memory and the streaming masker.
 */
export function timeRange(file: string, nt: number, rows: { start?: number; end?: number }): { t0: number; t1: number } {
  const t0 = rows.start ?? 0;
  const t1 = rows.end ?? nt;
  if (!Number.isInteger(t0) || !Number.isInteger(t1) || t0 < 0 || t1 > nt || t1 < t0) {
    throw voxelwiseError({
      code: 'E_DATA_INVALID',
      where: WHERE,
      message: `${file}: time points [${t0}, ${t1}) are out of range`,
      expected: `within [0, ${nt}]`,
      details: { file },
    });
  }
  return { t0, t1 };
}

/**
 * A 4-D image's masked time series as rows (time points) × columns (mask voxels), float32,
 * scaling applied in float64 as nibabel's `get_fdata()` then rounded once (what
 * nilearn's `NiftiMasker.transform` returns for a float32 image, without its standardising or
 * filtering). Rows `[start, end)` of the 4th dimension only; the image must lie on the mask's grid.
 *
 * @example
 * const Y = applyMask(await readNifti('bold.nii.gz'), mask); // T × mask.indices.length
 */
export function applyMask(image: NiftiImage, mask: VolumeMask, rows: { start?: number; end?: number } = {}): Float32Array {
  checkSameGrid(mask, image);
  const { t0, t1 } = timeRange(image.file, image.header.shape[3] ?? 1, rows);
  const stride = volumeSize(image.header.shape);
  const idx = mask.indices;
  const cols = idx.length;
  const out = new Float32Array((t1 - t0) * cols);
  const data = image.data;
  const slope = image.scaling?.slope ?? 1;
  const inter = image.scaling?.inter ?? 0;
  const scaled = slope !== 1 || inter !== 0;
  for (let t = t0; t < t1; t++) {
    const base = t * stride;
    const row = (t - t0) * cols;
    if (scaled) for (let j = 0; j < cols; j++) out[row + j] = data[base + idx[j]!]! * slope + inter;
    else for (let j = 0; j < cols; j++) out[row + j] = data[base + idx[j]!]!;
  }
  return out;
}

/**
 * The label of every mask column in an ROI atlas on the same grid (0 = outside every region), for
 * selecting or summarising columns by region. Labels are the atlas's integer values.
 *
 * @example
 * const labels = atlasLabels(await readNifti('atlas.nii.gz'), mask);
 * const columns = [...labels.keys()].filter((j) => labels[j] === 12);
 */
export function atlasLabels(atlas: NiftiImage, mask: VolumeMask): Int32Array {
  checkSameGrid(mask, atlas);
  const s = atlas.header.shape;
  if ((s[3] ?? 1) !== 1) {
    throw voxelwiseError({
      code: 'E_DATA_INVALID',
      where: WHERE,
      message: `${atlas.file}: an atlas must be one 3-D volume of integer labels`,
      got: s,
      details: { file: atlas.file },
    });
  }
  const slope = atlas.scaling?.slope ?? 1;
  const inter = atlas.scaling?.inter ?? 0;
  const out = new Int32Array(mask.indices.length);
  for (let j = 0; j < out.length; j++) {
    const v = atlas.data[mask.indices[j]!]! * slope + inter;
    if (!Number.isInteger(v)) {
      throw voxelwiseError({
        code: 'E_DATA_INVALID',
        where: WHERE,
        message: `${atlas.file}: label ${v} at voxel ${mask.indices[j]} is not an integer`,
        details: { file: atlas.file },
        hint: 'An ROI atlas holds integer region labels (a probabilistic atlas must be thresholded first).',
      });
    }
    out[j] = v;
  }
  return out;
}
