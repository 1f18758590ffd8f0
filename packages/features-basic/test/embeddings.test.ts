import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createContext, toRows } from '@voxelwise/core';
import type { VoxelwiseEvent } from '@voxelwise/core';
import { conformanceStories, describeExtractorConformance, expectVoxelwiseError } from '@voxelwise/testing';
import { createEmbeddingTable, embedWords, embeddingFormatOf, embeddingsStage, loadHdf5Embeddings, loadWord2Vec } from '../src/index.js';
import { story, tempDir, writeH5, writeWord2VecBinary, writeWord2VecText } from './helpers.js';

const VOCAB = ['the', 'cat', 'sat', 'Mat', 'dog'];
// Values exactly representable in float32, so text and binary files give identical vectors.
const VECS = [
  [1, 0, 0.5],
  [0, 2, -0.25],
  [3, 4, 0],
  [-1, 1, 1],
  [0.125, -8, 2],
];
const table = createEmbeddingTable(VOCAB, 3, Float32Array.from(VECS.flat()));
const ctx = createContext();

describe('embedWords', () => {
  const words = ['The', 'zyx', 'cat', '', 'qq', 'mat', 'dog'];

  it('copy-prev repeats the last vector found, zeros before the first hit; empty words get zeros (default)', () => {
    const { data, oovCount, oovExamples } = embedWords(['zz', ...words], table);
    expect(toRows(data)).toEqual([[0, 0, 0], VECS[0], VECS[0], VECS[1], [0, 0, 0], VECS[1], VECS[1], VECS[4]]);
    // 'mat' is not 'Mat': the vocabulary keeps its case, only the story's words are lower-cased.
    expect(oovCount).toBe(4);
    expect(oovExamples).toEqual(['zz', 'zyx', 'qq', 'mat']);
  });

  it('treats empty words as out of vocabulary under emptyWords "oov" (LITcoder)', () => {
    const { data, oovCount } = embedWords(words, table, { emptyWords: 'oov' });
    expect(toRows(data)[3]).toEqual(VECS[1]);
    expect(oovCount).toBe(4);
  });

  it('zero gives zero rows; rows are never dropped', () => {
    const { data } = embedWords(words, table, { oov: 'zero' });
    expect(data.rows).toBe(words.length);
    expect(toRows(data)).toEqual([VECS[0], [0, 0, 0], VECS[1], [0, 0, 0], [0, 0, 0], [0, 0, 0], VECS[4]]);
  });

  it('error names the story, the word and its index', async () => {
    const e = await expectVoxelwiseError(
      () => embedWords(words, table, { oov: 'error', story: 's1' }),
      'E_DATA_INVALID',
      'story "s1"',
      'word 1 "zyx"',
      'copy-prev',
    );
    expect(e.details).toMatchObject({ story: 's1', word: 'zyx', index: 1 });
    // Empty words are not words under the default emptyWords: 'zero'.
    expect(embedWords(['the', '', 'cat'], table, { oov: 'error' }).oovCount).toBe(0);
  });

  it('can keep case and normalise vectors to unit length', () => {
    expect(toRows(embedWords(['The', 'Mat'], table, { lowercase: false, oov: 'zero' }).data)).toEqual([[0, 0, 0], VECS[3]]);
    const n = toRows(embedWords(['sat', 'qq'], table, { l2Normalize: true }).data);
    expect(n[0]![0]).toBeCloseTo(0.6, 6);
    expect(n[0]![1]).toBeCloseTo(0.8, 6);
    expect(n[1]).toEqual(n[0]);
  });

  it('keeps the first or the last vector of a duplicated word', () => {
    const dup = (keep: 'first' | 'last') => createEmbeddingTable(['a', 'a'], 1, new Float32Array([1, 2]), keep);
    expect(Array.from(embedWords(['a'], dup('first')).data.data)).toEqual([1]);
    expect(Array.from(embedWords(['a'], dup('last')).data.data)).toEqual([2]);
  });
});

