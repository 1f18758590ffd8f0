import { voxelwiseError } from '@voxelwise/core';
import { createEmbeddingTable } from './embedding-table.js';
import type { EmbeddingTable } from './embedding-table.js';
import { getDataset, readFloatDataset, withHdf5 } from './hdf5.js';

const WHERE = 'features-basic:embeddings';

/** How the vectors dataset is laid out. */
export type VectorOrientation = 'auto' | 'dims-by-words' | 'words-by-dims';

/** Options of {@link loadHdf5Embeddings}. */
export interface Hdf5EmbeddingOptions {
  /** Dataset of vectors. @default 'data' */
  vectorsDataset?: string;
  /** Dataset of words (strings). @default 'vocab' */
  vocabDataset?: string;
  /**
   * `dims-by-words` is Huth's eng1000 layout (985 × vocabulary, a word's vector is a column);
   * `auto` picks the axis whose length equals the vocabulary's. @default 'auto'
   */
  orientation?: VectorOrientation;
}

/**
 * Loads static vectors from an HDF5 file holding a vectors dataset and a vocabulary dataset,
 * such as Huth's `english1000sm.hf5` (`/data` 985 × vocab, `/vocab` bytes; a word's vector is
 * `data[:, vindex[word]]`, HuthLab/deep-fMRI-dataset encoding/ridge_utils/SemanticModel.py
 * `SemanticModel`). A word listed twice keeps its
 * last vector, as Huth's `vindex` dict does.
 *
 * @example
 * const table = await loadHdf5Embeddings('em_data/english1000sm.hf5');
 */
export async function loadHdf5Embeddings(path: string, options: Hdf5EmbeddingOptions = {}): Promise<EmbeddingTable> {
  const vectorsName = options.vectorsDataset ?? 'data';
  const vocabName = options.vocabDataset ?? 'vocab';
  return withHdf5(path, WHERE, (file) => {
    const vocabDs = getDataset(file, vocabName, path, WHERE);
    const raw = vocabDs.value;
    if (!Array.isArray(raw) || (vocabDs.shape ?? []).length !== 1 || !raw.every((w) => typeof w === 'string')) {
      throw voxelwiseError({
        code: 'E_FILE_FORMAT',
        where: WHERE,
        message: `${path}: dataset "${vocabName}" is not a 1-D array of strings`,
        got: { dtype: String(vocabDs.dtype), shape: vocabDs.shape },
        details: { file: path, dataset: vocabName },
        hint: 'Set vocabDataset to the dataset holding one word per vector.',
      });
    }
    // Fixed-length byte strings (pytables/h5py "S") may carry NUL padding.
    const words = (raw as string[]).map((w) => w.replace(/\0+$/, ''));
    const m = readFloatDataset(getDataset(file, vectorsName, path, WHERE), path, WHERE);
    let orientation = options.orientation ?? 'auto';
    if (orientation === 'auto') {
      if (m.cols === words.length && m.rows !== words.length) orientation = 'dims-by-words';
      else if (m.rows === words.length && m.cols !== words.length) orientation = 'words-by-dims';
      else if (m.rows === words.length) {
        throw voxelwiseError({
          code: 'E_CONFIG_INVALID',
          where: WHERE,
          message: `${path}: dataset "${vectorsName}" is square (${m.rows} × ${m.cols}), so its orientation is ambiguous`,
          details: { file: path },
          hint: 'Set orientation to "dims-by-words" (Huth eng1000) or "words-by-dims".',
        });
      }
    }
    const nWords = orientation === 'dims-by-words' ? m.cols : m.rows;
    if (orientation === 'auto' || nWords !== words.length) {
      throw voxelwiseError({
        code: 'E_SHAPE_MISMATCH',
        where: WHERE,
        message: `${path}: dataset "${vectorsName}" (${m.rows} × ${m.cols}) has no axis matching the ${words.length} words of "${vocabName}"`,
        got: [m.rows, m.cols],
        expected: words.length,
        details: { file: path },
        hint: 'The vocabulary needs one word per vector.',
      });
    }
    if (orientation === 'words-by-dims') return createEmbeddingTable(words, m.cols, m.data, 'last');
    // dims × words → words × dims, so each word's vector is contiguous.
    const dims = m.rows;
    const Ctor = m.data instanceof Float64Array ? Float64Array : Float32Array;
    const t = new Ctor(words.length * dims);
    for (let d = 0; d < dims; d++) {
      const src = m.data.subarray(d * words.length, (d + 1) * words.length);
      for (let w = 0; w < words.length; w++) t[w * dims + d] = src[w]!;
    }
    return createEmbeddingTable(words, dims, t, 'last');
  });
}
