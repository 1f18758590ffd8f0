import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '@voxelwise/core';
import { createLmExtractor, createTinyGpt2, lmOptionsSchema } from '../src/index.js';
import type { LmOptions, TinyGpt2Model } from '../src/index.js';
import { maxAbsDiff, tempDir, wordStory } from './helpers.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
// Source: tools/reference/features-lm-forward.py — a float64 numpy GPT-2 forward pass that reads
// the weights from the ONNX file (regenerate with tools/reference/features-lm-fixtures.ts).
const reference = JSON.parse(readFileSync(path.join(fixtures, 'forward.json'), 'utf8')) as {
  model: { seed: number; layers: number; dModel: number; heads: number; positions: number };
  modelSha256: string;
  words: string[];
  results: Array<{
    contextType: LmOptions['contextType'];
    pooling: 'lastToken' | 'mean';
    lookback: number;
    slidingWindow?: number;
    sequences: number[][];
    layers: number[][][];
    lnf: number[][];
  }>;
};

const TOL = 1e-4;

describe('activations equal an independent forward pass', () => {
  let model: TinyGpt2Model;
  let dir: string;
  beforeAll(async () => {
    dir = tempDir();
    model = await createTinyGpt2(path.join(dir, 'tiny'), reference.model);
  });

  it('the builder is deterministic: same seed, same bytes as when the fixture was made', () => {
    expect(createHash('sha256').update(readFileSync(model.modelFile)).digest('hex')).toBe(reference.modelSha256);
  });

  it.each(reference.results.map((r) => [`${r.contextType} ${r.pooling} lookback ${r.lookback}`, r] as const))(
    '%s: every layer within 1e-4',
    async (_, r) => {
      const options = lmOptionsSchema.parse({
        model: model.dir,
        layer: 0,
        lookback: r.lookback,
        contextType: r.contextType,
        pooling: r.pooling,
        contextTokenizer: 'gpt2',
        cache: false,
        batchSize: 3,
        ...(r.slidingWindow ? { slidingWindow: r.slidingWindow } : {}),
      });
      const ex = createLmExtractor(options);
      const story = wordStory('fixture', reference.words);
      const out = await ex.extractAll(story, createContext({ cacheDir: path.join(dir, 'cache') }));
      await ex.dispose?.();
      expect(out.layers).toHaveLength(reference.model.layers + 1);
      for (let l = 0; l < out.layers.length; l++) {
        const expected = r.layers[l]!.flat();
        expect(maxAbsDiff(out.layers[l]!, expected), `layer ${l}`).toBeLessThan(TOL);
        // The tiny model's activations are ~0.1, so also hold them to float32 precision relative to their size.
        const scale = Math.max(...expected.map(Math.abs));
        expect(scale).toBeGreaterThan(0.01);
        expect(maxAbsDiff(out.layers[l]!, expected) / scale, `layer ${l} relative`).toBeLessThan(1e-5);
      }
      // Layer L is the last block's output before ln_f, not HF's hidden_states[L] (after ln_f).
      expect(maxAbsDiff(out.layers[reference.model.layers]!, r.lnf.flat())).toBeGreaterThan(0.1);
    },
  );

  it('center subtracts each word vector’s mean (TransformerLens centring); empty words stay zero', async () => {
    const r = reference.results[0]!;
    const ctx = createContext({ cacheDir: path.join(dir, 'cache') });
    const story = wordStory('fixture', reference.words);
    for (const layer of [0, 2]) {
      const ex = createLmExtractor(
        lmOptionsSchema.parse({ model: model.dir, layer, lookback: r.lookback, contextTokenizer: 'gpt2', center: true }),
      );
      const f = await ex.extract(story, ctx);
      await ex.dispose?.();
      const d = reference.model.dModel;
      expect(f.level).toBe('word');
      expect([f.data.rows, f.data.cols]).toEqual([reference.words.length, d]);
      const expected = r.layers[layer]!.flatMap((row) => {
        const mean = row.reduce((a, b) => a + b, 0) / d;
        return row.map((v) => v - mean);
      });
      expect(maxAbsDiff(f.data.data, expected)).toBeLessThan(TOL);
      const empty = reference.words.indexOf('');
      expect(Array.from(f.data.data.subarray(empty * d, (empty + 1) * d)).every((v) => v === 0)).toBe(true);
    }
  });

  it('a negative layer counts from the end', async () => {
    const r = reference.results[0]!;
    const ctx = createContext({ cacheDir: path.join(dir, 'cache') });
    const ex = createLmExtractor(
      lmOptionsSchema.parse({ model: model.dir, layer: -1, lookback: r.lookback, contextTokenizer: 'gpt2', center: false }),
    );
    const f = await ex.extract(wordStory('fixture', reference.words), ctx);
    await ex.dispose?.();
    expect(maxAbsDiff(f.data.data, r.layers[reference.model.layers]!.flat())).toBeLessThan(TOL);
  });

  it("describe() reports the hidden states a layer option can select (core's ExtractorDescription)", async () => {
    const ctx = createContext({ cacheDir: path.join(dir, 'cache') });
    const ex = createLmExtractor(lmOptionsSchema.parse({ model: model.dir, layer: 0, lookback: 8 }));
    const d = await ex.describe(ctx);
    await ex.dispose?.();
    // Embeddings plus every block's output: layers 0..L, or −(L+1)..−1 from the end.
    expect(d.layers).toBe(reference.model.layers + 1);
    expect(d.layers).toBe(d.nLayers);
  });
});
