import { createWriteStream } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import type { VolumeGeometry } from '@voxelwise/core';
import { fsError } from '@voxelwise/io';
import { encodeNifti1 } from '@voxelwise/neuroimaging';

/** The MNI space the simulated volumes are named after. */
export const SIM_VOLUME_SPACE = 'MNI152NLin2009cAsym';

/** A simulated brain volume: grid, ellipsoid mask and a planted sphere. */
export interface SimVolume {
  readonly shape: [number, number, number];
  readonly affine: number[][];
  /** Flat index (x fastest) of each mask voxel: the importer's column order. */
  readonly columns: readonly number[];
  /** The mask as a gzipped NIfTI. */
  readonly maskBytes: Uint8Array;
  /** Centre of the planted sphere, mm. */
  readonly center: [number, number, number];
  /** True for the columns inside the planted sphere. */
  inRegion(column: number): boolean;
  readonly geometry: VolumeGeometry;
}

/**
 * An MNI-like grid (MNI152NLin2009cAsym's 2 mm grid is 97 × 115 × 97 with this affine; other
 * sizes keep its centring), an ellipsoid brain mask of 0.35 of the grid along each axis
 * (≈ 194,000 voxels at 97 × 115 × 97) and a planted sphere of `radius` mm in the left temporal
 * area (x < 0, below the centre).
 */
export function simulatedVolume(shape: readonly [number, number, number], s: number, radius: number): SimVolume {
  const [nx, ny, nz] = shape;
  const affine = [
    [s, 0, 0, (-(nx - 1) / 2) * s],
    [0, s, 0, (-(ny - 1) / 2) * s - 18],
    [0, 0, s, (-(nz - 1) / 2) * s + 18],
    [0, 0, 0, 1],
  ];
  const columns: number[] = [];
  const world: number[] = [];
  for (let z = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++) {
        const d = [x, y, z].reduce((acc, c, a) => acc + ((c - (shape[a]! - 1) / 2) / (0.35 * shape[a]!)) ** 2, 0);
        if (d <= 1) {
          columns.push(x + nx * (y + ny * z));
          world.push(s * x + affine[0]![3]!, s * y + affine[1]![3]!, s * z + affine[2]![3]!);
        }
      }
  const center: [number, number, number] = [
    s * 0.3 * (nx - 1) + affine[0]![3]!,
    s * 0.45 * (ny - 1) + affine[1]![3]!,
    s * 0.4 * (nz - 1) + affine[2]![3]!,
  ];
  const mask = new Uint8Array(nx * ny * nz);
  for (const c of columns) mask[c] = 1;
  return {
    shape: [nx, ny, nz],
    affine,
    columns,
    maskBytes: encodeNifti1({ data: mask, shape: [nx, ny, nz], affine, gzip: true }),
    center,
    inRegion: (j) => Math.hypot(world[3 * j]! - center[0], world[3 * j + 1]! - center[1], world[3 * j + 2]! - center[2]) <= radius,
    geometry: { kind: 'volume', space: SIM_VOLUME_SPACE, shape: [nx, ny, nz], affine: affine.flat(), zooms: [s, s, s] },
  };
}

/**
 * Writes a run's responses (nTRs × mask columns, row-major) as a 4-D float32 `.nii.gz` on the
 * volume's grid, zero outside the mask, with the TR in the header (`pixdim[4]`, units mm and s,
 * as fMRIPrep writes them; nifti1.h). Gzip level 1: the files are large and read once.
 */
export async function writeVolumeSeries(
  file: string,
  vol: SimVolume,
  Y: Float32Array,
  nTRs: number,
  tr: number,
  where: string,
): Promise<void> {
  const nvox = vol.shape[0] * vol.shape[1] * vol.shape[2];
  const V = vol.columns.length;
  const data = new Float32Array(nvox * nTRs);
  for (let t = 0; t < nTRs; t++) {
    const base = t * nvox;
    const row = t * V;
    for (let j = 0; j < V; j++) data[base + vol.columns[j]!] = Y[row + j]!;
  }
  const bytes = encodeNifti1({ data, shape: [...vol.shape, nTRs], affine: vol.affine, gzip: false });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setFloat32(92, tr, true);
  bytes[123] = 2 | 8;
  try {
    await pipeline(Readable.from([bytes]), createGzip({ level: 1 }), createWriteStream(file));
  } catch (e) {
    throw fsError(e, file, where, 'write');
  }
}
