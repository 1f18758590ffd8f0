import { voxelwiseError } from '@voxelwise/core';
import type { Matrix } from '@voxelwise/core';

/** A vocabulary of static word vectors held in memory. */
export interface EmbeddingTable {
  /** Vocabulary in file order. */
  readonly words: readonly string[];
  /** Vector length. */
  readonly dims: number;
  /** `words.length × dims`, row-major: the vector of `words[i]` is row `i`. */
  readonly vectors: Float32Array | Float64Array;
  /** Row of `word` (exact match, case kept), or −1. */
  indexOf(word: string): number;
}

/**
 * Builds an {@link EmbeddingTable}. When a word occurs twice, `first` keeps the first vector
 * (gensim `load_word2vec_format`) and `last` the last one (Huth `SemanticModel.vindex`, a dict
 * built in file order).
 *
 * @example
 * const table = createEmbeddingTable(['the', 'cat'], 2, new Float32Array([1, 0, 0, 1]));
 */
export function createEmbeddingTable(
  words: readonly string[],
  dims: number,
  vectors: Float32Array | Float64Array,
  duplicates: 'first' | 'last' = 'first',
): EmbeddingTable {
  if (vectors.length !== words.length * dims) {
    throw voxelwiseError({
      code: 'E_SHAPE_MISMATCH',
      where: 'features-basic:embeddings',
      message: 'the vector array does not hold one vector per word',
      got: vectors.length,
      expected: words.length * dims,
    });
  }
  const index = new Map<string, number>();
  for (let i = 0; i < words.length; i++) {
    if (duplicates === 'last' || !index.has(words[i]!)) index.set(words[i]!, i);
  }
  return { words, dims, vectors, indexOf: (word) => index.get(word) ?? -1 };
}

/** What to do with a word that is not in the vocabulary. */
export type OovPolicy = 'copy-prev' | 'zero' | 'error';

/** Options of {@link embedWords}. */
export interface EmbedOptions {
  /** Lower-case each word before lookup (the vocabulary is used as stored). @default true */
  lowercase?: boolean;
  /**
   * `copy-prev`: the vector of the last word found (zeros before the first hit; LITcoder
   * `copy_prev`); `zero`: a zero row (Huth eng1000); `error`: throw. Rows are never dropped.
   * @default 'copy-prev'
   */
  oov?: OovPolicy;
  /**
   * Empty words (silences): `zero` gives them a zero row (Huth); `oov` treats them as
   * out-of-vocabulary words (LITcoder, where `copy_prev` gives them the previous word's vector).
   * @default 'zero'
   */
  emptyWords?: 'zero' | 'oov';
  /** Scale each vector to unit length (LITcoder `l2_normalize_tokens`). @default false */
  l2Normalize?: boolean;
  /** Story name for error messages. */
  story?: string;
}

/** Features of a word sequence and how many of its words were out of vocabulary. */
export interface EmbeddedWords {
  /** One row per input word. */
  readonly data: Matrix;
  /** Non-empty words not found (plus empty words under `emptyWords: 'oov'`). */
  readonly oovCount: number;
  /** Up to 20 distinct out-of-vocabulary words, for messages. */
  readonly oovExamples: readonly string[];
}

/**
 * Looks each word up in `table`, one output row per input word — rows are never dropped, unlike
 * LITcoder's `skip` policy which breaks alignment with word times (GT-LIT-Lab/litcoder_core
 * encoding/features/embeddings.py `StaticEmbeddingFeatureExtractor`, `oov_handling`).
 *
 * @example
 * const { data } = embedWords(story.words.text, table, { oov: 'zero' });
 */
export function embedWords(words: readonly string[], table: EmbeddingTable, options: EmbedOptions = {}): EmbeddedWords {
  const lowercase = options.lowercase ?? true;
  const oov = options.oov ?? 'copy-prev';
  const emptyAsOov = (options.emptyWords ?? 'zero') === 'oov';
  const d = table.dims;
  const out = table.vectors instanceof Float64Array ? new Float64Array(words.length * d) : new Float32Array(words.length * d);
  let prev = -1;
  let oovCount = 0;
  const examples = new Set<string>();
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!.trim();
    if (word === '' && !emptyAsOov) continue;
    const key = lowercase ? word.toLowerCase() : word;
    const row = word === '' ? -1 : table.indexOf(key);
    let src = row;
    if (row < 0) {
      oovCount++;
      if (examples.size < 20) examples.add(word);
      if (oov === 'error') {
        throw voxelwiseError({
          code: 'E_DATA_INVALID',
          where: 'features-basic:embeddings',
          message: `${options.story !== undefined ? `story "${options.story}": ` : ''}word ${i} "${word}" is not in the vocabulary`,
          details: { story: options.story, word, index: i },
          hint: 'Use oov: "copy-prev" or "zero" to fill out-of-vocabulary words, or a larger vocabulary.',
        });
      }
      // LITcoder copy_prev: the last vector found, zeros before the first hit (encoding/features/embeddings.py).
      src = oov === 'copy-prev' ? prev : -1;
    } else {
      prev = row;
    }
    if (src < 0) continue;
    const vec = table.vectors.subarray(src * d, (src + 1) * d);
    out.set(vec, i * d);
    if (options.l2Normalize) {
      let ss = 0;
      for (let k = 0; k < d; k++) ss += vec[k]! * vec[k]!;
      if (ss > 0) {
        const inv = 1 / Math.sqrt(ss);
        for (let k = 0; k < d; k++) out[i * d + k]! *= inv;
      }
    }
  }
  return { data: { rows: words.length, cols: d, data: out }, oovCount, oovExamples: [...examples] };
}