describe('word2vec files', () => {
  const dir = tempDir();
  const expectTable = async (path: string, binary: boolean, header?: boolean, dims?: number) => {
    const t = await loadWord2Vec(path, { binary, ...(header !== undefined ? { header } : {}), ...(dims ? { dims } : {}) });
    expect(t.words).toEqual(VOCAB);
    expect(t.dims).toBe(3);
    expect(Array.from(t.vectors)).toEqual(VECS.flat());
  };

  it('reads text with and without the header line, plain or gzipped', async () => {
    for (const header of [true, false]) {
      for (const gzip of [false, true]) {
        const path = join(dir, `t-${header}-${gzip}.txt`);
        writeWord2VecText(path, VOCAB, VECS, { header, gzip });
        await expectTable(path, false);
        await expectTable(path, false, header);
      }
    }
  });

  it('reads binary with the header line (detected or declared) and without it given dims', async () => {
    for (const gzip of [false, true]) {
      const path = join(dir, `b-${gzip}.bin`);
      writeWord2VecBinary(path, VOCAB, VECS, { gzip });
      await expectTable(path, true);
      await expectTable(path, true, true);
    }
    const bare = join(dir, 'bare.bin');
    writeWord2VecBinary(bare, VOCAB, VECS, { header: false });
    await expectTable(bare, true, false, 3);
    await expectTable(bare, true, undefined, 3);
    await expectVoxelwiseError(() => loadWord2Vec(bare, { binary: true }), 'E_CONFIG_INVALID', 'bare.bin', 'needs the dims option');
  });

  it('reads large files across stream chunks', async () => {
    const n = 30_000;
    const words = Array.from({ length: n }, (_, i) => `w${i}`);
    const vecs = words.map((_, i) => [i, -i, i / 4]);
    const path = join(dir, 'big.bin');
    writeWord2VecBinary(path, words, vecs);
    const t = await loadWord2Vec(path, { binary: true });
    expect(t.words.length).toBe(n);
    expect(Array.from(t.vectors.subarray(3 * (n - 1)))).toEqual(vecs[n - 1]);
    expect(t.indexOf('w12345')).toBe(12345);
    const limited = await loadWord2Vec(path, { binary: true, limit: 10 });
    expect(limited.words.length).toBe(10);
  });

  it('reports truncated files, ragged lines and bad numbers with the line', async () => {
    const path = join(dir, 'bad.txt');
    writeFileSync(path, '3 2\na 1 2\nb 3 4\n');
    await expectVoxelwiseError(() => loadWord2Vec(path, { binary: false }), 'E_FILE_FORMAT', 'ends after 2 of the 3 vectors');
    writeFileSync(path, 'a 1 2\nb 3\n');
    await expectVoxelwiseError(() => loadWord2Vec(path, { binary: false }), 'E_FILE_FORMAT', 'line 2 has 1 values, expected 2');
    writeFileSync(path, 'a 1 x\n');
    await expectVoxelwiseError(() => loadWord2Vec(path, { binary: false }), 'E_FILE_FORMAT', 'line 1, value 2 ("x")');
    writeFileSync(path, 'a 1 2\n');
    await expectVoxelwiseError(() => loadWord2Vec(path, { binary: false, header: true }), 'E_FILE_FORMAT', 'not "<count> <dims>"');
    const bin = join(dir, 'cut.bin');
    writeWord2VecBinary(bin, VOCAB, VECS);
    const { readFileSync } = await import('node:fs');
    writeFileSync(bin, readFileSync(bin).subarray(0, 40));
    await expectVoxelwiseError(() => loadWord2Vec(bin, { binary: true }), 'E_FILE_FORMAT', 'ends inside vector');
    await expectVoxelwiseError(() => loadWord2Vec(join(dir, 'nope.bin'), { binary: true }), 'E_FILE_NOT_FOUND', 'nope.bin');
  });

  it('refuses files larger than the memory budget before reading them', async () => {
    const path = join(dir, 'budget.txt');
    writeFileSync(path, '1000000 300\n');
    await expectVoxelwiseError(() => loadWord2Vec(path, { binary: false, maxBytes: 1e8 }), 'E_CONFIG_INVALID', '1.20 GB', 'limit option');
  });
});

describe('HDF5 vectors (Huth eng1000 layout)', () => {
  it('reads dims × words vectors with a byte-string vocabulary, and words × dims', async () => {
    const dir = tempDir();
    const dimsByWords = new Float64Array(3 * VOCAB.length);
    VECS.forEach((v, w) => v.forEach((x, d) => (dimsByWords[d * VOCAB.length + w] = x)));
    const eng = join(dir, 'english1000sm.hf5');
    await writeH5(eng, [
      { name: 'data', data: dimsByWords, shape: [3, VOCAB.length] },
      { name: 'vocab', data: VOCAB, dtype: 'S8' },
    ]);
    const t = await loadHdf5Embeddings(eng);
    expect(t.words).toEqual(VOCAB);
    expect(t.vectors).toBeInstanceOf(Float64Array);
    expect(Array.from(t.vectors)).toEqual(VECS.flat());
    const wbd = join(dir, 'wbd.h5');
    await writeH5(wbd, [
      { name: 'vectors', data: Float32Array.from(VECS.flat()), shape: [VOCAB.length, 3] },
      { name: 'words', data: VOCAB },
    ]);
    const t2 = await loadHdf5Embeddings(wbd, { vectorsDataset: 'vectors', vocabDataset: 'words' });
    expect(Array.from(t2.vectors)).toEqual(VECS.flat());
  });

  it('needs an explicit orientation for square data and names mismatched datasets', async () => {
    const dir = tempDir();
    const sq = join(dir, 'sq.h5');
    await writeH5(sq, [
      { name: 'data', data: new Float32Array(4), shape: [2, 2] },
      { name: 'vocab', data: ['a', 'b'] },
    ]);
    await expectVoxelwiseError(() => loadHdf5Embeddings(sq), 'E_CONFIG_INVALID', 'square', 'orientation');
    const t = await loadHdf5Embeddings(sq, { orientation: 'words-by-dims' });
    expect(t.dims).toBe(2);
    const bad = join(dir, 'bad.h5');
    await writeH5(bad, [
      { name: 'data', data: new Float32Array(6), shape: [2, 3] },
      { name: 'vocab', data: ['a', 'b', 'c', 'd'] },
    ]);
    await expectVoxelwiseError(() => loadHdf5Embeddings(bad), 'E_SHAPE_MISMATCH', 'no axis matching the 4 words');
    await expectVoxelwiseError(() => loadHdf5Embeddings(bad, { vocabDataset: 'data' }), 'E_FILE_FORMAT', 'not a 1-D array of strings');
  });
});

