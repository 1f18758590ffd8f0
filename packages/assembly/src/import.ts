import { timed } from '@voxelwise/core';
import type { Assembly } from '@voxelwise/core';
import { openByo } from './byo.js';
import type { ByoOptions } from './byo.js';
import { openLebel } from './lebel.js';
import { openLpp } from './lpp.js';
import type { LppOptions } from './lpp.js';
import { openNarratives } from './narratives.js';
import type { NarrativesOptions } from './narratives.js';
import type { LebelOptions } from './lebel.js';
import { writeAssembly } from './native-write.js';
import type { WriteAssemblyOptions, WriteAssemblyResult } from './native-write.js';

/**
 * Imports a LeBel ds003020 subject into the native format: opens it ({@link openLebel}, which
 * checks alignment and voxel counts), validates words and grids, then streams the responses story
 * by story, voxel block by voxel block (peak memory ≈ one block, not one subject), checking
 * NaN/Inf and constant voxels and hashing the sources; the output directory appears only when
 * complete.
 *
 * @example
 * await importLebel({ root: '/data/ds003020', subject: 'UTS03' }, 'UTS03.vw');
 */
export async function importLebel(
  source: LebelOptions,
  out: string,
  options: Omit<WriteAssemblyOptions, 'stories'> = {},
): Promise<WriteAssemblyResult> {
  const emit = options.emit ?? source.emit;
  const assembly = await openLebel({ ...source, ...(emit ? { emit } : {}) });
  const run = () => writeAssembly(assembly, out, { ...options, provenance: { importedFrom: 'lebel', ...(options.provenance ?? {}) } });
  return emit ? timed(emit, 'assembly', run) : run();
}

/**
 * Imports a bring-your-own dataset ({@link openByo}) into the native format, with the same
 * validation and streaming as {@link importLebel}.
 *
 * @example
 * await importByo({ root: 'pieman', tr: 1.5, testStories: ['pieman'] }, 'pieman.vw');
 */
export async function importByo(
  source: ByoOptions,
  out: string,
  options: Omit<WriteAssemblyOptions, 'stories'> = {},
): Promise<WriteAssemblyResult> {
  const assembly = await openByo({ ...source, ...(options.emit && !source.emit ? { emit: options.emit } : {}) });
  const run = () => writeAssembly(assembly, out, { ...options, provenance: { importedFrom: 'byo', ...(options.provenance ?? {}) } });
  return options.emit ? timed(options.emit, 'assembly', run) : run();
}

/**
 * Writes an opened Narratives or LPP assembly: when its runs' brain masks differed, their
 * intersection is stored in the assembly as `mask.nii.gz` and the geometry points to it
 * (recorded relative to the directory, so it can be moved).
 */
async function writeBrainAssembly(
  assembly: Assembly & { maskBytes?: Uint8Array },
  out: string,
  options: Omit<WriteAssemblyOptions, 'stories'>,
  importedFrom: string,
): Promise<WriteAssemblyResult> {
  const { maskBytes, ...rest } = assembly;
  const geometry = assembly.metadata.geometry;
  const stored: Assembly =
    maskBytes && geometry?.kind === 'volume'
      ? { ...rest, metadata: { ...assembly.metadata, geometry: { ...geometry, maskFile: 'mask.nii.gz' } } }
      : rest;
  return writeAssembly(stored, out, {
    ...options,
    ...(maskBytes ? { extraFiles: { ...(options.extraFiles ?? {}), 'mask.nii.gz': maskBytes } } : {}),
    provenance: { importedFrom, ...(options.provenance ?? {}) },
  });
}

/**
 * Imports a Narratives subject (OpenNeuro ds002345, {@link openNarratives}) into the native
 * format, with its surface or volume geometry, validated and streamed run by run.
 *
 * @example
 * await importNarratives({ root: '/data/ds002345', subject: 'sub-001', space: 'fsaverage6' }, 'sub-001.vw');
 */
export async function importNarratives(
  source: NarrativesOptions,
  out: string,
  options: Omit<WriteAssemblyOptions, 'stories'> = {},
): Promise<WriteAssemblyResult> {
  const emit = options.emit ?? source.emit;
  const assembly = await openNarratives({ ...source, ...(emit ? { emit } : {}) });
  const run = () => writeBrainAssembly(assembly, out, options, 'narratives');
  return emit ? timed(emit, 'assembly', run) : run();
}

/**
 * Imports an English Le Petit Prince subject (OpenNeuro ds003643, {@link openLpp}) into the
 * native format, with its volume geometry (and the runs' mask intersection when they differ).
 *
 * @example
 * await importLpp({ root: '/data/ds003643', subject: 'sub-EN057' }, 'EN057.vw');
 */
export async function importLpp(
  source: LppOptions,
  out: string,
  options: Omit<WriteAssemblyOptions, 'stories'> = {},
): Promise<WriteAssemblyResult> {
  const emit = options.emit ?? source.emit;
  const assembly = await openLpp({ ...source, ...(emit ? { emit } : {}) });
  const run = () => writeBrainAssembly(assembly, out, options, 'lpp');
  return emit ? timed(emit, 'assembly', run) : run();
}
