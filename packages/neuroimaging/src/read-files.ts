import { readFile } from 'node:fs/promises';
import { fsError } from '@voxelwise/io';
import { parseFreeSurferMorph, parseFreeSurferSurface } from './freesurfer.js';
import type { FreeSurferMorph, FreeSurferSurface } from './freesurfer.js';
import { parseGifti } from './gifti-read.js';
import type { GiftiImage } from './gifti-types.js';
import { parseNifti } from './nifti-read.js';
import type { NiftiImage } from './nifti-header.js';

async function bytesOf(file: string, where: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (e) {
    throw fsError(e, file, where, 'read');
  }
}

/** Reads a `.nii` / `.nii.gz` file: {@link parseNifti}; a missing file is `E_FILE_NOT_FOUND`. */
export async function readNifti(file: string): Promise<NiftiImage> {
  return parseNifti(await bytesOf(file, 'neuroimaging:nifti'), file);
}

/** Reads a `.gii` file: {@link parseGifti}; a missing file is `E_FILE_NOT_FOUND`. */
export async function readGifti(file: string): Promise<GiftiImage> {
  return parseGifti(await bytesOf(file, 'neuroimaging:gifti'), file);
}

/** Reads a FreeSurfer surface (`lh.pial`, …): {@link parseFreeSurferSurface}. */
export async function readFreeSurferSurface(file: string): Promise<FreeSurferSurface> {
  return parseFreeSurferSurface(await bytesOf(file, 'neuroimaging:freesurfer'), file);
}

/** Reads a FreeSurfer morphometry file (`lh.curv`, `lh.thickness`, …): {@link parseFreeSurferMorph}. */
export async function readFreeSurferMorph(file: string): Promise<FreeSurferMorph> {
  return parseFreeSurferMorph(await bytesOf(file, 'neuroimaging:freesurfer'), file);
}
