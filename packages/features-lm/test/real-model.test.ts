import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createContext } from '@voxelwise/core';
import { createLmExtractor, createTinyGpt2, lmOptionsSchema, openLmModel, releaseLmModel } from '../src/index.js';
import { maxAbsDiff, tempDir, wordStory } from './helpers.js';

const WORDS =
  'when i was a kid my grandmother used to take me to the lake every summer and we would sit on the dock until the sun went down'.split(
    ' ',
  );

/** fullcontext and sliding read the same tokens for words whose whole story-so-far fits in lookback. */
async function agreeWhereContextsCoincide(
  modelDir: string,
  cacheDir: string,
  layer: number,
  lookback: number,
): Promise<{ diff: number; scale: number; d: number }> {
  const ctx = createContext({ cacheDir });
  // Hold the model so both runs share one session.
  const held = await openLmModel({ model: modelDir, cacheDir });
  const run = async (contextType: 'fullcontext' | 'sliding') => {
    const ex = createLmExtractor(lmOptionsSchema.parse({ model: modelDir, layer, lookback, contextType, center: false, cache: false }));
    const f = await ex.extract(wordStory('real', WORDS), ctx);
    await ex.dispose?.();
    return f.data;
  };
  const full = await run('fullcontext');
  const sliding = await run('sliding');
  await releaseLmModel(held);
  expect([full.rows, sliding.rows]).toEqual([WORDS.length, WORDS.length]);
  return { diff: maxAbsDiff(full.data, sliding.data), scale: Math.max(...Array.from(full.data, Math.abs)), d: full.cols };
}

describe('sliding equals fullcontext while the whole story fits in the lookback', () => {
  it('on the tiny model', async () => {
    const root = tempDir();
    const tiny = await createTinyGpt2(path.join(root, 'tiny'), { seed: 12, layers: 2, dModel: 16, heads: 2, positions: 64 });
    for (const layer of [0, 1, 2]) {
      const { diff, scale } = await agreeWhereContextsCoincide(tiny.dir, path.join(root, 'cache'), layer, 48);
      expect(scale).toBeGreaterThan(0);
      expect(diff / scale).toBeLessThan(1e-5);
    }
  });
});

// A real pretrained model, only when VOXELWISE_TEST_LM_DIR points at a local folder (e.g. an
// `optimum-cli export onnx --model gpt2` output); no network is used.
const realDir = process.env['VOXELWISE_TEST_LM_DIR'];
describe.skipIf(!realDir)('a real pretrained model from VOXELWISE_TEST_LM_DIR', () => {
  it('extracts finite features of the right width, and sliding agrees with fullcontext on short stories', async () => {
    const cache = tempDir();
    for (const layer of [0, 6, -1]) {
      const { diff, scale, d } = await agreeWhereContextsCoincide(realDir!, cache, layer, 256);
      expect(d).toBeGreaterThan(0);
      expect(Number.isFinite(scale) && scale > 0).toBe(true);
      expect(diff / scale).toBeLessThan(1e-4);
    }
  });
});