describe('embeddings extractor', () => {
  const dir = tempDir();
  const bin = join(dir, 'vectors.bin');
  writeWord2VecBinary(bin, VOCAB, VECS);

  it('detects the format from the extension and refuses gensim .kv files', async () => {
    expect(embeddingFormatOf('a/b.bin.gz')).toBe('word2vec-binary');
    expect(embeddingFormatOf('glove.6B.300d.txt')).toBe('word2vec-text');
    expect(embeddingFormatOf('wiki.en.vec')).toBe('word2vec-text');
    expect(embeddingFormatOf('english1000sm.hf5')).toBe('hdf5');
    await expectVoxelwiseError(() => embeddingFormatOf('w.kv'), 'E_CONFIG_INVALID', 'save_word2vec_format');
    await expectVoxelwiseError(() => embeddingFormatOf('vectors'), 'E_CONFIG_INVALID', 'format option');
  });

  it('accepts LITcoder spellings, refuses skip with the reason', () => {
    expect(embeddingsStage.options.parse({ path: 'x.bin', oov: 'copy_prev' }).oov).toBe('copy-prev');
    const r = embeddingsStage.options.safeParse({ path: 'x.bin', oov: 'skip' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toContain('misaligns');
  });

  it('loads the vectors once, emits an OOV summary, and fails early on a missing file', async () => {
    const events: VoxelwiseEvent[] = [];
    const c = createContext({ emit: (e) => events.push(e) });
    const ex = await embeddingsStage.create(embeddingsStage.options.parse({ path: bin, oov: 'zero' }), c);
    const s = story('s1', ['the', 'zyx', '', 'dog']);
    expect(toRows((await ex.extract(s, c)).data)).toEqual([VECS[0], [0, 0, 0], [0, 0, 0], VECS[4]]);
    await ex.extract(s, c);
    const logs = events.filter((e) => e.type === 'log').map((e) => (e as { message: string }).message);
    expect(logs.filter((m) => m.startsWith('loaded 5 vectors'))).toHaveLength(1);
    expect(logs).toContain('story "s1": 1 of 4 words (25.0%) are not in the vocabulary (zero)');
    await expectVoxelwiseError(
      () => embeddingsStage.create(embeddingsStage.options.parse({ path: join(dir, 'missing.bin') }), c),
      'E_FILE_NOT_FOUND',
      'missing.bin',
    );
  });
});

const confDir = tempDir();
writeWord2VecText(join(confDir, 'v.txt'), VOCAB, VECS, { header: false });
await writeH5(join(confDir, 'eng.hf5'), [
  { name: 'data', data: Float32Array.from(VECS.flat()), shape: [VOCAB.length, 3] },
  { name: 'vocab', data: VOCAB },
]);
for (const oov of ['copy-prev', 'zero'] as const) {
  describeExtractorConformance(`embeddings (word2vec text, ${oov})`, {
    create: () => embeddingsStage.create(embeddingsStage.options.parse({ path: join(confDir, 'v.txt'), oov }), ctx),
  });
}
describeExtractorConformance('embeddings (hdf5, LITcoder empty words)', {
  create: () =>
    embeddingsStage.create(embeddingsStage.options.parse({ path: join(confDir, 'eng.hf5'), oov: 'copy_prev', emptyWords: 'oov' }), ctx),
  stories: () => conformanceStories(),
});

describe('embeddings extractor and WordTable.lower', () => {
  it("uses the source's lower-cased words when lowercase is on", async () => {
    const dir = tempDir();
    const path = join(dir, 'v.txt');
    writeWord2VecText(path, ['straße', 'x'], [[1], [2]]);
    const base = story('s', ['STRASSE', 'X']);
    // JS lower-cases "STRASSE" to "strasse"; a source may supply its own lower-cased form.
    const withLower = { ...base, words: { ...base.words, lower: ['straße', 'x'] } };
    const ex = await embeddingsStage.create(embeddingsStage.options.parse({ path, oov: 'zero' }), ctx);
    expect(Array.from((await ex.extract(base, ctx)).data.data)).toEqual([0, 2]);
    expect(Array.from((await ex.extract(withLower, ctx)).data.data)).toEqual([1, 2]);
    const keepCase = await embeddingsStage.create(embeddingsStage.options.parse({ path, oov: 'zero', lowercase: false }), ctx);
    expect(Array.from((await keepCase.extract(withLower, ctx)).data.data)).toEqual([0, 0]);
  });
});
