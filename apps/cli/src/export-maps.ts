import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { voxelwiseError } from '@voxelwise/core';
import type { RunJson, ScoreColumns } from '@voxelwise/trainer';
import { writeDirAtomic } from '@voxelwise/io';

/** The formats `voxelwise export` writes. */
export type ExportFormat = 'nifti' | 'gifti' | 'npy';

/** Map names in the order they are written. */
const MAP_NAMES = ['r', 'p', 'q', 'alpha', 'significant'] as const;

/** One per-column map of a run. */
type MapName = (typeof MAP_NAMES)[number];

/** What {@link exportMaps} needs: the run's record and its per-column scores. */
interface ExportInput {
  run: RunJson;
  scores: ScoreColumns;
  format: ExportFormat;
  /** The folder to write (replaced only with `overwrite`). */
  outDir: string;
  /** A NIfTI mask whose non-zero voxels are the run's columns (x fastest); overrides the geometry's. */
  maskFile?: string;
  overwrite?: boolean;
}

/** What {@link exportMaps} wrote. */
interface ExportResult {
  outDir: string;
  files: string[];
  /** Things the user should know (maps the model did not compute, a flat volume, …). */
  notes: string[];
}

const WHERE = 'cli:export';

/** The run's maps as float32 columns: r, p, q (BH-FDR), alpha, significant (0/1); absent ones are skipped. */
function runMaps(scores: ScoreColumns): Array<{ name: MapName; data: Float32Array }> {
  const source: Record<MapName, ArrayLike<number> | undefined> = {
    r: scores.r,
    p: scores.p,
    q: scores.pCorrected,
    alpha: scores.alpha,
    significant: scores.significant,
  };
  return MAP_NAMES.flatMap((name) => {
    const values = source[name];
    return values ? [{ name, data: Float32Array.from(values) }] : [];
  });
}

function mismatch(message: string, hint: string, details: Record<string, unknown>): Error {
  return voxelwiseError({ code: 'E_SHAPE_MISMATCH', where: WHERE, message, hint, details });
}

function usage(message: string, hint: string): Error {
  return voxelwiseError({ code: 'E_USAGE', where: WHERE, message, hint });
}

/** 16 numbers row-major → 4×4 rows. */
function affineRows(a: readonly number[]): number[][] {
  return [0, 1, 2, 3].map((r) => a.slice(4 * r, 4 * r + 4));
}

/** The voxel grid the columns go back into, with the header to copy. */
interface VolumeTarget {
  shape: [number, number, number];
  affine: number[][];
  indices: ArrayLike<number>;
  source?: Awaited<ReturnType<typeof import('@voxelwise/neuroimaging').readNiftiHeader>>['header'];
}

async function volumeTarget(input: ExportInput, nColumns: number, notes: string[]): Promise<VolumeTarget> {
  const ni = await import('@voxelwise/neuroimaging');
  const geometry = input.run.assembly.geometry;
  if (geometry?.kind === 'surface') {
    throw usage(
      `the run's columns are surface vertices (${geometry.space}): NIfTI needs a volume`,
      'Use --format gifti (one .func.gii per hemisphere and map) or --format npy.',
    );
  }
  const maskFile = input.maskFile ?? geometry?.maskFile;
  if (maskFile) {
    // Columns are the mask's non-zero voxels, x fastest (neuroimaging maskFromImage). LeBel's
    // ds003020 responses are pycortex volumes, (z, y, x) arrays masked in C order (pycortex
    // `cortex/dataset/volume.py`, `Volume`), which also runs x fastest.

    const image = await ni.readNifti(maskFile);
    const mask = ni.maskFromImage(image);
    if (mask.indices.length !== nColumns) {
      throw mismatch(
        `${maskFile} has ${mask.indices.length} non-zero voxels, the run ${nColumns} columns`,
        "Pass the mask the subject's responses were extracted with (for ds003020: the subject's cortical mask.nii.gz).",
        { maskFile, maskVoxels: mask.indices.length, columns: nColumns },
      );
    }
    if (geometry?.kind === 'volume' && geometry.shape.some((n, i) => n !== mask.shape[i])) {
      throw mismatch(
        `${maskFile} has shape ${mask.shape.join('×')}, the run's volume ${geometry.shape.join('×')}`,
        'Pass the mask on the grid of the run.',
        { maskFile, maskShape: mask.shape, shape: geometry.shape },
      );
    }
    const reference =
      geometry?.kind === 'volume' && geometry.referenceFile ? (await ni.readNiftiHeader(geometry.referenceFile)).header : image.header;
    const affine = geometry?.kind === 'volume' ? affineRows(geometry.affine) : mask.affine;
    return { shape: [...mask.shape], affine, indices: mask.indices, source: reference };
  }
  if (geometry?.kind === 'volume') {
    const [nx, ny, nz] = geometry.shape;
    if (nx * ny * nz !== nColumns) {
      throw mismatch(
        `the run's volume ${nx}×${ny}×${nz} has ${nx * ny * nz} voxels and no mask file, but ${nColumns} columns`,
        'Pass --mask with the mask the responses were extracted with.',
        { shape: geometry.shape, columns: nColumns },
      );
    }
    const source = geometry.referenceFile ? (await ni.readNiftiHeader(geometry.referenceFile)).header : undefined;
    return {
      shape: [nx, ny, nz],
      affine: affineRows(geometry.affine),
      indices: Uint32Array.from({ length: nColumns }, (_, i) => i),
      ...(source ? { source } : {}),
    };
  }
  notes.push(
    `The run records no brain geometry (e.g. a ds003020 subject): the maps keep the flat column order as ${nColumns}×1×1 volumes with an identity affine. Pass --mask <mask.nii.gz> (the subject's cortical mask) to rebuild them in the subject's space.`,
  );
  return {
    shape: [nColumns, 1, 1],
    affine: affineRows([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]),
    indices: Uint32Array.from({ length: nColumns }, (_, i) => i),
  };
}

