import { execFile } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '@voxelwise/core';
import type { VoxelwiseEvent } from '@voxelwise/core';
import {
  clearLmCache,
  createLmExtractor,
  createTinyGpt2,
  listLmCache,
  lmCacheDir,
  lmOptionsSchema,
  openLmModel,
  releaseLmModel,
  verifyLmCache,
} from '../src/index.js';
import type { LmOptions, TinyGpt2Model } from '../src/index.js';
import { computations, recordingContext, tempDir, wordStory } from './helpers.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const WORDS = 'the quick brown fox jumps over the lazy dog and then it  runs away into the dark forest'.split(' ');

function arrowFiles(cacheDir: string): string[] {
  return readdirSync(lmCacheDir(cacheDir))
    .filter((f) => f.endsWith('.arrow'))
    .map((f) => path.join(lmCacheDir(cacheDir), f));
}

describe('the Arrow feature cache', () => {
  let model: TinyGpt2Model;
  let root: string;
  beforeAll(async () => {
    root = tempDir();
    model = await createTinyGpt2(path.join(root, 'tiny'), { seed: 3, layers: 2, dModel: 16, heads: 2, positions: 64 });
    // Holding the model keeps its tokenizer and session alive across the extractors below, as in a layer sweep.
    const held = await openLmModel({ model: model.dir, cacheDir: root });
    return () => releaseLmModel(held);
  });

  const extract = async (cacheDir: string, options: Partial<LmOptions>, words: readonly string[] = WORDS) => {
    const { ctx, events } = recordingContext(cacheDir);
    const ex = createLmExtractor(lmOptionsSchema.parse({ model: model.dir, layer: 1, lookback: 6, ...options }));
    const f = await ex.extract(wordStory('story-a', words), ctx);
    await ex.dispose?.();
    return { f, events, n: computations(events) };
  };

  it('a second run reads the cache (no forward pass), for any layer', async () => {
    const cacheDir = path.join(root, 'c1');
    const first = await extract(cacheDir, { layer: 1 });
    expect(first.n).toBe(1);
    const again = await extract(cacheDir, { layer: 1 });
    expect(again.n).toBe(0);
    expect(Array.from(again.f.data.data)).toEqual(Array.from(first.f.data.data));
    const other = await extract(cacheDir, { layer: 2 });
    expect(other.n).toBe(0);
    expect(arrowFiles(cacheDir)).toHaveLength(1);
  });

  it('ctx.refresh (train --force) recomputes once per process, then a layer sweep reads the fresh file', async () => {
    const cacheDir = path.join(root, 'c-refresh');
    await extract(cacheDir, { layer: 0 });
    const events: VoxelwiseEvent[] = [];
    const ctx = createContext({ cacheDir, refresh: true, emit: (e) => events.push(e) });
    for (const layer of [0, 1, 2]) {
      const ex = createLmExtractor(lmOptionsSchema.parse({ model: model.dir, layer, lookback: 6 }));
      await ex.extract(wordStory('story-a', WORDS), ctx);
      await ex.dispose?.();
    }
    expect(computations(events)).toBe(1);
  });

  it('centring is applied on read, so it shares the cached numbers', async () => {
    const cacheDir = path.join(root, 'c2');
    await extract(cacheDir, { center: false });
    const centred = await extract(cacheDir, { center: true });
    expect(centred.n).toBe(0);
  });

  it.each([
    ['lookback', { lookback: 5 }],
    ['contextType', { contextType: 'nocontext' }],
    ['pooling', { pooling: 'mean' }],
    ['contextTokenizer', { contextTokenizer: 'gpt2' }],
    ['sliding window', { contextType: 'sliding', slidingWindow: 16 }],
  ] as const)('a changed %s misses the cache', async (_, change) => {
    const cacheDir = path.join(root, `c3-${_}`);
    await extract(cacheDir, {});
    const changed = await extract(cacheDir, change);
    expect(changed.n).toBe(1);
    expect(arrowFiles(cacheDir)).toHaveLength(2);
  });

  it('changed words miss the cache', async () => {
    const cacheDir = path.join(root, 'c4');
    await extract(cacheDir, {});
    const changed = await extract(cacheDir, {}, [...WORDS.slice(0, -1), 'forests']);
    expect(changed.n).toBe(1);
  });

  it('a changed model file misses the cache', async () => {
    const cacheDir = path.join(root, 'c5');
    const other = await createTinyGpt2(path.join(root, 'tiny-other'), { seed: 4, layers: 2, dModel: 16, heads: 2, positions: 64 });
    await extract(cacheDir, {});
    const { ctx, events } = recordingContext(cacheDir);
    const ex = createLmExtractor(lmOptionsSchema.parse({ model: other.dir, layer: 1, lookback: 6 }));
    await ex.extract(wordStory('story-a', WORDS), ctx);
    await ex.dispose?.();
    expect(computations(events)).toBe(1);
  });

  it('a corrupted file is detected, never served, and rebuilt', async () => {
    const cacheDir = path.join(root, 'c6');
    const good = await extract(cacheDir, {});
    const [file] = arrowFiles(cacheDir);
    const bytes = readFileSync(file!);
    // Flip bytes in the middle of the file: inside some layer's values.
    for (let i = 0; i < 64; i++) bytes[Math.floor(bytes.length / 2) + i] = ~bytes[Math.floor(bytes.length / 2) + i]! & 0xff;
    writeFileSync(file!, bytes);
    expect((await verifyLmCache(cacheDir)).map((e) => e.ok)).toEqual([false]);
    const results = await Promise.all([0, 1, 2].map((layer) => extract(cacheDir, { layer })));
    const rebuilt = results.reduce((a, r) => a + r.n, 0);
    expect(rebuilt).toBeGreaterThanOrEqual(1);
    expect(results.flatMap((r) => r.events).some((e) => e.type === 'log' && e.level === 'warn' && /corrupt/.test(e.message))).toBe(true);
    expect(Array.from(results[1]!.f.data.data)).toEqual(Array.from(good.f.data.data));
    expect((await verifyLmCache(cacheDir)).map((e) => e.ok)).toEqual([true]);
  });

  it('a truncated file is detected and rebuilt', async () => {
    const cacheDir = path.join(root, 'c7');
    const good = await extract(cacheDir, {});
    const [file] = arrowFiles(cacheDir);
    writeFileSync(file!, readFileSync(file!).subarray(0, Math.floor(statSync(file!).size * 0.6)));
    const again = await extract(cacheDir, {});
    expect(again.n).toBe(1);
    expect(Array.from(again.f.data.data)).toEqual(Array.from(good.f.data.data));
  });

  it('a file whose metadata does not match its key is stale and recomputed', async () => {
    const cacheDir = path.join(root, 'c8');
    await extract(cacheDir, { lookback: 6 });
    await extract(cacheDir, { lookback: 5 });
    const files = arrowFiles(cacheDir);
    // Put the lookback-6 file where the lookback-5 file belongs (or the other way round).
    copyFileSync(files[0]!, files[1]!);
    const a = await extract(cacheDir, { lookback: 6 });
    const b = await extract(cacheDir, { lookback: 5 });
    expect(a.n + b.n).toBe(1);
    expect([...a.events, ...b.events].some((e) => e.type === 'log' && e.level === 'warn' && /stale/.test(e.message))).toBe(true);
  });

  it('reading one layer reads only that layer: damage to another layer does not affect it', async () => {
    const cacheDir = path.join(root, 'c9');
    const first = await extract(cacheDir, { layer: 0 });
    const [file] = arrowFiles(cacheDir);
    const bytes = readFileSync(file!);
    // Layers are record batches in order; the last layer's values sit just before the footer.
    const footerLength = bytes.readInt32LE(bytes.length - 10);
    const lastLayerEnd = bytes.length - 10 - footerLength;
    for (let i = 1; i <= 16; i++) bytes[lastLayerEnd - 8 * i] = ~bytes[lastLayerEnd - 8 * i]! & 0xff;
    writeFileSync(file!, bytes);
    const layer0 = await extract(cacheDir, { layer: 0 });
    expect(layer0.n).toBe(0);
    expect(Array.from(layer0.f.data.data)).toEqual(Array.from(first.f.data.data));
    const layer2 = await extract(cacheDir, { layer: 2 });
    expect(layer2.n).toBe(1);
  });

  it('two processes filling the same cache leave one valid file and agree', async () => {
    const cacheDir = path.join(root, 'c10');
    const run = promisify(execFile);
    const script = path.join(here, 'fixtures', 'concurrent-extract.ts');
    const args = ['--conditions=@voxelwise/source', '--import', 'tsx', script, model.dir, cacheDir];
    const [a, b] = await Promise.all([
      run(process.execPath, args, { cwd: path.join(here, '..') }),
      run(process.execPath, args, { cwd: path.join(here, '..') }),
    ]);
    expect(a.stdout).toMatch(/^[0-9a-f]{64}$/);
    expect(b.stdout).toBe(a.stdout);
    const verified = await verifyLmCache(cacheDir);
    expect(verified.map((e) => e.ok)).toEqual([true]);
    expect(readdirSync(lmCacheDir(cacheDir)).filter((f) => !f.endsWith('.arrow'))).toEqual([]);
  });

  it('lists, verifies and clears entries', async () => {
    const cacheDir = path.join(root, 'c11');
    await extract(cacheDir, { lookback: 6 });
    await extract(cacheDir, { lookback: 5 });
    const entries = await listLmCache(cacheDir);
    expect(entries).toHaveLength(2);
    expect(entries[0]!.metadata).toMatchObject({
      story: 'story-a',
      nWords: WORDS.length,
      nLayers: 3,
      dModel: 16,
      model: { architecture: 'gpt2' },
    });
    expect(await clearLmCache(cacheDir, { story: 'no-such-story' })).toMatchObject({ files: 0 });
    const cleared = await clearLmCache(cacheDir);
    expect(cleared.files).toBe(2);
    expect(await listLmCache(cacheDir)).toEqual([]);
  });
});
