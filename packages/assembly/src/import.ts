import { timed } from '@voxelwise/core';
import { openByo } from './byo.js';
import type { ByoOptions } from './byo.js';
import { openLebel } from './lebel.js';
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