/**
 * Writes a run's r, p, q, alpha and significance maps in the subject's space: NIfTI volumes
 * (through the run's or the given mask, with the reference image's header and affine; voxels
 * outside the mask are 0), GIfTI `.func.gii` per hemisphere and map, or one `maps.npy` (maps ×
 * columns, float32) with `maps.json` naming its rows. The folder appears whole or not at all.
 *
 * @example
 * await exportMaps({ run, scores, format: 'nifti', outDir: 'results/run/export', maskFile: 'UTS03/mask.nii.gz' });
 */
export async function exportMaps(input: ExportInput): Promise<ExportResult> {
  const maps = runMaps(input.scores);
  const nColumns = input.scores.r.length;
  const notes: string[] = [];
  const missing = MAP_NAMES.filter((n) => !maps.some((m) => m.name === n));
  if (missing.length > 0) notes.push(`The model computed no ${missing.join(', ')} map${missing.length > 1 ? 's' : ''}: not written.`);
  const geometry = input.run.assembly.geometry;
  const ni = await import('@voxelwise/neuroimaging');
  let write: (dir: string) => Promise<string[]>;
  if (input.format === 'nifti') {
    const target = await volumeTarget(input, nColumns, notes);
    write = async (dir) => {
      const files: string[] = [];
      const size = target.shape[0] * target.shape[1] * target.shape[2];
      for (const m of maps) {
        const data = new Float32Array(size);
        for (let j = 0; j < nColumns; j++) data[target.indices[j]!] = m.data[j]!;
        const file = `${m.name}.nii.gz`;
        await ni.writeNifti1(join(dir, file), {
          data,
          shape: target.shape,
          affine: target.affine,
          ...(target.source ? { source: target.source } : {}),
          description: `voxelwise ${m.name}`,
        });
        files.push(file);
      }
      return files;
    };
  } else if (input.format === 'gifti') {
    if (geometry?.kind !== 'surface') {
      throw usage(
        geometry
          ? "the run's columns are volume voxels: GIfTI holds surface maps"
          : 'the run records no surface geometry: GIfTI needs one hemisphere per file',
        'Use --format nifti (with --mask for a ds003020 subject) or --format npy.',
      );
    }
    const total = geometry.hemispheres.reduce((n, h) => n + h.nVertices, 0);
    if (total !== nColumns) {
      throw mismatch(
        `the run's hemispheres have ${total} vertices, its scores ${nColumns} columns`,
        'The run directory is inconsistent: train it again.',
        {
          vertices: total,
          columns: nColumns,
        },
      );
    }
    write = async (dir) => {
      const files: string[] = [];
      let offset = 0;
      for (const h of geometry.hemispheres) {
        for (const m of maps) {
          const file = `${m.name}_hemi-${h.hemi}.func.gii`;
          await ni.writeGiftiFunc(join(dir, file), [{ data: m.data.slice(offset, offset + h.nVertices), name: m.name }], {
            hemisphere: h.hemi === 'L' ? 'left' : 'right',
            meta: { space: geometry.space },
          });
          files.push(file);
        }
        offset += h.nVertices;
      }
      return files;
    };
  } else {
    const { encodeNpy } = await import('@voxelwise/assembly');
    write = async (dir) => {
      const data = new Float32Array(maps.length * nColumns);
      maps.forEach((m, i) => data.set(m.data, i * nColumns));
      await writeFile(join(dir, 'maps.npy'), encodeNpy({ rows: maps.length, cols: nColumns, data }));
      const index = { rows: maps.map((m) => m.name), columns: nColumns, ...(geometry ? { geometry } : {}) };
      await writeFile(join(dir, 'maps.json'), `${JSON.stringify(index, null, 2)}\n`);
      return ['maps.npy', 'maps.json'];
    };
  }
  const files = await writeDirAtomic(input.outDir, write, { overwrite: input.overwrite ?? false, where: WHERE });
  return { outDir: input.outDir, files, notes };
}
