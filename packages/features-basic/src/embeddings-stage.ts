import { defineStage, z } from '@voxelwise/core';
import { createEmbeddingsExtractor } from './embeddings.js';

const oovPolicy = z
  .enum(['copy-prev', 'copy_prev', 'zero', 'error'], {
    error: (issue) =>
      issue.input === 'skip'
        ? '"skip" is not offered: dropping rows misaligns words and their times (a LITcoder bug); use "copy-prev", "zero" or "error"'
        : 'expected "copy-prev" (or LITcoder\'s "copy_prev"), "zero" or "error"',
  })
  .transform((v) => (v === 'copy_prev' ? 'copy-prev' : v));

const embeddingsOptions = z
  .object({
    /** Vector file: word2vec `.bin`/`.txt`/`.vec` (optionally `.gz`) or HDF5 `.h5`/`.hdf5`/`.hf5`. */
    path: z.string().min(1),
    /** File format; detected from the extension when omitted. */
    format: z.enum(['word2vec-text', 'word2vec-binary', 'hdf5']).optional(),
    /** word2vec: whether the first line is `<count> <dims>`; detected when omitted. */
    header: z.boolean().optional(),
    /** word2vec binary without a header line: the vector length. */
    dims: z.number().int().positive().optional(),
    /** word2vec: load only the first `limit` vectors (the most frequent words). */
    limit: z.number().int().positive().optional(),
    /** Lower-case words before lookup (LITcoder and Huth do). */
    lowercase: z.boolean().default(true),
    /** Out-of-vocabulary words: previous found vector, zeros, or an error. Rows are never dropped. */
    oov: oovPolicy.default('copy-prev'),
    /** Empty words: a zero row (Huth) or handled as out-of-vocabulary (LITcoder). */
    emptyWords: z.enum(['zero', 'oov']).default('zero'),
    /** Scale each vector to unit length (LITcoder `l2_normalize_tokens`). */
    l2Normalize: z.boolean().default(false),
    /** HDF5: dataset of vectors. */
    vectorsDataset: z.string().min(1).default('data'),
    /** HDF5: dataset of words. */
    vocabDataset: z.string().min(1).default('vocab'),
    /** HDF5: `dims-by-words` (Huth eng1000), `words-by-dims`, or `auto` from the vocabulary length. */
    orientation: z.enum(['auto', 'dims-by-words', 'words-by-dims']).default('auto'),
  })
  .strict();

/** Options of the `embeddings` extractor. */
export type EmbeddingsOptions = z.input<typeof embeddingsOptions>;

declare module '@voxelwise/core' {
  interface ExtractorOptionsMap {
    embeddings: EmbeddingsOptions;
  }
}

/**
 * The `embeddings` extractor stage: static word vectors, one row per word.
 *
 * @example
 * features: [{ name: 'embeddings', options: { path: 'em_data/english1000sm.hf5', oov: 'zero' } }]
 */
export const embeddingsStage = defineStage({
  kind: 'extractor',
  name: 'embeddings',
  description: 'Static word vectors (word2vec text/binary, HDF5 such as eng1000); OOV copy-prev, zero or error.',
  options: embeddingsOptions,
  create: (options) => createEmbeddingsExtractor(options),
});
