import { defineStage, z } from '@voxelwise/core';
import { createPrecomputedExtractor } from './precomputed.js';

const precomputedOptions = z
  .object({
    /** Folder with one file per story, `<story>.npy`, `.arrow`/`.feather`/`.ipc` or `.h5`/`.hdf5`/`.hf5`. */
    dir: z.string().min(1),
    /** Only look for files of this format. */
    format: z.enum(['npy', 'arrow', 'hdf5']).optional(),
    /** `word`: one row per word of the story (empty words included); `tr`: one row per TR. */
    level: z.enum(['word', 'tr']).default('word'),
    /** HDF5 dataset holding the features. */
    dataset: z.string().min(1).default('data'),
    /** Arrow column holding the features. */
    column: z.string().min(1).optional(),
  })
  .strict();

/** Options of the `precomputed` extractor. */
export type PrecomputedOptions = z.input<typeof precomputedOptions>;

declare module '@voxelwise/core' {
  interface ExtractorOptionsMap {
    precomputed: PrecomputedOptions;
  }
}

/**
 * The `precomputed` extractor stage: features computed elsewhere, one file per story.
 *
 * @example
 * features: [{ name: 'precomputed', options: { dir: 'features/gpt2-layer9' } }]
 */
export const precomputedStage = defineStage({
  kind: 'extractor',
  name: 'precomputed',
  description: 'Features computed elsewhere: one .npy, Arrow IPC or HDF5 file per story, word- or TR-level.',
  options: precomputedOptions,
  create: (options) => createPrecomputedExtractor(options),
});
