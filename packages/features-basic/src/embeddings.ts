import { basename, resolve } from 'node:path';
import { voxelwiseError } from '@voxelwise/core';
import type { FeatureExtractor, FeatureSet, StageContext } from '@voxelwise/core';
import { embedWords } from './embedding-table.js';
import type { EmbeddingTable, OovPolicy } from './embedding-table.js';
import { assertFile } from './files.js';
import { loadHdf5Embeddings } from './hdf5-embeddings.js';
import type { VectorOrientation } from './hdf5-embeddings.js';
import { storyWordCount } from './story-words.js';
import { loadWord2Vec } from './word2vec.js';

const WHERE = 'features-basic:embeddings';

/** Vector file formats of the `embeddings` extractor. */
export type EmbeddingFormat = 'word2vec-text' | 'word2vec-binary' | 'hdf5';

/** Resolved options of {@link createEmbeddingsExtractor}. */
export interface EmbeddingsConfig {
  path: string;
  format?: EmbeddingFormat;
  header?: boolean;
  dims?: number;
  limit?: number;
  lowercase: boolean;
  oov: OovPolicy;
  emptyWords: 'zero' | 'oov';
  l2Normalize: boolean;
  vectorsDataset: string;
  vocabDataset: string;
  orientation: VectorOrientation;
}

/**
 * The format of a vector file from its extension (a trailing `.gz` is ignored): `.bin` binary
 * word2vec, `.txt`/`.vec`/`.w2v` text word2vec, `.h5`/`.hdf5`/`.hf5` HDF5.
 */
export function embeddingFormatOf(path: string): EmbeddingFormat {
  const name = basename(path).toLowerCase().replace(/\.gz$/, '');
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : '';
  if (ext === 'bin') return 'word2vec-binary';
  if (ext === 'txt' || ext === 'vec' || ext === 'w2v') return 'word2vec-text';
  if (ext === 'h5' || ext === 'hdf5' || ext === 'hf5') return 'hdf5';
  if (ext === 'kv' || ext === 'model') {
    throw voxelwiseError({
      code: 'E_CONFIG_INVALID',
      where: WHERE,
      message: `${path} is in gensim's native format, which only Python can read`,
      details: { file: path },
      hint: 'Convert it once in Python: KeyedVectors.load(path).save_word2vec_format("vectors.bin", binary=True).',
    });
  }
  throw voxelwiseError({
    code: 'E_CONFIG_INVALID',
    where: WHERE,
    message: `cannot tell the format of ${path} from its extension`,
    details: { file: path },
    hint: 'Set the format option to "word2vec-text", "word2vec-binary" or "hdf5".',
  });
}

async function loadTable(
  path: string,
  format: EmbeddingFormat,
  config: EmbeddingsConfig,
  ctx: StageContext,
  stage: string,
): Promise<EmbeddingTable> {
  if (format === 'hdf5') {
    return loadHdf5Embeddings(path, {
      vectorsDataset: config.vectorsDataset,
      vocabDataset: config.vocabDataset,
      orientation: config.orientation,
    });
  }
  return loadWord2Vec(path, {
    binary: format === 'word2vec-binary',
    ...(config.header !== undefined ? { header: config.header } : {}),
    ...(config.dims !== undefined ? { dims: config.dims } : {}),
    ...(config.limit !== undefined ? { limit: config.limit } : {}),
    maxBytes: ctx.memoryBudget,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    onProgress: (done, total) =>
      ctx.emit({ type: 'stage:progress', stage, done, total: total ?? done, unit: 'vectors', message: basename(path) }),
  });
}

/**
 * Creates an extractor of static word vectors (word2vec text/binary, or HDF5 such as Huth's
 * eng1000). The vectors load once, on the first story; every word gets a row, whatever the
 * out-of-vocabulary policy.
 *
 * @example
 * const ex = await createEmbeddingsExtractor({ path: 'vectors.bin', lowercase: true, oov: 'zero',
 *   emptyWords: 'zero', l2Normalize: false, vectorsDataset: 'data', vocabDataset: 'vocab', orientation: 'auto' });
 */
export async function createEmbeddingsExtractor(config: EmbeddingsConfig): Promise<FeatureExtractor> {
  const path = resolve(config.path);
  const format = config.format ?? embeddingFormatOf(path);
  await assertFile(path, WHERE, 'vector file');
  const id = `embeddings:${basename(path)}`;
  const stage = `features/${id}`;
  let table: Promise<EmbeddingTable> | undefined;
  return {
    id,
    level: 'word',
    async extract(story, ctx): Promise<FeatureSet> {
      const nWords = storyWordCount(story, WHERE);
      if (!table) {
        const t0 = Date.now();
        table = loadTable(path, format, config, ctx, stage);
        table.then(
          (t) =>
            ctx.emit({
              type: 'log',
              level: 'info',
              stage,
              message: `loaded ${t.words.length} vectors of ${t.dims} dimensions from ${basename(path)} in ${Date.now() - t0} ms`,
            }),
          () => (table = undefined),
        );
      }
      const loaded = await table;
      // Prefer the source's own lower-cased words (Huth lower-cases with Python's str.lower).
      const lower = config.lowercase ? story.words.lower : undefined;
      const words = lower && lower.length === nWords ? lower : story.words.text;
      const { data, oovCount, oovExamples } = embedWords(words, loaded, {
        lowercase: config.lowercase,
        oov: config.oov,
        emptyWords: config.emptyWords,
        l2Normalize: config.l2Normalize,
        story: story.name,
      });
      if (oovCount > 0) {
        const rate = ((100 * oovCount) / Math.max(1, nWords)).toFixed(1);
        ctx.emit({
          type: 'log',
          level: 'info',
          stage,
          message: `story "${story.name}": ${oovCount} of ${nWords} words (${rate}%) are not in the vocabulary (${config.oov})`,
          details: { story: story.name, oovCount, examples: oovExamples },
        });
      }
      return { level: 'word', data };
    },
    async dispose() {
      table = undefined;
    },
  };
}
